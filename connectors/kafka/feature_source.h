// FeatureSource: where a pipeline's records come from. Callers hold this
// interface; KafkaFeatureSource is the implementation.
//
// Delivery contract (at-least-once): Poll appends decoded records to a RecordBatch
// and returns the position reached; records are redelivered after a restart or a
// rebalance unless the caller has called Acknowledge with a position covering them,
// which it must do only once those records are durably stored. Records that cannot
// be decoded never reach the batch: they are dead-lettered and counted, and
// acknowledged together with the good records around them.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/codec/record_batch.h"
#include "connectors/codec/record_decoder.h"
#include "core/feature_set.h"
#include "core/status.h"

namespace sieve {

// PartitionOffset (next offset to read for one partition: every record before it
// has been handled) is core's type from core/feature_set.h, shared with the store.

// The per-partition positions reached by one or more polls.
struct SourcePosition {
  std::vector<PartitionOffset> partitions;

  // Raises the position of (topic, partition) to next_offset if it is higher.
  void Advance(std::string_view topic, int32_t partition, int64_t next_offset);
  // Takes, for each partition, the higher position of *this and `other`.
  void Merge(const SourcePosition& other);
  bool empty() const { return partitions.empty(); }

 private:
  size_t last_ = 0;  // index of the partition advanced last
};

struct PollResult {
  size_t records_appended = 0;      // rows added to the batch
  size_t records_dead_lettered = 0; // undecodable messages sent to the dead-letter topic
  SourcePosition position;          // acknowledge this once the rows are durable
};

// Counters and gauges of a source, for the daemon's metrics. Counters only grow.
struct FeatureSourceStats {
  uint64_t records_consumed = 0;       // messages received from the broker
  uint64_t records_decoded = 0;        // rows appended to batches
  uint64_t records_dead_lettered = 0;  // bad messages handed to the dead-letter topic
  std::array<uint64_t, kDecodeErrorReasonCount> dead_lettered_by_reason{};  // by DecodeErrorReason
  uint64_t dead_letter_failures = 0;   // dead-letter deliveries that failed (retried)
  uint64_t offsets_stored = 0;         // partition offsets stored by Acknowledge
  uint64_t commits = 0;                // successful offset commits (explicit and on revoke)
  uint64_t rebalances = 0;             // assignment changes (assign, revoke or loss)
  uint64_t partitions_lost = 0;        // partitions lost without a chance to commit
  uint64_t errors = 0;                 // client errors seen (broker down, transport, ...)
  int64_t assigned_partitions = 0;     // gauge: partitions currently assigned
  int64_t consumer_lag = -1;           // gauge: sum of lag over assigned partitions, -1 unknown
  double broker_rtt_ms = -1;           // gauge: highest average broker round trip, -1 unknown
  Status last_error;                   // ok when healthy; the current error otherwise
};

class FeatureSource {
 public:
  virtual ~FeatureSource() = default;

  // Waits up to `timeout` for records and appends at most `max_records` decoded rows
  // to `batch`. Returns early once at least one record was handled and no more is
  // immediately available. Fails only for errors that stop the source (fatal client
  // error, source closed); transient broker trouble is reported in stats().
  virtual Result<PollResult> Poll(RecordBatch& batch, size_t max_records,
                                  std::chrono::milliseconds timeout) = 0;

  // Declares every record before `position` durably stored: waits for pending
  // dead-letter deliveries, then stores the offsets (committed in the background,
  // on revoke and by Commit). Partitions no longer assigned are skipped.
  // Unavailable when dead-letter delivery has not succeeded (nothing is stored;
  // retry later).
  virtual Status Acknowledge(const SourcePosition& position) = 0;

  // Synchronously commits the stored offsets.
  virtual Status Commit() = 0;

  // Commits and leaves the group. Poll fails with FailedPrecondition afterwards.
  virtual Status Close() = 0;

  // Snapshot of counters and gauges. Thread-safe: any thread, any time.
  virtual FeatureSourceStats stats() const = 0;
};

}  // namespace sieve
