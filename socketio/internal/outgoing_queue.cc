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

OutgoingQueue::Pushed OutgoingQueue::Push(EioPacketText packet, EioUpdate update, bool may_merge) {
  if (closed_) return Pushed::kClosed;
  if (update && may_merge && MergeIntoWaiting(*update)) return Pushed::kMerged;
  const size_t size = packet->size();
  if (bytes_ + size > max_bytes_) return Pushed::kOverflow;
  bytes_ += size;
  entries_.push_back({std::move(packet), std::move(update), size});
  return Pushed::kQueued;
}

void OutgoingQueue::PushLast(EioPacketText packet) {
  const size_t size = packet->size();
  bytes_ += size;
  entries_.push_back({std::move(packet), nullptr, size});
}

bool OutgoingQueue::MergeIntoWaiting(const SioUpdate& update) {
  std::span<Entry> waiting = entries_.waiting();
  for (auto it = waiting.rbegin(); it != waiting.rend() && it->update; ++it) {
    if (!it->update->Conflates(update)) continue;
    it->update = it->update->MergedWith(update);
    it->text = nullptr;
    const size_t size = it->update->EncodedSizeBound();
    bytes_ = bytes_ - it->bytes + size;
    it->bytes = size;
    return true;
  }
  return false;
}

EioPacketText OutgoingQueue::TextOf(Entry& entry) {
  return entry.text ? std::move(entry.text) : entry.update->Encode();
}

EioPacketText OutgoingQueue::TakeFront() {
  if (entries_.empty()) return nullptr;
  Entry entry = entries_.pop_front();
  bytes_ -= entry.bytes;
  return TextOf(entry);
}

std::string OutgoingQueue::TakeAllAsPayload() {
  std::string body;
  body.reserve(bytes_ + entries_.size());
  for (Entry& entry : entries_.waiting()) {
    if (!body.empty()) body += kPayloadSeparator;
    body += *TextOf(entry);
  }
  Clear();
  return body;
}

void OutgoingQueue::Clear() {
  entries_.clear();
  bytes_ = 0;
}

}  // namespace la
