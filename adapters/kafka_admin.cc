#include "adapters/kafka_admin.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <thread>

namespace la {
namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

Result<Handle> Connect(const std::string& brokers) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Status::Error("KAFKA_BROKERS \"" + brokers + "\" rejected: " + error);
  }
  rd_kafka_conf_set_log_cb(conf,
                           [](const rd_kafka_t*, int, const char* facility, const char* line) {
                             spdlog::debug("kafka admin {}: {}", facility, line);
                           });
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (rk == nullptr) return Status::Error(std::string("Kafka admin client: ") + error);
  return Handle(rk);
}

// The per-topic results in the answer to one CreateTopics or DeleteTopics call.
using TopicResultsOf = const rd_kafka_topic_result_t** (*)(rd_kafka_event_t*, size_t*);

// Sends one topic operation (`send` queues it with the given options and answer queue)
// and waits for the answer: an error if Kafka does not answer in time, refuses the call,
// or fails a topic with anything but `tolerated`. `operation` ("CreateTopics") and
// `verb` ("creating") name it in the errors.
Status RunTopicOperation(
    rd_kafka_t* rk, rd_kafka_admin_op_t op,
    const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& send,
    TopicResultsOf results_of, rd_kafka_resp_err_t tolerated, const std::string& brokers,
    std::chrono::milliseconds timeout, const std::string& operation, const std::string& verb) {
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, op);
  char error[512];
  rd_kafka_AdminOptions_set_operation_timeout(options, static_cast<int>(timeout.count()), error,
                                              sizeof error);
  rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout.count()), error,
                                            sizeof error);
  send(options, queue);

  Status status = Status::Ok();
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 1000);
  if (event == nullptr) {
    status = Status::Error("Kafka at " + brokers + " did not answer " + operation + " within " +
                           std::to_string(timeout.count()) + " ms; is the broker running?");
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = Status::Error("Kafka " + operation + " failed: " + rd_kafka_event_error_string(event) +
                           " (brokers " + brokers + ")");
  } else {
    size_t count = 0;
    const rd_kafka_topic_result_t** results = results_of(event, &count);
    for (size_t i = 0; i < count && status.ok(); ++i) {
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != tolerated) {
        const char* why = rd_kafka_topic_result_error_string(results[i]);
        status = Status::Error(verb + " topic " + rd_kafka_topic_result_name(results[i]) +
                               " failed: " + (why ? why : rd_kafka_err2str(err)));
      }
    }
  }
  if (event) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  return status;
}

}  // namespace

Status EnsureTopics(const std::string& brokers, const std::vector<TopicSpec>& topics,
                    std::chrono::milliseconds timeout) {
  Result<Handle> rk = Connect(brokers);
  if (!rk.ok()) return rk.status();
  char error[512];
  std::vector<rd_kafka_NewTopic_t*> new_topics;
  for (const TopicSpec& t : topics) {
    new_topics.push_back(rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, t.replication_factor,
                                               error, sizeof error));
    if (new_topics.back() == nullptr) {
      new_topics.pop_back();
      rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
      return Status::Error("topic " + t.name + ": " + error);
    }
    if (t.min_insync_replicas > 0) {
      const std::string value = std::to_string(t.min_insync_replicas);
      if (rd_kafka_resp_err_t err =
              rd_kafka_NewTopic_set_config(new_topics.back(), "min.insync.replicas", value.c_str());
          err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
        return Status::Error("topic " + t.name + ": min.insync.replicas=" + value + ": " +
                             rd_kafka_err2str(err));
      }
    }
  }
  const Status status = RunTopicOperation(
      rk->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS,
      [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_CreateTopics(rk->get(), new_topics.data(), new_topics.size(), options, queue);
      },
      [](rd_kafka_event_t* event, size_t* count) {
        return rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event),
                                                   count);
      },
      RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS, brokers, timeout, "CreateTopics", "creating");
  rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
  return status;
}

Status DeleteTopics(const std::string& brokers, const std::vector<std::string>& topics,
                    std::chrono::milliseconds timeout) {
  Result<Handle> rk = Connect(brokers);
  if (!rk.ok()) return rk.status();
  std::vector<rd_kafka_DeleteTopic_t*> deletions;
  for (const std::string& topic : topics) {
    deletions.push_back(rd_kafka_DeleteTopic_new(topic.c_str()));
  }
  const Status status = RunTopicOperation(
      rk->get(), RD_KAFKA_ADMIN_OP_DELETETOPICS,
      [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DeleteTopics(rk->get(), deletions.data(), deletions.size(), options, queue);
      },
      [](rd_kafka_event_t* event, size_t* count) {
        return rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event),
                                                   count);
      },
      RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, brokers, timeout, "DeleteTopics", "deleting");
  rd_kafka_DeleteTopic_destroy_array(deletions.data(), deletions.size());
  return status;
}

Result<int> CountPartitions(const std::string& brokers, const std::string& topic,
                            std::chrono::milliseconds timeout) {
  Result<Handle> rk = Connect(brokers);
  if (!rk.ok()) return rk.status();
  rd_kafka_topic_t* handle = rd_kafka_topic_new(rk->get(), topic.c_str(), nullptr);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Result<int> result = Status::Error("topic " + topic + " does not exist");
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(
        rk->get(), 0, handle, &metadata, static_cast<int>(std::max<int64_t>(left.count(), 1)));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = Status::Error("Kafka metadata for topic " + topic + " at " + brokers + ": " +
                             rd_kafka_err2str(err));
      break;
    }
    const rd_kafka_resp_err_t topic_err = metadata->topic_cnt == 1
                                              ? metadata->topics[0].err
                                              : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    if (topic_err == RD_KAFKA_RESP_ERR_NO_ERROR) result = metadata->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(metadata);
    // A topic just created is not known to every broker at once (each learns it from the
    // controller): the broker asked may not know it yet, so ask again until the deadline.
    const bool unknown_yet = topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                             topic_err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
    if (result.ok() || !unknown_yet || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  rd_kafka_topic_destroy(handle);
  return result;
}

}  // namespace la
