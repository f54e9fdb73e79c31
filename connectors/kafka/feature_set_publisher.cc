#include "connectors/kafka/feature_set_publisher.h"

#include <librdkafka/rdkafkacpp.h>

#include <mutex>
#include <thread>

#include "connectors/kafka/embedded_kafka.h"
#include "connectors/kafka/kafka_status.h"

namespace sieve {

class FeatureSetPublisher::Impl : public RdKafka::DeliveryReportCb {
 public:
  explicit Impl(PublisherOptions options) : options_(std::move(options)) {}

  void dr_cb(RdKafka::Message& message) override {
    delivered_ = true;
    delivery_error_ = message.err();
    delivery_errstr_ = message.errstr();
  }

  // (Re)creates the producer; used at start and after a fatal producer error.
  Status CreateProducer() {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "bootstrap.servers", options_.bootstrap_servers));
    SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "enable.idempotence", "true"));
    SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "acks", "all"));
    SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "message.timeout.ms",
                                           std::to_string(options_.delivery_timeout.count()))
                              .WithContext("delivery_timeout"));
    for (const auto& [key, value] : options_.properties) {
      SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, key, value).WithContext("kafka.properties"));
    }
    std::string error;
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(this), error) !=
        RdKafka::Conf::CONF_OK) {
      return Status::Internal("publisher: " + error);
    }
    producer_.reset(RdKafka::Producer::create(conf.get(), error));
    if (!producer_) return Status::InvalidArgument("publisher: " + error);
    return Status::Ok();
  }

  // One delivery attempt: produce and wait for its report.
  Status Attempt(std::string_view pipeline, std::string_view value) {
    delivered_ = false;
    RdKafka::Headers* headers = RdKafka::Headers::create();
    headers->add(kPublisherContentTypeHeader, "application/json");
    RdKafka::ErrorCode err = producer_->produce(
        options_.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(value.data()), value.size(), pipeline.data(), pipeline.size(), 0, headers,
        nullptr);
    if (err != RdKafka::ERR_NO_ERROR) {
      delete headers;
      return KafkaStatus(err, "publish to '" + options_.topic + "'");
    }
    // The report arrives at the latest after delivery_timeout; flush serves it.
    const auto wait = options_.delivery_timeout + std::chrono::seconds(5);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (!delivered_ && std::chrono::steady_clock::now() < deadline) producer_->flush(100);
    if (!delivered_) {
      return Status::Unavailable("publish to '" + options_.topic + "': no delivery report");
    }
    return KafkaStatus(delivery_error_, "publish to '" + options_.topic + "'", delivery_errstr_);
  }

  Status Publish(std::string_view pipeline, std::string_view value) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto backoff = options_.initial_backoff;
    Status status;
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
      status = Attempt(pipeline, value);
      if (status.ok()) {
        ++stats_.published;
        stats_.last_error = Status::Ok();
        return status;
      }
      ++stats_.attempts_failed;
      std::string reason;
      if (producer_->fatal_error(reason) != RdKafka::ERR_NO_ERROR) {
        Status recreated = CreateProducer();
        if (!recreated.ok()) status = recreated;
      }
      if (!status.retryable() || attempt == options_.max_attempts) break;
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    ++stats_.publish_failures;
    status = status.WithContext("pipeline '" + std::string(pipeline) + "'");
    stats_.last_error = status;
    return status;
  }

  PublisherStats stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

  PublisherOptions options_;
  std::unique_ptr<RdKafka::Producer> producer_;
  mutable std::mutex mutex_;
  PublisherStats stats_;  // guarded by mutex_
  bool delivered_ = false;
  RdKafka::ErrorCode delivery_error_ = RdKafka::ERR_NO_ERROR;
  std::string delivery_errstr_;
};

Result<std::unique_ptr<FeatureSetPublisher>> FeatureSetPublisher::Create(PublisherOptions options) {
  if (options.bootstrap_servers.empty()) {
    return Err(Status::InvalidArgument("bootstrap_servers: empty"));
  }
  if (options.bootstrap_servers == kEmbeddedBootstrapServers) {
    return Err(Status::InvalidArgument(
        "bootstrap_servers: 'embedded' must be resolved to an EmbeddedKafka's address first"));
  }
  if (options.topic.empty()) return Err(Status::InvalidArgument("topic: empty"));
  if (options.max_attempts < 1) {
    return Err(Status::InvalidArgument("max_attempts: must be at least 1"));
  }
  if (options.delivery_timeout.count() <= 0) {
    return Err(Status::InvalidArgument("delivery_timeout: must be positive"));
  }
  for (const char* key : {"enable.idempotence", "acks"}) {
    if (options.properties.contains(key)) {
      return Err(Status::InvalidArgument(std::string("kafka.properties: '") + key +
                                         "' is managed by the publisher (idempotent, acks=all)"));
    }
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  SIEVE_RETURN_IF_ERROR(impl->CreateProducer());
  return std::unique_ptr<FeatureSetPublisher>(new FeatureSetPublisher(std::move(impl)));
}

FeatureSetPublisher::FeatureSetPublisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FeatureSetPublisher::~FeatureSetPublisher() {
  if (impl_->producer_) impl_->producer_->flush(5000);
}

Status FeatureSetPublisher::Publish(std::string_view pipeline, std::string_view version_json) {
  if (pipeline.empty()) return Status::InvalidArgument("publish: pipeline name is empty");
  return impl_->Publish(pipeline, version_json);
}

PublisherStats FeatureSetPublisher::stats() const { return impl_->stats(); }

}  // namespace sieve
