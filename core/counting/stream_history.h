// The read side of likes over time (docs/http-api.md): turns a stored `streams`
// document into the body of GET /streams/{streamId}, and checks the `top`
// parameter of GET /streams. Pure; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace la {

inline constexpr size_t kMaxTopStreams = 1000;

// {streamId, likes, updatedAt, perMinute: [{t, likes}] (60 points, oldest first),
//  perHour: [{t, likes}] (24 points)} from a document {_id, streamId, likes,
// updatedAt, minutes, hours} as read with relaxed extended JSON; `now_ms` places
// the windows (core/like_history.h). updatedAt is the stored date as ISO-8601
// text, or null when absent. An error names what in the document is invalid.
Result<nlohmann::json> StreamHistoryBody(const nlohmann::json& document, int64_t now_ms);

// The N of ?top=N: a whole number from 1 to kMaxTopStreams (an error message for a 400).
Result<size_t> ParseTopStreamsParameter(const std::string& text);

}  // namespace la
