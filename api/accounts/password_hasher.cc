#include "api/accounts/password_hasher.h"

#include <sodium.h>

#include <mutex>

namespace la {
namespace {

// Interactive limits: ~50-100 ms and 64 MiB per hash on a typical core.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void InitSodiumOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no usable randomness: nothing is safe
  });
}

}  // namespace

Result<std::string> HashPassword(const std::string& password) {
  InitSodiumOnce();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), kOpsLimit, kMemLimit) != 0) {
    return Status::Error("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& password, const std::string& encoded_hash) {
  InitSodiumOnce();
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

void VerifyAgainstDummyHash(const std::string& password) {
  static const std::string dummy = *HashPassword("dummy password for unknown accounts");
  VerifyPassword(password, dummy);
}

}  // namespace la
