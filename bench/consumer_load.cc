// la-consumer-load: drives the consumer benchmark (bench/consumer) and the
// crash tests (tests/chaos/).
//
//   la-consumer-load produce --topic T --expected FILE [--events N] [--streams S]
//       [--partitions P] [--zipf X] [--duplicates SHARE] [--malformed SHARE]
//       [--rate EVENTS_PER_S] [--seed N] [--run-id ID] [--brokers B]
//     creates T (and T-dlq) if missing, produces the events as fast as Kafka
//     takes them (or at --rate), waits for every ack and writes the totals
//     MongoDB must end up with to FILE.
//
//   la-consumer-load verify --expected FILE --mongo-database D [--mongo-uri U]
//       [--timeout-s S]
//     waits until the `streams` collection holds exactly those totals; prints
//     the time they matched (ms since the epoch), or the differences.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/kafka_admin.h"
#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "bench/consumer_load_events.h"
#include "core/command_line.h"
#include "core/counting/stream_document.h"

namespace la::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kQueueMaxMessages = 500000;

int Fail(const std::string& message) {
  std::cerr << "la-consumer-load: " << message << "\n";
  return 1;
}

int64_t EpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "--name value" (or "--name=value") flags; a flag given twice keeps the last value.
class Flags {
 public:
  static Result<Flags> Parse(const std::vector<std::string>& args) {
    Result<CommandLine> line =
        ParseCommandLine(args, [](std::string_view) { return FlagKind::kValue; });
    if (!line.ok()) return line.status();
    Flags flags;
    for (CommandLineFlag& flag : line->flags) flags.values_[flag.name] = std::move(*flag.value);
    return flags;
  }
  std::string Text(const std::string& name, const std::string& fallback = "") const {
    const auto found = values_.find(name);
    return found == values_.end() ? fallback : found->second;
  }
  double Number(const std::string& name, double fallback) const {
    const auto found = values_.find(name);
    return found == values_.end() ? fallback : std::stod(found->second);
  }

 private:
  std::map<std::string, std::string> values_;
};

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

int Produce(const Flags& flags) {
  const std::string brokers = flags.Text("brokers", EnvOr("KAFKA_BROKERS", "127.0.0.1:9092"));
  const std::string topic = flags.Text("topic");
  const std::string expected_path = flags.Text("expected");
  if (topic.empty() || expected_path.empty()) return Fail("produce needs --topic and --expected");
  LoadShape shape;
  shape.events = static_cast<int64_t>(flags.Number("events", 100000));
  shape.streams = static_cast<int>(flags.Number("streams", 10000));
  shape.zipf_exponent = flags.Number("zipf", 1.0);
  shape.duplicate_share = flags.Number("duplicates", 0.01);
  shape.malformed_share = flags.Number("malformed", 0.0);
  shape.seed = static_cast<uint64_t>(flags.Number("seed", 1));
  shape.run_id = flags.Text("run-id", "load" + std::to_string(std::random_device{}() % 100000000));
  const double rate = flags.Number("rate", 0);
  const int partitions = static_cast<int>(flags.Number("partitions", 12));

  if (Status s = EnsureTopics(brokers, {{topic, partitions}, {topic + "-dlq", 1}},
                              std::chrono::seconds(30));
      !s.ok()) {
    return Fail(s.message());
  }
  Result<std::unique_ptr<KafkaProducer>> producer =
      KafkaProducer::Create({.brokers = brokers,
                             .linger_ms = 50,
                             .delivery_timeout_ms = 120000,
                             .queue_max_messages = kQueueMaxMessages,
                             .client_id = "la-consumer-load"});
  if (!producer.ok()) return Fail(producer.status().message());

  std::atomic<int64_t> failed{0};
  std::string first_failure;  // written by the delivery thread before `failed` is raised
  LoadGenerator generator(shape);
  const Clock::time_point started = Clock::now();
  for (int64_t i = 0; i < shape.events; ++i) {
    if (rate > 0) {
      std::this_thread::sleep_until(
          started + std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / rate)));
    }
    while ((*producer)->OutstandingMessages() > kQueueMaxMessages * 9 / 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const LoadMessage message = generator.Next();
    Status queued = (*producer)->Produce(topic, message.key, message.value, {},
                                         [&](const DeliveryReport& report) {
                                           if (report.status.ok()) return;
                                           if (failed.load() == 0)
                                             first_failure = report.status.message();
                                           failed.fetch_add(1);
                                         });
    if (!queued.ok()) return Fail(queued.message());
  }
  if (Status s = (*producer)->Flush(std::chrono::seconds(120)); !s.ok()) return Fail(s.message());
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (failed.load() > 0) {
    return Fail(std::to_string(failed.load()) +
                " messages were not acknowledged, e.g.: " + first_failure);
  }
  if (Status s = WriteExpectedTotals(expected_path, generator.expected()); !s.ok()) {
    return Fail(s.message());
  }
  const ExpectedTotals& expected = generator.expected();
  std::cout << "produced " << expected.messages << " messages to " << topic << " in " << seconds
            << " s (" << static_cast<int64_t>(expected.messages / seconds)
            << "/s): " << expected.duplicates << " duplicates, " << expected.malformed
            << " malformed, " << expected.likes_by_stream.size() << " streams\n";
  return 0;
}

