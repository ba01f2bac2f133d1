// RFC 4648 test vectors and the strictness rules of the shared base64 codec.
#include "core/base64.h"

#include <gtest/gtest.h>

namespace la {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(EncodeBase64(plain, Base64Alphabet::kStandard, true), encoded);
    Result<std::string> decoded = DecodeBase64(encoded, Base64Alphabet::kStandard, true);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, UrlAlphabetWithoutPadding) {
  const std::string bytes("\xfb\xff\xfe", 3);
  EXPECT_EQ(EncodeBase64(bytes, Base64Alphabet::kStandard, true), "+//+");
  EXPECT_EQ(EncodeBase64(bytes, Base64Alphabet::kUrl, false), "-__-");
  EXPECT_EQ(*DecodeBase64("-__-", Base64Alphabet::kUrl, false), bytes);
  EXPECT_EQ(EncodeBase64("f", Base64Alphabet::kUrl, false), "Zg");
}

TEST(Base64, RejectsWhatIsNotTheOneEncoding) {
  EXPECT_FALSE(DecodeBase64("Zg=", Base64Alphabet::kStandard, true).ok());  // length
  EXPECT_FALSE(
      DecodeBase64("Zg==", Base64Alphabet::kUrl, false).ok());  // padding where none is allowed
  EXPECT_FALSE(DecodeBase64("Zh", Base64Alphabet::kUrl, false).ok());  // leftover bits
  EXPECT_FALSE(DecodeBase64("Z", Base64Alphabet::kUrl, false).ok());   // impossible length
  Result<std::string> bad = DecodeBase64("Zm9*", Base64Alphabet::kStandard, true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "invalid base64 character '*' at offset 3");
  EXPECT_NE(DecodeBase64(std::string("Zm9\x01", 4), Base64Alphabet::kStandard, true)
                .status()
                .message()
                .find("byte 0x01"),
            std::string::npos);
}

}  // namespace
}  // namespace la
