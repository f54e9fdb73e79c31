#include "connectors/kafka/kafka_feature_source.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>
#include <simdjson.h>

#include <atomic>
#include <mutex>

#include "connectors/kafka/dead_letter_writer.h"
#include "connectors/kafka/embedded_kafka.h"
#include "connectors/kafka/kafka_status.h"

namespace sieve {

class KafkaFeatureSource::Impl : public RdKafka::RebalanceCb, public RdKafka::EventCb {
 public:
  Impl(KafkaSourceOptions options, std::unique_ptr<RecordDecoder> decoder)
      : options_(std::move(options)), decoder_(std::move(decoder)) {}

  Status Start();
  Result<PollResult> Poll(RecordBatch& batch, size_t max_records, std::chrono::milliseconds timeout);
  Status Acknowledge(const SourcePosition& position);
  Status Commit();
  Status Close();
  FeatureSourceStats stats() const;

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override;
  void event_cb(RdKafka::Event& event) override;

 private:
  void Handle(const rd_kafka_message_t& message, RecordBatch& batch, PollResult& result);
  void SetError(Status status);
  void ClearError();
  void ParseStatistics(const std::string& json);

  KafkaSourceOptions options_;
  std::unique_ptr<RecordDecoder> decoder_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  // The consumer's queue, read in batches through the C API (one lock per batch
  // instead of one per message). Owned; destroyed before the consumer closes.
  rd_kafka_queue_t* queue_ = nullptr;
  std::vector<rd_kafka_message_t*> messages_;
  std::unique_ptr<DeadLetterWriter> dead_letters_;
  bool closed_ = false;

  std::atomic<uint64_t> records_consumed_{0};
  std::atomic<uint64_t> records_decoded_{0};
  std::atomic<uint64_t> records_dead_lettered_{0};
  std::array<std::atomic<uint64_t>, kDecodeErrorReasonCount> by_reason_{};
  std::atomic<uint64_t> offsets_stored_{0};
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> rebalances_{0};
  std::atomic<uint64_t> partitions_lost_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<int64_t> assigned_partitions_{0};
  std::atomic<int64_t> consumer_lag_{-1};
  std::atomic<double> broker_rtt_ms_{-1};
  std::atomic<bool> has_error_{false};
  std::atomic<bool> fatal_{false};
  mutable std::mutex error_mutex_;
  Status last_error_;  // guarded by error_mutex_
};

Status KafkaFeatureSource::Impl::Start() {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "bootstrap.servers", options_.bootstrap_servers));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "group.id", options_.group_id));
  SIEVE_RETURN_IF_ERROR(
      SetKafkaProperty(*conf, "partition.assignment.strategy", "cooperative-sticky"));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "enable.auto.offset.store", "false"));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "enable.auto.commit", "true"));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "enable.partition.eof", "false"));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "auto.offset.reset", options_.auto_offset_reset)
                            .WithContext("auto_offset_reset"));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "statistics.interval.ms",
                                         std::to_string(options_.statistics_interval_ms))
                            .WithContext("statistics_interval_ms"));
  // Prefetch thresholds. In the high-level consumer librdkafka counts both against
  // the one consumer queue that all partitions feed, not per partition as the names
  // say; once either is reached the partitions stop fetching and are only looked at
  // again when the broker thread next wakes, up to a second later. With the defaults
  // (100,000 messages, 64 MiB) a consumer that decodes faster than that refills
  // stalls for most of every second. Larger thresholds (1,000,000 messages, 128 MiB
  // of raw messages at most) keep it fed; kafka.properties can lower them.
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "queued.min.messages", "1000000"));
  SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, "queued.max.messages.kbytes", "131072"));
  for (const auto& [key, value] : options_.properties) {
    SIEVE_RETURN_IF_ERROR(SetKafkaProperty(*conf, key, value).WithContext("kafka.properties"));
  }
  std::string error;
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), error) !=
          RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(this), error) !=
          RdKafka::Conf::CONF_OK) {
    return Status::Internal("kafka consumer callbacks: " + error);
  }
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer_) return Status::InvalidArgument("kafka consumer: " + error);
  queue_ = rd_kafka_queue_get_consumer(consumer_->c_ptr());
  SIEVE_RETURN_IF_ERROR(KafkaStatus(consumer_->subscribe(options_.topics), "subscribe"));
  if (!options_.dead_letter_topic.empty()) {
    std::map<std::string, std::string> producer_properties;
    // The dead-letter producer shares the connection properties (TLS, SASL, ...)
    // but not the consumer-only ones, which a producer would warn about.
    for (const auto& [key, value] : options_.properties) {
      if (key.starts_with("group.") || key.starts_with("session.") ||
          key.starts_with("heartbeat.") || key.starts_with("fetch.") ||
          key.starts_with("auto.") || key.starts_with("enable.auto") ||
          key.starts_with("max.poll") || key.starts_with("partition.assignment") ||
          key == "isolation.level" || key == "max.partition.fetch.bytes" ||
          key == "queued.min.messages" || key == "queued.max.messages.kbytes") {
        continue;
      }
      producer_properties.emplace(key, value);
    }
    SIEVE_ASSIGN_OR_RETURN(dead_letters_,
                           DeadLetterWriter::Create(options_.bootstrap_servers,
                                                    options_.dead_letter_topic, producer_properties));
  }
  return Status::Ok();
}

