#include <gtest/gtest.h>

#include <string>

#include "adapters/redis_client.h"

namespace la {
namespace {

TEST(AppendRedisCommandTest, WritesAnArrayOfBulkStrings) {
  std::string out;
  AppendRedisCommand(out, {"SET", "dedup:u1:e1", "3:42", "NX"});
  EXPECT_EQ(out, "*4\r\n$3\r\nSET\r\n$11\r\ndedup:u1:e1\r\n$4\r\n3:42\r\n$2\r\nNX\r\n");
}

TEST(AppendRedisCommandTest, AppendsAfterWhatIsThereAndKeepsBinaryBytes) {
  std::string out = "*1\r\n$4\r\nPING\r\n";
  const std::string binary("a\r\n\0b", 5);  // a length prefix, not a terminator, bounds it
  AppendRedisCommand(out, {"ECHO", binary, ""});
  EXPECT_EQ(
      out, std::string("*1\r\n$4\r\nPING\r\n*3\r\n$4\r\nECHO\r\n$5\r\na\r\n\0b\r\n$0\r\n\r\n", 45));
}

}  // namespace
}  // namespace la
