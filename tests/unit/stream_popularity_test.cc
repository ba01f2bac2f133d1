#include "tools/loadgen/stream_popularity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace la {
namespace {

using ::testing::HasSubstr;

// How often each rank is picked for u evenly spread over [0, 1).
std::vector<double> Frequencies(const StreamPopularity& popularity, int draws) {
  std::vector<double> frequency(popularity.stream_count(), 0.0);
  for (int i = 0; i < draws; ++i) frequency[popularity.Pick((i + 0.5) / draws)] += 1.0 / draws;
  return frequency;
}

TEST(StreamPopularityTest, UniformSpreadsEvenly) {
  Result<StreamPopularity> uniform = StreamPopularity::Uniform(4);
  ASSERT_TRUE(uniform.ok());
  for (double frequency : Frequencies(*uniform, 4000)) EXPECT_DOUBLE_EQ(frequency, 0.25);
}

TEST(StreamPopularityTest, ZipfFollowsInversePowerOfRank) {
  const double s = 1.1;
  Result<StreamPopularity> zipf = StreamPopularity::Zipf(10, s);
  ASSERT_TRUE(zipf.ok());
  double normaliser = 0;
  for (int rank = 1; rank <= 10; ++rank) normaliser += 1.0 / std::pow(rank, s);
  const std::vector<double> frequency = Frequencies(*zipf, 100000);
  for (int rank = 0; rank < 10; ++rank) {
    EXPECT_NEAR(frequency[rank], 1.0 / std::pow(rank + 1, s) / normaliser, 1e-4) << rank;
  }
}

TEST(StreamPopularityTest, EdgesOfTheUnitIntervalStayInRange) {
  for (auto popularity : {StreamPopularity::Uniform(3), StreamPopularity::Zipf(3, 1.1)}) {
    ASSERT_TRUE(popularity.ok());
    EXPECT_EQ(popularity->Pick(0.0), 0u);
    EXPECT_EQ(popularity->Pick(-1.0), 0u);
    EXPECT_EQ(popularity->Pick(0.999999999), 2u);
    EXPECT_EQ(popularity->Pick(1.0), 2u);
    EXPECT_EQ(popularity->Pick(7.0), 2u);
  }
}

TEST(StreamPopularityTest, SingleStreamAlwaysPicksIt) {
  Result<StreamPopularity> zipf = StreamPopularity::Zipf(1, 2.0);
  ASSERT_TRUE(zipf.ok());
  EXPECT_EQ(zipf->Pick(0.5), 0u);
}

TEST(StreamPopularityTest, RejectsBadParameters) {
  EXPECT_THAT(StreamPopularity::Uniform(0).status().message(), HasSubstr("at least 1, got 0"));
  EXPECT_THAT(StreamPopularity::Zipf(0, 1.1).status().message(), HasSubstr("at least 1"));
  EXPECT_THAT(StreamPopularity::Zipf(5, 0).status().message(), HasSubstr("positive"));
  EXPECT_THAT(StreamPopularity::Zipf(5, -1).status().message(), HasSubstr("got -1"));
  EXPECT_FALSE(StreamPopularity::Zipf(5, NAN).ok());
}

}  // namespace
}  // namespace la