// Differences between `expected` and the `streams` documents, described for a human.
std::vector<std::string> Differences(const ExpectedTotals& expected,
                                     const std::map<std::string, int64_t>& actual) {
  std::vector<std::string> differences;
  for (const auto& [stream, likes] : expected.likes_by_stream) {
    const auto found = actual.find(stream);
    const int64_t got = found == actual.end() ? 0 : found->second;
    if (got != likes) {
      differences.push_back(stream + ": expected " + std::to_string(likes) + ", got " +
                            std::to_string(got));
    }
  }
  for (const auto& [stream, likes] : actual) {
    if (likes != 0 && !expected.likes_by_stream.contains(stream)) {
      differences.push_back(stream + ": not expected, got " + std::to_string(likes));
    }
  }
  return differences;
}

Result<std::map<std::string, int64_t>> ReadTotals(MongoClient& mongo) {
  Result<std::vector<nlohmann::json>> documents =
      mongo.Find(kStreamsCollection, nlohmann::json::object(), {{"projection", {{"likes", 1}}}});
  if (!documents.ok()) return documents.status();
  std::map<std::string, int64_t> totals;
  for (const nlohmann::json& document : *documents) {
    totals[document["_id"].get<std::string>()] = document.value("likes", int64_t{0});
  }
  return totals;
}

int Verify(const Flags& flags) {
  const std::string database = flags.Text("mongo-database");
  if (database.empty() || flags.Text("expected").empty()) {
    return Fail("verify needs --expected and --mongo-database");
  }
  Result<ExpectedTotals> expected = ReadExpectedTotals(flags.Text("expected"));
  if (!expected.ok()) return Fail(expected.status().message());
  Result<std::unique_ptr<MongoClient>> mongo = MongoClient::Create(
      flags.Text("mongo-uri", EnvOr("MONGO_URI", "mongodb://127.0.0.1:27017")), database);
  if (!mongo.ok()) return Fail(mongo.status().message());

  const Clock::time_point deadline =
      Clock::now() + std::chrono::seconds(static_cast<int64_t>(flags.Number("timeout-s", 60)));
  std::vector<std::string> differences = {"nothing read yet"};
  while (true) {
    const Clock::time_point read_started = Clock::now();
    Result<std::map<std::string, int64_t>> totals = ReadTotals(**mongo);
    const Clock::duration read_took = Clock::now() - read_started;
    if (totals.ok()) {
      differences = Differences(*expected, *totals);
      if (differences.empty()) {
        int64_t likes = 0;
        for (const auto& [stream, count] : *totals) likes += count;
        std::cout << "totals match: " << expected->likes_by_stream.size() << " streams, " << likes
                  << " likes; matched_at_ms=" << EpochMs() << "\n";
        return 0;
      }
    } else {
      differences = {totals.status().message()};
    }
    if (Clock::now() >= deadline) break;
    // Reading every document is work for the server the consumers write to: keep
    // it under a fifth of the server's time (at 10,000 streams a read takes ~0.2 s).
    std::this_thread::sleep_for(
        std::max<Clock::duration>(std::chrono::milliseconds(100), 4 * read_took));
  }
  std::cerr << "totals differ in " << differences.size() << " streams, e.g.:\n";
  for (size_t i = 0; i < std::min<size_t>(differences.size(), 10); ++i) {
    std::cerr << "  " << differences[i] << "\n";
  }
  return 1;
}

}  // namespace
}  // namespace la::bench

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || (args[0] != "produce" && args[0] != "verify")) {
    std::cerr
        << "usage: la-consumer-load produce|verify --flag value ... (see bench/consumer_load.cc)\n";
    return 2;
  }
  la::Result<la::bench::Flags> flags =
      la::bench::Flags::Parse(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!flags.ok()) return la::bench::Fail(flags.status().message());
  return args[0] == "produce" ? la::bench::Produce(*flags) : la::bench::Verify(*flags);
}
