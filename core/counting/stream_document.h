// Where the stream documents live: MongoDB collection `streams` (docs/data.md),
// one document per stream. The consumer writes them (core/flush_plan.h), the api
// node reads them (core/stream_history.h, the dashboards' snapshots). Constants
// only; safe from any thread.
#pragma once

namespace la {

inline constexpr const char* kStreamsCollection = "streams";
// A stream document's `firstLike` (core/counting/flush_plan.h): {p: partition, o: offset}.
inline constexpr const char* kFirstLikeField = "firstLike";

}  // namespace la
