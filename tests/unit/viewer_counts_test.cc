#include "core/viewers/viewer_counts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/viewers/cluster_viewers.h"

namespace la {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(LocalViewerCounts, TenThousandJoinsOfOneStreamAreOneChangedCount) {
  LocalViewerCounts counts;
  for (int i = 0; i < 10000; ++i) counts.Join("s1");
  EXPECT_THAT(counts.TakeChanges(), ElementsAre(ViewerCount{"s1", 10000}));
  EXPECT_THAT(counts.TakeChanges(), IsEmpty()) << "reported once";
}

TEST(LocalViewerCounts, AJoinUndoneBeforeTheReportIsNoChange) {
  LocalViewerCounts counts;
  counts.Join("s1");
  (void)counts.TakeChanges();
  counts.Join("s1");
  ASSERT_TRUE(counts.Leave("s1"));
  EXPECT_THAT(counts.TakeChanges(), IsEmpty());
  EXPECT_THAT(counts.TakeJoined(), ElementsAre("s1")) << "the new socket is still owed the count";
}

TEST(LocalViewerCounts, TheLastLeaveReportsZeroAndForgetsTheStream) {
  LocalViewerCounts counts;
  counts.Join("a");
  counts.Join("b");
  (void)counts.TakeChanges();
  ASSERT_TRUE(counts.Leave("a"));
  EXPECT_THAT(counts.TakeChanges(), ElementsAre(ViewerCount{"a", 0}));
  EXPECT_EQ(counts.stream_count(), 1u);
}

TEST(LocalViewerCounts, CountsNeverGoNegative) {
  LocalViewerCounts counts;
  EXPECT_FALSE(counts.Leave("s1"));
  counts.Join("s1");
  EXPECT_TRUE(counts.Leave("s1"));
  EXPECT_FALSE(counts.Leave("s1"));
  EXPECT_EQ(counts.Viewers("s1"), 0);
  EXPECT_THAT(counts.TakeChanges(), IsEmpty()) << "joined and left between two reports";
}

TEST(LocalViewerCounts, AFullReportCarriesEveryCountAndResetsTheChanges) {
  LocalViewerCounts counts;
  counts.Join("b");
  counts.Join("a");
  counts.Join("a");
  EXPECT_THAT(counts.TakeAll(), ElementsAre(ViewerCount{"a", 2}, ViewerCount{"b", 1}));
  EXPECT_THAT(counts.TakeChanges(), IsEmpty());
}

ViewerReport Delta(const std::string& node, uint64_t seq, std::vector<ViewerCount> counts) {
  return {node, seq, false, std::move(counts)};
}
ViewerReport Full(const std::string& node, uint64_t seq, std::vector<ViewerCount> counts) {
  return {node, seq, true, std::move(counts)};
}

TEST(ClusterViewers, SumsTheNodesCountsPerStream) {
  ClusterViewers cluster("self", 10000);
  const std::vector<ViewerCount> own = {{"s1", 2}};
  cluster.ApplyOwn(own, false);
  EXPECT_EQ(cluster.Apply(Full("n2", 1, {{"s1", 3}, {"s2", 1}}), 0),
            ClusterViewers::Applied::kApplied);
  EXPECT_EQ(cluster.Viewers("s1"), 5);
  EXPECT_EQ(cluster.Viewers("s2"), 1);
  EXPECT_EQ(cluster.Total(), 6);
  EXPECT_THAT(cluster.TakeChangedSums(), ElementsAre(ViewerCount{"s1", 5}, ViewerCount{"s2", 1}));
  EXPECT_EQ(cluster.Apply(Delta("n2", 2, {{"s1", 0}}), 100), ClusterViewers::Applied::kApplied);
  EXPECT_EQ(cluster.Viewers("s1"), 2);
  EXPECT_THAT(cluster.TakeChangedSums(), ElementsAre(ViewerCount{"s1", 2}));
  EXPECT_THAT(cluster.Top(1), ElementsAre(ViewerCount{"s1", 2}));
}

TEST(ClusterViewers, ASilentNodeIsDroppedAfterTheTtlAndItsViewersWithIt) {
  ClusterViewers cluster("self", 10000);
  ASSERT_EQ(cluster.Apply(Full("n2", 1, {{"s1", 7}}), 1000), ClusterViewers::Applied::kApplied);
  ASSERT_EQ(cluster.Apply(Delta("n2", 2, {}), 5000), ClusterViewers::Applied::kApplied)
      << "a heartbeat";
  EXPECT_THAT(cluster.ExpireSilent(14999), IsEmpty());
  EXPECT_THAT(cluster.ExpireSilent(15000), ElementsAre("n2"));
  EXPECT_EQ(cluster.Viewers("s1"), 0);
  EXPECT_EQ(cluster.Total(), 0);
  EXPECT_THAT(cluster.Nodes(), IsEmpty());
}

TEST(ClusterViewers, ADeltaOutOfOrderOrFromAnUnknownNodeAsksForTheFullState) {
  ClusterViewers cluster("self", 10000);
  EXPECT_EQ(cluster.Apply(Delta("n2", 5, {{"s1", 1}}), 0), ClusterViewers::Applied::kGap);
  ASSERT_EQ(cluster.Apply(Full("n2", 5, {{"s1", 1}}), 0), ClusterViewers::Applied::kApplied);
  EXPECT_EQ(cluster.Apply(Delta("n2", 7, {{"s1", 9}}), 0), ClusterViewers::Applied::kGap);
  EXPECT_EQ(cluster.Viewers("s1"), 1) << "a gap changes nothing";
  EXPECT_EQ(cluster.Apply(Delta("n2", 5, {{"s1", 9}}), 0), ClusterViewers::Applied::kStale);
  EXPECT_EQ(cluster.Apply(Full("n2", 4, {{"s1", 9}}), 0), ClusterViewers::Applied::kStale)
      << "an older full state read late";
  EXPECT_EQ(cluster.Apply(Full("self", 9, {{"s1", 9}}), 0), ClusterViewers::Applied::kStale);
  EXPECT_EQ(cluster.Viewers("s1"), 1);
}

TEST(ClusterViewers, AFullReportReplacesTheNodesCountsAndSumsStayNonNegative) {
  ClusterViewers cluster("self", 10000);
  ASSERT_EQ(cluster.Apply(Full("n2", 1, {{"a", 4}, {"b", 2}}), 0),
            ClusterViewers::Applied::kApplied);
  ASSERT_EQ(cluster.Apply(Full("n2", 2, {{"b", 1}}), 0), ClusterViewers::Applied::kApplied);
  EXPECT_EQ(cluster.Viewers("a"), 0);
  EXPECT_EQ(cluster.Viewers("b"), 1);
  EXPECT_EQ(cluster.Total(), 1);
  cluster.Forget("n2");
  EXPECT_EQ(cluster.Total(), 0);
  EXPECT_THAT(cluster.Top(10), IsEmpty());
}

TEST(ViewerReport, RoundTripsAndRejectsBadInput) {
  const ViewerReport report = Delta("api-3001-x", 3, {{"a", 0}, {"b", 12}});
  Result<ViewerReport> parsed = ParseViewerReport(EncodeViewerReport(report));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, report);
  EXPECT_THAT(ParseViewerReport("[]").status().message(), HasSubstr("JSON object"));
  EXPECT_THAT(
      ParseViewerReport(R"({"node":"n","seq":0,"full":false,"counts":{}})").status().message(),
      HasSubstr("seq"));
  EXPECT_THAT(ParseViewerReport(R"({"node":"n","seq":1,"full":false,"counts":{"a":-1}})")
                  .status()
                  .message(),
              HasSubstr("count of a"));
  EXPECT_THAT(ParseViewerReport(R"({"node":"n","seq":1,"full":false,"counts":{"a b":1}})")
                  .status()
                  .message(),
              HasSubstr("streamId"));
  EXPECT_THAT(
      ParseViewerReport(R"({"node":"","seq":1,"full":false,"counts":{}})").status().message(),
      HasSubstr("node id"));
}

TEST(ViewerReport, ReadsANodesHash) {
  Result<ViewerReport> report =
      ViewerReportFromHash("n2", {{"b", "2"}, {kViewerSeqField, "9"}, {"a", "1"}});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(*report, Full("n2", 9, {{"a", 1}, {"b", 2}}));
  EXPECT_FALSE(ViewerReportFromHash("n2", {{"a", "1"}}).ok()) << "no #seq";
  EXPECT_FALSE(ViewerReportFromHash("n2", {{kViewerSeqField, "1"}, {"a", "-3"}}).ok());
}

}  // namespace
}  // namespace la
