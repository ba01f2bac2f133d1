#include "socketio/internal/outgoing_queue.h"

#include "socketio/protocol/engineio.h"

namespace la {
namespace {

EioPacketText Encoded(EioPacketType type) {
  return std::make_shared<const std::string>(EncodePacketText({type, "", false}));
}

}  // namespace

const EioPacketText& EncodedPing() {
  static const EioPacketText packet = Encoded(EioPacketType::kPing);
  return packet;
}
const EioPacketText& EncodedClose() {
  static const EioPacketText packet = Encoded(EioPacketType::kClose);
  return packet;
}
const EioPacketText& EncodedNoop() {
  static const EioPacketText packet = Encoded(EioPacketType::kNoop);
  return packet;
}

OutgoingQueue::Pushed OutgoingQueue::Push(EioPacketText packet, const EioMerge* merge,
                                          bool may_merge) {
  if (closed_) return Pushed::kClosed;
  if (merge && may_merge && MergeIntoWaiting(packet, *merge)) return Pushed::kMerged;
  if (bytes_ + packet->size() > max_bytes_) return Pushed::kOverflow;
  bytes_ += packet->size();
  entries_.push_back({std::move(packet), merge});
  return Pushed::kQueued;
}

void OutgoingQueue::PushLast(EioPacketText packet) {
  bytes_ += packet->size();
  entries_.push_back({std::move(packet), nullptr});
}

bool OutgoingQueue::MergeIntoWaiting(const EioPacketText& packet, const EioMerge& merge) {
  std::span<Entry> waiting = entries_.waiting();
  for (auto it = waiting.rbegin(); it != waiting.rend() && it->merge == &merge; ++it) {
    EioPacketText merged = merge(*it->text, *packet);
    if (!merged) continue;
    bytes_ = bytes_ - it->text->size() + merged->size();
    it->text = std::move(merged);
    return true;
  }
  return false;
}

EioPacketText OutgoingQueue::TakeFront() {
  if (entries_.empty()) return nullptr;
  EioPacketText packet = entries_.pop_front().text;
  bytes_ -= packet->size();
  return packet;
}

std::string OutgoingQueue::TakeAllAsPayload() {
  std::string body;
  body.reserve(bytes_ + entries_.size());
  for (const Entry& entry : entries_.waiting()) {
    if (!body.empty()) body += kPayloadSeparator;
    body += *entry.text;
  }
  Clear();
  return body;
}

void OutgoingQueue::Clear() {
  entries_.clear();
  bytes_ = 0;
}

}  // namespace la