Result<PollResult> KafkaFeatureSource::Impl::Poll(RecordBatch& batch, size_t max_records,
                                                  std::chrono::milliseconds timeout) {
  if (closed_) return Err(Status::FailedPrecondition("kafka source is closed"));
  PollResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  constexpr size_t kBatch = 1024;
  messages_.resize(kBatch);
  Status status;
  while (result.records_appended < max_records) {
    // Wait (up to the deadline) for the first message only; then take whatever is
    // already queued.
    int wait_ms = 0;
    size_t want = std::min(kBatch, max_records - result.records_appended);
    const bool waiting = result.records_appended + result.records_dead_lettered == 0;
    if (waiting) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(left.count(), 0));
      want = 1;
    }
    const ssize_t n = rd_kafka_consume_batch_queue(queue_, wait_ms, messages_.data(), want);
    if (n < 0) {
      // -1 without an error code happens while the queue is being re-routed during a
      // rebalance: nothing was consumed, so return what we have and let the caller poll again.
      const rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) status = KafkaStatus(static_cast<RdKafka::ErrorCode>(err), "consume");
      break;
    }
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* message = messages_[i];
      if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        Handle(*message, batch, result);
      } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        SetError(KafkaStatus(static_cast<RdKafka::ErrorCode>(message->err), "consume",
                             rd_kafka_message_errstr(message)));
      }
      rd_kafka_message_destroy(message);
    }
    if (fatal_) {
      std::string reason;
      const RdKafka::ErrorCode fatal_code = consumer_->fatal_error(reason);
      status = KafkaStatus(fatal_code, "kafka consumer fatal error", reason);
      break;
    }
    if (n == 0) break;  // timed out, or nothing queued
    if (!waiting && n < static_cast<ssize_t>(want)) break;  // the queue is drained
  }
  // Counters are updated once per poll rather than per record.
  records_consumed_.fetch_add(result.records_appended + result.records_dead_lettered,
                              std::memory_order_relaxed);
  records_decoded_.fetch_add(result.records_appended, std::memory_order_relaxed);
  if (!status.ok()) return Err(std::move(status));
  return result;
}

void KafkaFeatureSource::Impl::Handle(const rd_kafka_message_t& message, RecordBatch& batch,
                                      PollResult& result) {
  if (has_error_.load(std::memory_order_relaxed)) ClearError();
  const rd_kafka_message_t* raw = &message;
  const char* topic = rd_kafka_topic_name(raw->rkt);
  const RowSource source{topic, raw->partition, raw->offset};
  const std::string_view bytes(static_cast<const char*>(raw->payload),
                               raw->payload == nullptr ? 0 : raw->len);
  DecodeErrorReason reason = DecodeErrorReason::kMalformed;
  Status status = decoder_->Decode(bytes, source, batch, &reason);
  if (status.ok()) {
    ++result.records_appended;
  } else {
    ++result.records_dead_lettered;
    records_dead_lettered_.fetch_add(1, std::memory_order_relaxed);
    by_reason_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
    if (dead_letters_) dead_letters_->Write(message, status.message(), reason);
  }
  result.position.Advance(topic, raw->partition, raw->offset + 1);
}

Status KafkaFeatureSource::Impl::Acknowledge(const SourcePosition& position) {
  if (closed_) return Status::FailedPrecondition("kafka source is closed");
  if (dead_letters_ && dead_letters_->pending()) {
    Status status = dead_letters_->Flush(options_.dead_letter_flush_timeout);
    if (!status.ok()) {
      SetError(status);
      return status;
    }
  }
  if (position.empty()) return Status::Ok();
  std::vector<RdKafka::TopicPartition*> offsets;
  offsets.reserve(position.partitions.size());
  for (const auto& p : position.partitions) {
    offsets.push_back(RdKafka::TopicPartition::create(p.topic, p.partition, p.next_offset));
  }
  consumer_->offsets_store(offsets);
  Status status;
  for (RdKafka::TopicPartition* tp : offsets) {
    // ERR__STATE: the partition is no longer assigned to us; its new owner will
    // read these records again (at-least-once).
    if (tp->err() == RdKafka::ERR_NO_ERROR) {
      offsets_stored_.fetch_add(1, std::memory_order_relaxed);
    } else if (tp->err() != RdKafka::ERR__STATE && status.ok()) {
      status = KafkaStatus(tp->err(), "store offset " + tp->topic() + "[" +
                                          std::to_string(tp->partition()) + "]");
    }
  }
  RdKafka::TopicPartition::destroy(offsets);
  return status;
}

