#include "core/json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace la {
namespace {

std::string Nested(size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(JsonDepthWithinTest, ScalarsHaveNoDepth) {
  EXPECT_TRUE(JsonDepthWithin("", 0));
  EXPECT_TRUE(JsonDepthWithin("42", 0));
  EXPECT_TRUE(JsonDepthWithin(R"("text")", 0));
}

TEST(JsonDepthWithinTest, CountsArraysAndObjectsTogether) {
  EXPECT_TRUE(JsonDepthWithin("[]", 1));
  EXPECT_FALSE(JsonDepthWithin("[]", 0));
  EXPECT_TRUE(JsonDepthWithin(R"(["subscribe",{"a":[1,{"b":2}]}])", 4));
  EXPECT_FALSE(JsonDepthWithin(R"(["subscribe",{"a":[1,{"b":2}]}])", 3));
}

TEST(JsonDepthWithinTest, SiblingsDoNotAddUp) {
  EXPECT_TRUE(JsonDepthWithin("[[1],[2],[3],{\"a\":1}]", 2));
}

TEST(JsonDepthWithinTest, BracketsInStringsDoNotCount) {
  EXPECT_TRUE(JsonDepthWithin(R"(["[[[[{{{{"])", 1));
  EXPECT_TRUE(JsonDepthWithin(R"(["a \"[[[[\" b", "\\", "[["])", 1));
}

TEST(JsonDepthWithinTest, StopsAtADeepPacketWithoutParsingIt) {
  EXPECT_TRUE(JsonDepthWithin(Nested(32), 32));
  EXPECT_FALSE(JsonDepthWithin(Nested(33), 32));
  EXPECT_FALSE(JsonDepthWithin("2[\"message\"," + Nested(500000) + "]", 32));
}

TEST(JsonDepthWithinTest, ToleratesTextThatIsNotJson) {
  EXPECT_TRUE(JsonDepthWithin("]]]][", 1));
  EXPECT_TRUE(JsonDepthWithin("\"unterminated [[[[", 0));
}

}  // namespace
}  // namespace la
