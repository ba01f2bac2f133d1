// A FIFO of the packets waiting for one session's client, on a vector: an empty queue owns
// no memory until its first packet, and a queue that empties keeps a small buffer for the
// next ones (std::deque would allocate a 512-byte block per queue, idle or not). The taken
// entries at the front are dropped once they are as many as the waiting ones, so a queue
// that never empties (a slow client that is always behind) holds at most twice what waits,
// at an amortized O(1) cost per entry.
// Not thread-safe: used on the session's strand.
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace la {

template <typename T>
class PacketQueue {
 public:
  // An emptied queue keeps room for this many entries; more is given back.
  static constexpr size_t kKeptCapacity = 8;

  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  // The waiting entries, oldest first.
  std::span<T> waiting() { return std::span<T>(items_).subspan(head_); }
  std::span<const T> waiting() const { return std::span<const T>(items_).subspan(head_); }

  void push_back(T item) { items_.push_back(std::move(item)); }
  // The oldest entry, removed. The queue must not be empty.
  T pop_front() {
    T item = std::move(items_[head_++]);
    if (empty()) {
      clear();
    } else if (head_ >= kKeptCapacity && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    return item;
  }
  // Entries the storage holds: the waiting ones and those taken but not yet dropped.
  size_t stored() const { return items_.size(); }
  void clear() {
    items_.clear();
    head_ = 0;
    if (items_.capacity() > kKeptCapacity) std::vector<T>().swap(items_);
  }

 private:
  std::vector<T> items_;
  size_t head_ = 0;  // entries before it were taken
};

}  // namespace la