Status KafkaFeatureSource::Impl::Commit() {
  if (closed_) return Status::FailedPrecondition("kafka source is closed");
  const RdKafka::ErrorCode err = consumer_->commitSync();
  if (err == RdKafka::ERR__NO_OFFSET) return Status::Ok();  // nothing new to commit
  if (err == RdKafka::ERR_NO_ERROR) commits_.fetch_add(1, std::memory_order_relaxed);
  return KafkaStatus(err, "commit offsets");
}

Status KafkaFeatureSource::Impl::Close() {
  if (closed_) return Status::Ok();
  Status status;
  if (dead_letters_ && dead_letters_->pending()) {
    status = dead_letters_->Flush(options_.dead_letter_flush_timeout);
  }
  if (status.ok()) status = Commit();
  // close() revokes the assignment through rebalance_cb, which commits again.
  const RdKafka::ErrorCode err = consumer_->close();
  if (queue_ != nullptr) {
    rd_kafka_queue_destroy(queue_);
    queue_ = nullptr;
  }
  closed_ = true;
  if (status.ok()) status = KafkaStatus(err, "close consumer");
  return status;
}

void KafkaFeatureSource::Impl::rebalance_cb(RdKafka::KafkaConsumer* consumer,
                                            RdKafka::ErrorCode err,
                                            std::vector<RdKafka::TopicPartition*>& partitions) {
  rebalances_.fetch_add(1, std::memory_order_relaxed);
  const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
  const auto count = static_cast<int64_t>(partitions.size());
  if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
    if (cooperative) {
      if (RdKafka::Error* error = consumer->incremental_assign(partitions)) {
        SetError(KafkaStatus(error->code(), "incremental assign", error->str()));
        delete error;
        return;
      }
      assigned_partitions_.fetch_add(count, std::memory_order_relaxed);
    } else {
      consumer->assign(partitions);
      assigned_partitions_.store(count, std::memory_order_relaxed);
    }
    return;
  }
  if (err == RdKafka::ERR__REVOKE_PARTITIONS) {
    if (consumer->assignment_lost()) {
      // Another member may already own these partitions: committing could
      // overwrite its progress.
      partitions_lost_.fetch_add(partitions.size(), std::memory_order_relaxed);
    } else {
      const RdKafka::ErrorCode commit = consumer->commitSync();
      if (commit == RdKafka::ERR_NO_ERROR) {
        commits_.fetch_add(1, std::memory_order_relaxed);
      } else if (commit != RdKafka::ERR__NO_OFFSET) {
        SetError(KafkaStatus(commit, "commit on revoke"));
      }
    }
  } else {
    SetError(KafkaStatus(err, "rebalance"));
  }
  if (cooperative) {
    if (RdKafka::Error* error = consumer->incremental_unassign(partitions)) {
      SetError(KafkaStatus(error->code(), "incremental unassign", error->str()));
      delete error;
      return;
    }
    assigned_partitions_.fetch_sub(count, std::memory_order_relaxed);
  } else {
    consumer->unassign();
    assigned_partitions_.store(0, std::memory_order_relaxed);
  }
}

void KafkaFeatureSource::Impl::event_cb(RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_ERROR:
      errors_.fetch_add(1, std::memory_order_relaxed);
      if (event.fatal()) fatal_ = true;
      SetError(KafkaStatus(event.err(), "kafka client", event.str()));
      break;
    case RdKafka::Event::EVENT_STATS:
      ParseStatistics(event.str());
      break;
    default:
      break;  // logs and throttling are not errors of the source
  }
}

