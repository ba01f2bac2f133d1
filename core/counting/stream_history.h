// The read side of likes over time (docs/http-api.md): turns a stored `streams`
// document into the body of GET /streams/{streamId}. Pure; safe from any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/status.h"

namespace la {

// {streamId, likes, updatedAt, perMinute: [{t, likes}] (60 points, oldest first),
//  perHour: [{t, likes}] (24 points)} from a document {_id, streamId, likes,
// updatedAt, minutes, hours} as read with relaxed extended JSON; `now_ms` places
// the windows (core/like_history.h). updatedAt is the stored date as ISO-8601
// text, or null when absent. An error names what in the document is invalid.
Result<nlohmann::json> StreamHistoryBody(const nlohmann::json& document, int64_t now_ms);

}  // namespace la
