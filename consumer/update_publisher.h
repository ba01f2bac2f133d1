// Tells the api nodes about new like totals: Redis channel `stream-updates` (and the
// partition summaries on `totals-updates`), which they relay to dashboards and live
// viewers (docs/data.md).
#pragma once

#include <span>

#include "core/counting/partition_totals.h"
#include "core/counting/stream_total.h"
#include "core/status.h"

namespace la {

class UpdatePublisher {
 public:
  virtual ~UpdatePublisher() = default;

  // Publishes one message carrying the absolute totals of the streams a flush
  // changed, so subscribers never have to re-read the database.
  virtual Status Publish(std::span<const StreamTotal> totals) = 0;
  // Publishes the partition summaries a flush moved (channel `totals-updates`,
  // core/counting/partition_totals.h), from which api nodes keep the cluster totals.
  virtual Status PublishPartitionTotals(std::span<const PartitionTotal> totals) = 0;
};

}  // namespace la
