#include "core/requests/connection_caps.h"

namespace la {

ConnectionCaps::ConnectionCaps(size_t max_total, size_t max_per_address)
    : max_total_(max_total), max_per_address_(max_per_address) {}

CapDecision ConnectionCaps::TryAcquire(std::string_view address, bool per_address) {
  std::lock_guard lock(mutex_);
  if (max_total_ > 0 && total_ >= max_total_) return CapDecision::kGlobalCapReached;
  if (per_address) {
    size_t& held = by_address_[std::string(address)];
    if (max_per_address_ > 0 && held >= max_per_address_) return CapDecision::kAddressCapReached;
    ++held;
  }
  ++total_;
  return CapDecision::kAdmitted;
}

void ConnectionCaps::Release(std::string_view address, bool per_address) {
  std::lock_guard lock(mutex_);
  if (total_ > 0) --total_;
  if (!per_address) return;
  auto it = by_address_.find(std::string(address));
  if (it == by_address_.end()) return;
  if (--it->second == 0) by_address_.erase(it);
}

size_t ConnectionCaps::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

size_t ConnectionCaps::of(std::string_view address) const {
  std::lock_guard lock(mutex_);
  auto it = by_address_.find(std::string(address));
  return it == by_address_.end() ? 0 : it->second;
}

std::string DescribeCapRefusal(CapDecision decision, std::string_view what,
                               std::string_view address, const ConnectionCaps& caps) {
  if (decision == CapDecision::kAddressCapReached) {
    return "too many " + std::string(what) + " from " + std::string(address) + " (limit " +
           std::to_string(caps.max_per_address()) + ")";
  }
  return "too many " + std::string(what) + " on this server (limit " +
         std::to_string(caps.max_total()) + ")";
}

}  // namespace la
