// Fuzzes the JWT verifier (core/jwt.h, core/jwt_verifier.h) two ways. Random tokens
// exercise the segment split, base64 and the header checks; a random signature never
// matches, so the input is also signed here ("header.payload" + a valid HS256 MAC) to
// reach the claims parser behind the signature check. Either way: claims or an error,
// and the cached verifier agrees with the plain one.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/auth/jwt.h"
#include "core/auth/jwt_verifier.h"
#include "core/base64.h"

namespace {

constexpr std::string_view kSecret = "fuzzing-secret-0123456789abcdef0123456789";
constexpr int64_t kNow = 1700000000;

std::string SignedForFuzzing(std::string_view signed_part) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac,
       &length);
  return std::string(signed_part) + "." +
         la::EncodeBase64(std::string_view(reinterpret_cast<const char*>(mac), length),
                          la::Base64Alphabet::kUrl, /*pad=*/false);
}

void Check(std::string_view token) {
  static la::JwtVerifier verifier{std::string(kSecret), 64};
  la::Result<la::JwtClaims> plain = la::VerifyJwt(token, kSecret, kNow);
  la::Result<la::JwtClaims> cached = verifier.Verify(token, kNow);
  if (plain.ok() != cached.ok()) __builtin_trap();
  if (plain.ok() && (plain->exp <= kNow || plain->id != cached->id)) __builtin_trap();
  (void)la::BearerToken(token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Check(input);
  Check(SignedForFuzzing(input));
  return 0;
}
