#include "tests/connectors/kafka/kafka_test_util.h"

#include <librdkafka/rdkafkacpp.h>

#include <cstdio>
#include <memory>

namespace sieve::testing {

namespace {

class DeliveryCounter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      ++delivered;
    } else {
      ++failed;
      error = message.errstr();
    }
  }
  size_t delivered = 0;
  size_t failed = 0;
  std::string error;
};

}  // namespace

Status ProduceMessages(const std::string& bootstrap, const std::string& topic,
                       const std::vector<TestMessage>& messages) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  DeliveryCounter counter;
  conf->set("bootstrap.servers", bootstrap, error);
  conf->set("message.max.bytes", "8000000", error);
  conf->set("linger.ms", "5", error);
  conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(&counter), error);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  if (!producer) return Status::Internal("test producer: " + error);
  for (const auto& m : messages) {
    RdKafka::Headers* headers = nullptr;
    if (!m.headers.empty()) {
      headers = RdKafka::Headers::create();
      for (const auto& [k, v] : m.headers) headers->add(k, v);
    }
    while (true) {
      RdKafka::ErrorCode err = producer->produce(
          topic, m.partition < 0 ? RdKafka::Topic::PARTITION_UA : m.partition,
          RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(m.value.data()), m.value.size(),
          m.key.empty() ? nullptr : m.key.data(), m.key.size(), 0, headers, nullptr);
      if (err == RdKafka::ERR__QUEUE_FULL) {
        producer->poll(50);
        continue;
      }
      if (err != RdKafka::ERR_NO_ERROR) {
        delete headers;
        return Status::Internal("test produce: " + RdKafka::err2str(err));
      }
      break;
    }
  }
  producer->flush(30000);
  if (counter.delivered != messages.size()) {
    return Status::Internal("test produce: delivered " + std::to_string(counter.delivered) + " of " +
                            std::to_string(messages.size()) + ": " + counter.error);
  }
  return Status::Ok();
}

Result<std::vector<TestMessage>> ReadMessages(const std::string& bootstrap, const std::string& topic,
                                              int partitions, size_t expected,
                                              std::chrono::milliseconds timeout) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  conf->set("bootstrap.servers", bootstrap, error);
  conf->set("group.id", "test-reader", error);
  conf->set("enable.auto.commit", "false", error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer) return Err(Status::Internal("test reader: " + error));
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int p = 0; p < partitions; ++p) {
    assignment.push_back(RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  std::vector<TestMessage> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < expected && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    TestMessage t;
    if (m->key() != nullptr) t.key = *m->key();
    t.value.assign(static_cast<const char*>(m->payload()), m->len());
    t.partition = m->partition();
    t.offset = m->offset();
    if (RdKafka::Headers* headers = m->headers()) {
      for (const auto& h : headers->get_all()) {
        t.headers[h.key()] = std::string(static_cast<const char*>(h.value()), h.value_size());
      }
    }
    out.push_back(std::move(t));
  }
  consumer->close();
  return out;
}

Result<std::string> RunShell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return Err(Status::Internal("cannot run: " + command));
  std::string output;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  const int rc = pclose(pipe);
  if (rc != 0) {
    return Err(Status::Internal("command failed (status " + std::to_string(rc) + "): " + command));
  }
  return output;
}

SourcePosition PollUntil(FeatureSource& source, RecordBatch& batch, size_t rows,
                         std::chrono::milliseconds timeout, bool acknowledge, size_t max_per_poll) {
  SourcePosition merged;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (batch.rows() < rows && std::chrono::steady_clock::now() < deadline) {
    auto result = source.Poll(batch, std::min(max_per_poll, rows - batch.rows()),
                              std::chrono::milliseconds(100));
    if (!result.has_value()) break;
    merged.Merge(result->position);
    if (acknowledge) (void)source.Acknowledge(result->position);
  }
  return merged;
}

std::string JsonRecord(int i) {
  return "{\"f0\": " + std::to_string(i) + ", \"f1\": " + std::to_string(i * 0.5) +
         ", \"cat\": \"c" + std::to_string(i % 3) + "\", \"label\": " + std::to_string(i % 2) + "}";
}

std::map<std::string, std::string> FastConsumerProperties() {
  return {
      {"heartbeat.interval.ms", "100"},
      {"session.timeout.ms", "6000"},
      {"reconnect.backoff.ms", "50"},
      {"reconnect.backoff.max.ms", "500"},
      {"topic.metadata.refresh.interval.ms", "1000"},
      {"auto.commit.interval.ms", "200"},
  };
}

}  // namespace sieve::testing
