// Caps on concurrent things (HTTP connections, Engine.IO sessions) in all and per client
// address, so that one address cannot take what every client shares. Pure counting: the
// caller acquires a slot when a connection opens and releases it when it closes. Only
// addresses holding a slot are kept, so memory is bounded by the global cap.
// Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace la {

enum class CapDecision { kAdmitted, kGlobalCapReached, kAddressCapReached };

class ConnectionCaps {
 public:
  // 0 turns a cap off.
  ConnectionCaps(size_t max_total, size_t max_per_address);

  // Takes a slot for `address`. `per_address` false counts the slot only towards the
  // global cap (a trusted proxy carries many clients on its connections).
  CapDecision TryAcquire(std::string_view address, bool per_address = true);
  // Gives back a slot taken by a successful TryAcquire with the same arguments.
  void Release(std::string_view address, bool per_address = true);

  size_t total() const;
  size_t of(std::string_view address) const;
  size_t max_total() const { return max_total_; }
  size_t max_per_address() const { return max_per_address_; }

 private:
  const size_t max_total_;
  const size_t max_per_address_;
  mutable std::mutex mutex_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> by_address_;  // only addresses with a slot
};

// The message for a refusal, naming the cap and its value, e.g. "too many connections
// from 10.0.0.1 (limit 256)".
std::string DescribeCapRefusal(CapDecision decision, std::string_view what,
                               std::string_view address, const ConnectionCaps& caps);

}  // namespace la
