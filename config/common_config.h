// The settings several programs read, as parts their config structs are made of:
//   CommonConfig   every program (la-api, la-consumer, la-admin): logging, dev mode, the
//                  Kafka brokers and topic, Redis, MongoDB
//   GroupConfig    the programs that read the topic as the consumer group (la-consumer,
//                  la-admin): the group and its dead-letter topic
//   AccountConfig  the programs that sign tokens or create the admin account (la-api,
//                  la-admin): the JWT secret and the admin account
// Each part comes with its settings (flag, environment variable, check). Pure, but for
// ValidateAccount, which reads JWT_SECRET_FILE; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "config/settings.h"
#include "core/connection_strings.h"
#include "core/kafka_compression.h"

namespace la {

struct CommonConfig {
  bool dev_mode = false;  // relaxes secret rules; never for production
  std::string log_level = "info";

  std::string kafka_brokers = "127.0.0.1:9092";
  std::string kafka_topic = "engagement-events";
  // Codec of the messages this process produces (api: likes; consumer: DLQ;
  // la-admin: DLQ replay).
  std::string kafka_compression = kDefaultKafkaCompression;

  std::string redis_url = "redis://127.0.0.1:6379";
  RedisAddress redis = *ParseRedisUrl(redis_url);
  std::string mongo_uri = "mongodb://127.0.0.1:27017";
  std::string mongo_database = "live-analytics";
};

struct GroupConfig {
  std::string kafka_dlq_topic = "engagement-events-dlq";
  std::string kafka_group = "engagement-group";
};

struct AccountConfig {
  std::string jwt_secret;
  std::string jwt_secret_file;  // read into jwt_secret by ValidateAccount (JWT_SECRET_FILE)
  std::string admin_email;
  std::string admin_password;
};

// LA_DEV, LOG_LEVEL, KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_COMPRESSION, REDIS_URL, MONGO_URI,
// MONGO_DATABASE.
const std::vector<Setting<CommonConfig>>& CommonSettings();

// KAFKA_DLQ_TOPIC, KAFKA_GROUP.
const std::vector<Setting<GroupConfig>>& GroupSettings();

// JWT_SECRET, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET_FILE.
const std::vector<Setting<AccountConfig>>& AccountSettings();

// Reads JWT_SECRET_FILE into jwt_secret, supplies the built-in secret in dev mode, and checks
// the secret's length and the admin account. `secret_required`: a missing JWT_SECRET is an
// error (the api node); la-admin checks for it only in the commands that sign tokens.
Status ValidateAccount(AccountConfig& account, bool dev_mode, bool secret_required);

}  // namespace la
