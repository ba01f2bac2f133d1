// What the config tests share: an environment from a map, and the check that loading a
// program's configuration failed with a message naming the setting.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"

namespace la {

inline EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

inline const std::string kTestSecret(40, 's');

// A setting (environment and flags) that a program must refuse.
struct BadSetting {
  std::map<std::string, std::string> env;
  std::vector<std::string> args;
  std::string expected;  // a substring of the error
};

// `loaded`, the result of a Load...Config function, is an error containing `expected`.
template <typename Loaded>
void ExpectRefused(const Loaded& loaded, const std::string& expected) {
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find(expected), std::string::npos)
      << loaded.status().message();
}

}  // namespace la
