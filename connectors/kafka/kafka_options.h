// Options of the Kafka connectors. Plain structs; only config/ knows YAML.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace sieve {

// Consumer side of a pipeline.
struct KafkaSourceOptions {
  // "host:port,...". The value "embedded" must be resolved to an EmbeddedKafka's
  // bootstrap_servers() by the caller before Create.
  std::string bootstrap_servers;
  // Consumer group; replicas of one pipeline share it.
  std::string group_id;
  // Topics to subscribe to.
  std::vector<std::string> topics;
  // Where undecodable messages go (raw bytes + source/error headers). Empty: they
  // are counted and skipped only.
  std::string dead_letter_topic;
  // Where to start when the group has no committed offset: "earliest" or "latest".
  std::string auto_offset_reset = "earliest";
  // librdkafka statistics interval feeding the lag and round-trip gauges; 0 = off.
  int statistics_interval_ms = 5000;
  // How long Acknowledge waits for pending dead-letter deliveries.
  std::chrono::milliseconds dead_letter_flush_timeout{10000};
  // Passed to librdkafka as is, after sieve's defaults (TLS, SASL, tuning). Keys
  // sieve relies on (enable.auto.offset.store) are rejected.
  std::map<std::string, std::string> properties;
};

// Producer of feature-set versions.
struct PublisherOptions {
  std::string bootstrap_servers;  // as in KafkaSourceOptions
  // Compacted topic that holds the latest version of each pipeline (keyed by
  // pipeline name). The topic should have cleanup.policy=compact.
  std::string topic;
  // How long librdkafka keeps retrying one delivery attempt (message.timeout.ms).
  std::chrono::milliseconds delivery_timeout{30000};
  // Attempts per Publish call before it gives up and reports the failure.
  int max_attempts = 3;
  // Wait before the second attempt; doubled for each further attempt.
  std::chrono::milliseconds initial_backoff{500};
  // Passed to librdkafka as is (TLS, SASL, tuning). enable.idempotence and acks are
  // sieve's and rejected here.
  std::map<std::string, std::string> properties;
};

}  // namespace sieve
