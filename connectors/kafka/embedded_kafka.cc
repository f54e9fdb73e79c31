#include "connectors/kafka/embedded_kafka.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <vector>

namespace sieve {

Result<std::unique_ptr<EmbeddedKafka>> EmbeddedKafka::Create(const EmbeddedKafkaOptions& options) {
  if (options.brokers < 1) {
    return Err(Status::InvalidArgument("embedded kafka: brokers must be at least 1, got " +
                                       std::to_string(options.brokers)));
  }
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster; keep its own logging quiet.
  if (rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Err(Status::Internal(std::string("embedded kafka: ") + error));
  }
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Err(Status::Internal(std::string("embedded kafka: cannot create handle: ") + error));
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, options.brokers);
  if (cluster == nullptr) {
    rd_kafka_destroy(handle);
    return Err(Status::Internal("embedded kafka: cannot start the mock cluster"));
  }
  std::unique_ptr<EmbeddedKafka> kafka(new EmbeddedKafka());
  kafka->handle_ = handle;
  kafka->cluster_ = cluster;
  kafka->brokers_ = options.brokers;
  kafka->bootstrap_servers_ = rd_kafka_mock_cluster_bootstraps(cluster);
  return kafka;
}

EmbeddedKafka::~EmbeddedKafka() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

Status EmbeddedKafka::CreateTopic(const std::string& topic, int partitions,
                                  int replication_factor) {
  if (topic.empty()) return Status::InvalidArgument("embedded kafka: topic name is empty");
  if (partitions < 1) {
    return Status::InvalidArgument("embedded kafka: topic '" + topic +
                                   "': partitions must be at least 1");
  }
  if (replication_factor < 1 || replication_factor > brokers_) {
    return Status::InvalidArgument("embedded kafka: topic '" + topic +
                                   "': replication_factor must be in [1, " +
                                   std::to_string(brokers_) + "]");
  }
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal("embedded kafka: create topic '" + topic + "': " + rd_kafka_err2str(err));
  }
  return Status::Ok();
}

Status EmbeddedKafka::SetBrokerDown(int32_t broker_id) {
  if (broker_id < 1 || broker_id > brokers_) {
    return Status::InvalidArgument("embedded kafka: no broker " + std::to_string(broker_id) +
                                   " (brokers are 1.." + std::to_string(brokers_) + ")");
  }
  rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_down(cluster_, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal("embedded kafka: broker " + std::to_string(broker_id) +
                            " down: " + rd_kafka_err2str(err));
  }
  return Status::Ok();
}

namespace {
constexpr int16_t kProduceApiKey = 0;  // the Kafka protocol's ApiKey of Produce requests
}  // namespace

Status EmbeddedKafka::FailProduceRequests(int count) {
  if (count < 1) {
    return Status::InvalidArgument("embedded kafka: produce failures must be at least 1, got " +
                                   std::to_string(count));
  }
  const std::vector<rd_kafka_resp_err_t> errors(count, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  rd_kafka_mock_push_request_errors_array(cluster_, kProduceApiKey, errors.size(), errors.data());
  return Status::Ok();
}

void EmbeddedKafka::ClearProduceFailures() {
  rd_kafka_mock_clear_request_errors(cluster_, kProduceApiKey);
}

Status EmbeddedKafka::SetBrokerUp(int32_t broker_id) {
  if (broker_id < 1 || broker_id > brokers_) {
    return Status::InvalidArgument("embedded kafka: no broker " + std::to_string(broker_id) +
                                   " (brokers are 1.." + std::to_string(brokers_) + ")");
  }
  rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_up(cluster_, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal("embedded kafka: broker " + std::to_string(broker_id) +
                            " up: " + rd_kafka_err2str(err));
  }
  return Status::Ok();
}

}  // namespace sieve
