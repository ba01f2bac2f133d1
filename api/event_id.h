// Event ids the api node makes for likes sent without one: random version 4
// UUIDs from libsodium's CSPRNG (randombytes_buf), so nobody can predict the
// id of someone else's next like. Thread-safe.
#pragma once

#include <string>

namespace la {

// "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx", lower-case hex.
std::string NewEventId();

}  // namespace la
