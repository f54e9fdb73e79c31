// EmbeddedKafka: librdkafka's mock cluster, run in this process and reachable over
// loopback by any Kafka client (librdkafka, kcat, ...). For the quick start
// (`bootstrap_servers: embedded`), tests, demos and benchmarks; never production.
//
// Topics a client asks for that do not exist are created with the mock's default
// partition count; create them explicitly with CreateTopic to choose it.
// The mock keeps only a few MB per partition (older segments are dropped), so size
// topics with enough partitions for the data they must hold.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace sieve {

// The bootstrap_servers value that asks for an EmbeddedKafka instead of a real
// cluster.
inline constexpr char kEmbeddedBootstrapServers[] = "embedded";

struct EmbeddedKafkaOptions {
  int brokers = 1;  // number of mock brokers, ids 1..brokers, each on 127.0.0.1:<ephemeral>
};

class EmbeddedKafka {
 public:
  // Starts the cluster. InvalidArgument when brokers < 1; Internal when librdkafka
  // cannot create it.
  static Result<std::unique_ptr<EmbeddedKafka>> Create(const EmbeddedKafkaOptions& options = {});
  ~EmbeddedKafka();  // stops the cluster; clients connected to it see it go away
  EmbeddedKafka(const EmbeddedKafka&) = delete;
  EmbeddedKafka& operator=(const EmbeddedKafka&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }
  int brokers() const { return brokers_; }

  // Creates `topic` with `partitions` partitions. InvalidArgument for an empty
  // name, partitions < 1 or replication outside [1, brokers()].
  Status CreateTopic(const std::string& topic, int partitions, int replication_factor = 1);
  // Disconnects broker `broker_id` (1-based) and refuses connections until
  // SetBrokerUp. InvalidArgument for an unknown id.
  Status SetBrokerDown(int32_t broker_id);
  Status SetBrokerUp(int32_t broker_id);
  // Makes the next `count` produce requests to any broker fail with "topic
  // authorization failed", a permanent error, as a broker with a missing ACL would.
  // InvalidArgument when count < 1.
  Status FailProduceRequests(int count);
  // Drops the produce failures FailProduceRequests queued and that have not happened.
  void ClearProduceFailures();

 private:
  EmbeddedKafka() = default;

  rd_kafka_s* handle_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstrap_servers_;
  int brokers_ = 0;
};

}  // namespace sieve
