// The answer to POST /engagement/like once Kafka reported on the event
// (docs/http-api.md): every answer after validation names the eventId, so a client
// that sent none can still retry with the same one and be counted once.
//   stored            -> 202 {"status":"event queued","eventId"}
//   not stored        -> 503 + Retry-After {"message","eventId","possiblyStored":false}
//   possibly stored   -> 503 + Retry-After, the message says to retry with the
//                        same eventId (librdkafka timed the message out after
//                        sending it: the broker may hold it, RD_KAFKA_MSG_STATUS_
//                        POSSIBLY_PERSISTED; dedup counts the retry once).
// Pure function; thread-safe.
#pragma once

#include <string>

#include "api/event_publisher.h"
#include "http/message.h"

namespace la {

http::Response LikeAnswer(const PublishResult& result, const std::string& event_id);

}  // namespace la
