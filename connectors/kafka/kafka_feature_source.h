// KafkaFeatureSource: the FeatureSource that consumes a pipeline's topics with
// librdkafka's KafkaConsumer.
//
// - Consumer group with cooperative-sticky assignment (incremental assign/unassign
//   in the rebalance callback; eager protocols also work if configured).
// - enable.auto.offset.store=false: offsets are stored only by Acknowledge; the
//   stored offsets are committed in the background (auto commit), on revoke, by
//   Commit and by Close. Lost partitions are never committed.
// - Undecodable messages go to the dead-letter topic (see DeadLetterWriter) and
//   are acknowledged with the good records around them, so one bad message never
//   blocks a partition.
// - The statistics callback feeds the consumer-lag and broker round-trip gauges;
//   client errors (broker down, ...) show in stats().last_error until records flow.
//
// Thread-safety: Poll, Acknowledge, Commit and Close from one thread; stats() from
// any thread.
#pragma once

#include <memory>

#include "connectors/codec/record_decoder.h"
#include "connectors/kafka/feature_source.h"
#include "connectors/kafka/kafka_options.h"
#include "core/status.h"

namespace sieve {

class KafkaFeatureSource final : public FeatureSource {
 public:
  // Creates the consumer, subscribes, and creates the dead-letter producer when a
  // dead-letter topic is set. Takes ownership of `decoder`. InvalidArgument naming
  // the option or property when the options are unusable.
  static Result<std::unique_ptr<FeatureSource>> Create(KafkaSourceOptions options,
                                                       std::unique_ptr<RecordDecoder> decoder);
  ~KafkaFeatureSource() override;  // Close()s if still open

  Result<PollResult> Poll(RecordBatch& batch, size_t max_records,
                          std::chrono::milliseconds timeout) override;
  Status Acknowledge(const SourcePosition& position) override;
  Status Commit() override;
  Status Close() override;
  FeatureSourceStats stats() const override;

  class Impl;

 private:
  explicit KafkaFeatureSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sieve
