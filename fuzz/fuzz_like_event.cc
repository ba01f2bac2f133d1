// Fuzzes the consumer's parser of Kafka message values (core/like_event.h): any bytes
// give an event or a DLQ reason, never a crash; an accepted event survives a round trip
// through EncodeLikeEvent unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/counting/like_event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  la::Result<la::LikeEvent> event = la::ParseLikeEvent(bytes);
  if (!event.ok()) return 0;
  la::Result<la::LikeEvent> again = la::ParseLikeEvent(la::EncodeLikeEvent(*event));
  if (!again.ok() || again->event_id != event->event_id || again->stream_id != event->stream_id ||
      again->user_id != event->user_id || again->timestamp_ms != event->timestamp_ms) {
    __builtin_trap();
  }
  return 0;
}
