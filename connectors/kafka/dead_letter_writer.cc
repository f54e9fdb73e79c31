#include "connectors/kafka/dead_letter_writer.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <vector>

#include "connectors/kafka/kafka_status.h"

namespace sieve {
namespace {

// A dead-letter message owned by us until librdkafka confirms its delivery.
struct PendingMessage {
  bool has_key = false;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace

class DeadLetterWriter::Impl : public RdKafka::DeliveryReportCb {
 public:
  Impl(std::string topic) : topic_(std::move(topic)) {}

  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<PendingMessage> pending(static_cast<PendingMessage*>(message.msg_opaque()));
    --in_flight_;
    if (message.err() == RdKafka::ERR_NO_ERROR) return;
    ++owner_->delivery_failures_;
    last_error_ = KafkaStatus(message.err(), "dead-letter delivery to '" + topic_ + "'",
                              message.errstr());
    failed_.push_back(std::move(pending));
  }

  // Hands `pending` to librdkafka; keeps it in failed_ when that is refused.
  void Produce(std::unique_ptr<PendingMessage> pending) {
    RdKafka::Headers* headers = RdKafka::Headers::create();
    for (const auto& [name, value] : pending->headers) {
      headers->add(name, value.data(), value.size());
    }
    for (int attempt = 0;; ++attempt) {
      RdKafka::ErrorCode err = producer_->produce(
          topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
          const_cast<char*>(pending->value.data()), pending->value.size(),
          pending->has_key ? pending->key.data() : nullptr, pending->has_key ? pending->key.size() : 0,
          0, headers, pending.get());
      if (err == RdKafka::ERR_NO_ERROR) {
        ++in_flight_;
        pending.release();  // returned through dr_cb
        producer_->poll(0);
        return;
      }
      if (err == RdKafka::ERR__QUEUE_FULL && attempt < 100) {
        producer_->poll(100);
        continue;
      }
      delete headers;
      ++owner_->delivery_failures_;
      last_error_ = KafkaStatus(err, "dead-letter produce to '" + topic_ + "'");
      failed_.push_back(std::move(pending));
      return;
    }
  }

  std::string topic_;
  std::unique_ptr<RdKafka::Producer> producer_;
  DeadLetterWriter* owner_ = nullptr;
  int64_t in_flight_ = 0;
  std::vector<std::unique_ptr<PendingMessage>> failed_;
  Status last_error_;
};

DeadLetterWriter::DeadLetterWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->owner_ = this;
}

DeadLetterWriter::~DeadLetterWriter() {
  if (impl_->producer_) {
    impl_->producer_->flush(1000);
    impl_->producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    impl_->producer_->poll(0);  // frees purged messages through dr_cb
  }
}

Result<std::unique_ptr<DeadLetterWriter>> DeadLetterWriter::Create(
    const std::string& bootstrap_servers, const std::string& topic,
    const std::map<std::string, std::string>& properties) {
  if (topic.empty()) return Err(Status::InvalidArgument("dead_letter_topic: empty"));
  auto impl = std::make_unique<Impl>(topic);
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "bootstrap.servers", bootstrap_servers));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "enable.idempotence", "true"));
  // A dead-lettered message can be as large as anything the source accepted.
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "message.max.bytes", "67108864"));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "linger.ms", "5"));
  for (const auto& [key, value] : properties) {
    SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, key, value));
  }
  std::string error;
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(impl.get()), error) !=
      RdKafka::Conf::CONF_OK) {
    return Err(Status::Internal("dead-letter producer: " + error));
  }
  impl->producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (!impl->producer_) {
    return Err(Status::InvalidArgument("dead-letter producer: " + error));
  }
  return std::unique_ptr<DeadLetterWriter>(new DeadLetterWriter(std::move(impl)));
}

void DeadLetterWriter::Write(const rd_kafka_message_t& original, std::string_view error,
                             DecodeErrorReason reason) {
  auto pending = std::make_unique<PendingMessage>();
  if (original.key != nullptr) {
    pending->has_key = true;
    pending->key.assign(static_cast<const char*>(original.key), original.key_len);
  }
  if (original.payload != nullptr) {
    pending->value.assign(static_cast<const char*>(original.payload), original.len);
  }
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&original, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                       RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      pending->headers.emplace_back(
          name, value == nullptr ? std::string() : std::string(static_cast<const char*>(value), size));
    }
  }
  pending->headers.emplace_back(kDeadLetterSourceTopicHeader, rd_kafka_topic_name(original.rkt));
  pending->headers.emplace_back(kDeadLetterSourcePartitionHeader,
                                std::to_string(original.partition));
  pending->headers.emplace_back(kDeadLetterSourceOffsetHeader, std::to_string(original.offset));
  pending->headers.emplace_back(kDeadLetterErrorHeader, std::string(error));
  pending->headers.emplace_back(kDeadLetterReasonHeader, std::string(DecodeErrorReasonName(reason)));
  impl_->Produce(std::move(pending));
}

bool DeadLetterWriter::pending() const { return impl_->in_flight_ > 0 || !impl_->failed_.empty(); }

Status DeadLetterWriter::Flush(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (!impl_->failed_.empty()) {
      auto retry = std::move(impl_->failed_);
      impl_->failed_.clear();
      for (auto& message : retry) impl_->Produce(std::move(message));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (impl_->in_flight_ > 0) impl_->producer_->flush(static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (!pending()) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) break;
    // Failed deliveries are retried after a short pause.
    if (impl_->in_flight_ == 0) impl_->producer_->poll(100);
  }
  Status last = impl_->last_error_.ok()
                    ? Status::Unavailable("dead-letter delivery still in flight")
                    : impl_->last_error_;
  return Status::Unavailable("dead-letter topic '" + impl_->topic_ + "': " +
                             std::to_string(impl_->in_flight_ + impl_->failed_.size()) +
                             " message(s) not delivered: " + last.message());
}

}  // namespace sieve
