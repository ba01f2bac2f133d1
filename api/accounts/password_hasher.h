// argon2id password hashes (libsodium's crypto_pwhash_str). Slow on purpose:
// call these on the blocking pool, never on an I/O thread.
#pragma once

#include <string>

#include "core/status.h"

namespace la {

// Returns the encoded argon2id hash of `password` (salt and parameters included).
Result<std::string> HashPassword(const std::string& password);
// True if `password` matches `encoded_hash`.
bool VerifyPassword(const std::string& password, const std::string& encoded_hash);
// Burns the same time as a real verification; used when the account does not
// exist, so a login's timing does not reveal which emails are registered.
void VerifyAgainstDummyHash(const std::string& password);

}  // namespace la
