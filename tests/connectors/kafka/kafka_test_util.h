// Helpers for Kafka connector tests: a plain librdkafka producer and reader to
// put records into and read them back from an EmbeddedKafka, and a shell runner
// for kcat.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "connectors/codec/record_batch.h"
#include "connectors/kafka/feature_source.h"
#include "core/status.h"

namespace sieve::testing {

struct TestMessage {
  std::string key;
  std::string value;
  int32_t partition = -1;  // -1: chosen by the partitioner (by key)
  std::map<std::string, std::string> headers;
  int64_t offset = -1;  // set when read back
};

// Produces `messages` to `topic` and waits for every delivery.
Status ProduceMessages(const std::string& bootstrap, const std::string& topic,
                       const std::vector<TestMessage>& messages);

// Reads every message of partitions [0, partitions) of `topic` from the beginning
// until `expected` messages arrived or `timeout` passed (without a consumer group).
Result<std::vector<TestMessage>> ReadMessages(const std::string& bootstrap, const std::string& topic,
                                              int partitions, size_t expected,
                                              std::chrono::milliseconds timeout);

// Runs `command` with /bin/sh and returns its standard output; Internal when it
// exits non-zero.
Result<std::string> RunShell(const std::string& command);

// Polls `source` into `batch` until it holds `rows` rows (or until `timeout`),
// acknowledging after each poll when `acknowledge` is set. Returns the merged
// position of every poll.
SourcePosition PollUntil(FeatureSource& source, RecordBatch& batch, size_t rows,
                         std::chrono::milliseconds timeout, bool acknowledge = true,
                         size_t max_per_poll = 1000);

// {"f0": <i>, "f1": <i*0.5>, "cat": "c<i%3>", "label": <i%2>}
std::string JsonRecord(int i);

// Consumer properties that make group operations quick on the mock cluster.
std::map<std::string, std::string> FastConsumerProperties();

}  // namespace sieve::testing
