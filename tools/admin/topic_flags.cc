#include "tools/admin/topic_flags.h"

#include <charconv>
#include <optional>

#include "tools/admin/admin_flags.h"

namespace la::admin {
namespace {

constexpr int kMaxReplicas = 32;

// The value of --name as a whole number in [1, kMaxReplicas], or `fallback`.
Result<int> TakeCount(std::vector<std::string>& args, const std::string& name, int fallback) {
  Result<std::vector<std::optional<std::string>>> flags = TakeFlags(args, {name});
  if (!flags.ok()) return flags.status();
  const std::optional<std::string>& text = flags->front();
  if (!text) return fallback;
  int value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < 1 ||
      value > kMaxReplicas) {
    return Status::Error("--" + name + " must be a whole number from 1 to " +
                         std::to_string(kMaxReplicas) + ", got \"" + *text + "\"");
  }
  return value;
}

}  // namespace

Result<TopicDurability> TakeTopicDurability(std::vector<std::string>& args) {
  Result<int> replicas = TakeCount(args, "replication-factor", 1);
  if (!replicas.ok()) return replicas.status();
  Result<int> in_sync = TakeCount(args, "min-insync-replicas", 1);
  if (!in_sync.ok()) return in_sync.status();
  if (*in_sync > *replicas) {
    return Status::Error("--min-insync-replicas " + std::to_string(*in_sync) +
                         " is more than --replication-factor " + std::to_string(*replicas) +
                         ": no write could ever be acknowledged; lower it or add replicas");
  }
  return TopicDurability{*replicas, *in_sync};
}

}  // namespace la::admin