void KafkaFeatureSource::Impl::ParseStatistics(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root)) return;  // malformed statistics: keep old gauges
  int64_t lag_sum = 0;
  bool lag_known = false;
  simdjson::dom::object topics;
  if (!root["topics"].get(topics)) {
    for (auto [topic_name, topic] : topics) {
      simdjson::dom::object partitions;
      if (topic["partitions"].get(partitions)) continue;
      for (auto [id, partition] : partitions) {
        if (id == "-1") continue;  // the internal unassigned-messages partition
        std::string_view fetch_state;
        if (partition["fetch_state"].get(fetch_state) || fetch_state == "none") continue;
        int64_t lag;
        if (!partition["consumer_lag"].get(lag) && lag >= 0) {
          lag_sum += lag;
          lag_known = true;
        }
      }
    }
  }
  consumer_lag_.store(lag_known ? lag_sum : -1, std::memory_order_relaxed);
  double rtt_max_us = -1;
  simdjson::dom::object brokers;
  if (!root["brokers"].get(brokers)) {
    for (auto [name, broker] : brokers) {
      int64_t node_id;
      if (broker["nodeid"].get(node_id) || node_id < 0) continue;  // bootstrap entries
      int64_t avg_us;
      if (!broker["rtt"]["avg"].get(avg_us) && avg_us > 0) {
        rtt_max_us = std::max(rtt_max_us, static_cast<double>(avg_us));
      }
    }
  }
  broker_rtt_ms_.store(rtt_max_us < 0 ? -1.0 : rtt_max_us / 1000.0, std::memory_order_relaxed);
}

void KafkaFeatureSource::Impl::SetError(Status status) {
  std::lock_guard<std::mutex> lock(error_mutex_);
  last_error_ = std::move(status);
  has_error_ = true;
}

void KafkaFeatureSource::Impl::ClearError() {
  std::lock_guard<std::mutex> lock(error_mutex_);
  last_error_ = Status::Ok();
  has_error_ = false;
}

FeatureSourceStats KafkaFeatureSource::Impl::stats() const {
  FeatureSourceStats s;
  s.records_consumed = records_consumed_.load(std::memory_order_relaxed);
  s.records_decoded = records_decoded_.load(std::memory_order_relaxed);
  s.records_dead_lettered = records_dead_lettered_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < kDecodeErrorReasonCount; ++i) {
    s.dead_lettered_by_reason[i] = by_reason_[i].load(std::memory_order_relaxed);
  }
  s.dead_letter_failures = dead_letters_ ? dead_letters_->delivery_failures() : 0;
  s.offsets_stored = offsets_stored_.load(std::memory_order_relaxed);
  s.commits = commits_.load(std::memory_order_relaxed);
  s.rebalances = rebalances_.load(std::memory_order_relaxed);
  s.partitions_lost = partitions_lost_.load(std::memory_order_relaxed);
  s.errors = errors_.load(std::memory_order_relaxed);
  s.assigned_partitions = assigned_partitions_.load(std::memory_order_relaxed);
  s.consumer_lag = consumer_lag_.load(std::memory_order_relaxed);
  s.broker_rtt_ms = broker_rtt_ms_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(error_mutex_);
  s.last_error = last_error_;
  return s;
}

Result<std::unique_ptr<FeatureSource>> KafkaFeatureSource::Create(
    KafkaSourceOptions options, std::unique_ptr<RecordDecoder> decoder) {
  if (options.bootstrap_servers.empty()) {
    return Err(Status::InvalidArgument("bootstrap_servers: empty"));
  }
  if (options.bootstrap_servers == kEmbeddedBootstrapServers) {
    return Err(Status::InvalidArgument(
        "bootstrap_servers: 'embedded' must be resolved to an EmbeddedKafka's address first"));
  }
  if (options.group_id.empty()) return Err(Status::InvalidArgument("group_id: empty"));
  if (options.topics.empty()) return Err(Status::InvalidArgument("topics: empty"));
  for (const auto& topic : options.topics) {
    if (topic.empty()) return Err(Status::InvalidArgument("topics: empty topic name"));
  }
  if (options.properties.contains("enable.auto.offset.store")) {
    return Err(Status::InvalidArgument(
        "kafka.properties: 'enable.auto.offset.store' is managed by sieve (offsets are stored "
        "only after records are durable)"));
  }
  if (decoder == nullptr) return Err(Status::InvalidArgument("kafka source: decoder is null"));
  auto impl = std::make_unique<Impl>(std::move(options), std::move(decoder));
  SIEVE_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<FeatureSource>(new KafkaFeatureSource(std::move(impl)));
}

KafkaFeatureSource::KafkaFeatureSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KafkaFeatureSource::~KafkaFeatureSource() { (void)impl_->Close(); }

Result<PollResult> KafkaFeatureSource::Poll(RecordBatch& batch, size_t max_records,
                                            std::chrono::milliseconds timeout) {
  return impl_->Poll(batch, max_records, timeout);
}
Status KafkaFeatureSource::Acknowledge(const SourcePosition& position) {
  return impl_->Acknowledge(position);
}
Status KafkaFeatureSource::Commit() { return impl_->Commit(); }
Status KafkaFeatureSource::Close() { return impl_->Close(); }
FeatureSourceStats KafkaFeatureSource::stats() const { return impl_->stats(); }

}  // namespace sieve
