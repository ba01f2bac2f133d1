
#include "api/authorization.h"
#include "api/handlers/handlers.h"
#include "api/handlers/pooled_work.h"
#include "async/blocking.h"
#include "core/counting/partition_totals.h"

namespace la::handlers {

// GET /totals (admin): the cluster's totals (docs/viewers.md): {likes, streams, viewers,
// partitions}. likes and streams are the sums of the per-partition summaries as stored now
// (exact for the whole store once the consumers have flushed), viewers the live count
// summed over every api node.
http::Handler Totals(ApiContext& api) {
  return [&api](http::RequestContext& context) -> boost::asio::awaitable<http::Response> {
    auto authorized = Authorize(context.request, api.tokens, Action::kReadStreams);
    if (auto* refusal = std::get_if<http::Response>(&authorized)) co_return std::move(*refusal);
    auto read = [&api] { return api.streams.PartitionTotals(); };
    async::Pooled<Result<std::vector<PartitionTotal>>> pooled =
        co_await async::RunBlocking<Result<std::vector<PartitionTotal>>>(api.reads, read,
                                                                         context.client_gone);
    if (auto failed = FailedWork(pooled, "GET /totals", "stream storage"))
      co_return std::move(*failed);
    Result<std::vector<PartitionTotal>>& summaries = std::get<0>(pooled);
    PartitionTotalsView view;
    for (const PartitionTotal& summary : *summaries) view.Apply(summary);
    const ClusterTotals sum = view.Sum();
    co_return http::JsonResponse(http::Status::ok, {{"likes", sum.likes},
                                                    {"streams", sum.streams},
                                                    {"viewers", api.viewers.Total()},
                                                    {"partitions", sum.partitions}});
  };
}

}  // namespace la::handlers
