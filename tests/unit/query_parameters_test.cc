// GET /streams?top=N: the `top` parameter.
#include "core/requests/query_parameters.h"

#include <gtest/gtest.h>

namespace la {
namespace {

TEST(TopStreamsParameter, AcceptsOneToAThousand) {
  EXPECT_EQ(*ParseTopStreamsParameter("1"), 1u);
  EXPECT_EQ(*ParseTopStreamsParameter("1000"), 1000u);
  for (const char* bad : {"", "0", "1001", "-1", "ten", "10 ", "1e3"}) {
    Result<size_t> parsed = ParseTopStreamsParameter(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("from 1 to 1000"), std::string::npos);
  }
}

}  // namespace
}  // namespace la
