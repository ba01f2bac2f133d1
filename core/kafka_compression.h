// The codecs of produced Kafka messages (KAFKA_COMPRESSION): the default, and what is accepted.
// The default is one every mainstream client reads without plugins: kafkajs has no LZ4, Snappy
// or ZSTD codec built in.
#pragma once

namespace la {

inline constexpr const char* kDefaultKafkaCompression = "gzip";
inline constexpr const char* kKafkaCompressionCodecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};

}  // namespace la
