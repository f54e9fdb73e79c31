#include "connectors/kafka/kafka_status.h"

namespace sieve {

Status KafkaStatus(RdKafka::ErrorCode code, std::string_view context, std::string_view detail) {
  if (code == RdKafka::ERR_NO_ERROR) return Status::Ok();
  std::string message(context);
  if (!message.empty()) message += ": ";
  message += "Kafka ";
  message += RdKafka::err2str(code);
  if (!detail.empty() && detail != RdKafka::err2str(code)) {
    message += " (";
    message += detail;
    message += ")";
  }
  message += " [code ";
  message += std::to_string(static_cast<int>(code));
  message += "]";
  switch (code) {
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR__QUEUE_FULL:
    case RdKafka::ERR__RESOLVE:
    case RdKafka::ERR__WAIT_COORD:
    case RdKafka::ERR__TIMED_OUT_QUEUE:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
    case RdKafka::ERR_BROKER_NOT_AVAILABLE:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR_NETWORK_EXCEPTION:
    case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_COORDINATOR:
    case RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RdKafka::ERR_REBALANCE_IN_PROGRESS:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_PARTITION:
    case RdKafka::ERR__UNKNOWN_TOPIC:
      return Status::Unavailable(std::move(message));
    case RdKafka::ERR__INVALID_ARG:
    case RdKafka::ERR__UNKNOWN_GROUP:
    case RdKafka::ERR_INVALID_CONFIG:
    case RdKafka::ERR_INVALID_GROUP_ID:
    case RdKafka::ERR_TOPIC_EXCEPTION:
      return Status::InvalidArgument(std::move(message));
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_INVALID_MSG:
    case RdKafka::ERR__BAD_MSG:
    case RdKafka::ERR__BAD_COMPRESSION:
      return Status::DataLoss(std::move(message));
    case RdKafka::ERR__AUTHENTICATION:
    case RdKafka::ERR_SASL_AUTHENTICATION_FAILED:
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR_GROUP_AUTHORIZATION_FAILED:
    case RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RdKafka::ERR__SSL:
      return Status::FailedPrecondition(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

Status SetKafkaProperty(RdKafka::Conf& conf, const std::string& key, const std::string& value) {
  std::string error;
  if (conf.set(key, value, error) != RdKafka::Conf::CONF_OK) {
    return Status::InvalidArgument("kafka property '" + key + "': " + error);
  }
  return Status::Ok();
}

}  // namespace sieve
