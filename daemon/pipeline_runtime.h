// PipelineRuntime: one pipeline of the daemon, from Kafka to published feature sets
// (DESIGN §2, §4).
//
// Ingest thread: polls the KafkaFeatureSource, turns each batch into a WindowChunk
// (numeric columns as floats, categorical values hashed into bucket ids), persists it
// with the positions it reaches in one store batch, and only then acknowledges those
// positions to Kafka (at-least-once; rows the store already holds are skipped after a
// restart, so the window never counts a record twice). The chunk then enters the
// in-memory TrainingWindow and the scheduler is consulted.
//
// Training: when the scheduler fires, the window's immutable snapshot is handed to a
// worker thread (one training at a time per pipeline; ingest never waits). The worker
// re-scores the active version on the same split, applies the promotion policy,
// writes the version and its alias change in one store batch and publishes the active
// version. A failure is recorded (status, metric, log) and retried with backoff.
//
// Background errors are sticky: the newest one stays in status().last_error until the
// same component succeeds again.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "connectors/kafka/feature_set_publisher.h"
#include "connectors/kafka/feature_source.h"
#include "connectors/store/feature_set_store.h"
#include "core/clock.h"
#include "core/feature_set.h"
#include "core/status.h"
#include "daemon/metrics.h"
#include "daemon/scheduler.h"
#include "daemon/training_window.h"

namespace sieve {

class RecordDecoder;

// Shared by every pipeline of a daemon; all outlive the runtime.
struct PipelineDeps {
  FeatureSetStore* store = nullptr;
  DaemonMetrics* metrics = nullptr;
  const Clock* clock = nullptr;
  // Training slots shared by the daemon's pipelines (daemon.training_threads).
  std::counting_semaphore<256>* training_slots = nullptr;
  // The broker is new (embedded, in-process): offsets stored by an earlier run name
  // positions of topics that no longer exist, so they must not filter redeliveries.
  bool ignore_stored_offsets = false;
};

// A retrain asked for through the API, polled by its id.
struct Operation {
  enum class State { kPending, kRunning, kSucceeded, kFailed };
  std::string id;
  std::string pipeline;
  State state = State::kPending;
  uint64_t version = 0;  // the version created, when succeeded
  std::string decision;  // its state and reason
  std::string error;     // when failed
  int64_t created_at_unix_ms = 0;
};
std::string_view OperationStateName(Operation::State state);

struct TrainingRecord {
  std::string trigger;
  std::string trigger_reason;
  int64_t started_at_unix_ms = 0;
  double seconds = 0;
  bool ok = false;
  std::string error;
  uint64_t version = 0;
};

struct PipelineStatus {
  std::string name;
  std::string topic;
  bool paused = false;
  std::string pause_reason;
  bool training = false;
  bool assigned = false;  // the consumer holds at least one partition
  size_t window_rows = 0;
  size_t window_capacity = 0;
  uint64_t records_ingested = 0;  // rows appended to the window since start
  uint64_t records_skipped = 0;   // redelivered rows the store already held
  int64_t consumer_lag = -1;
  uint64_t records_consumed = 0;       // messages received from Kafka
  uint64_t records_dead_lettered = 0;  // undecodable messages sent to the dead-letter topic
  int consecutive_failures = 0;
  double last_psi = 0;
  std::optional<TrainingRecord> last_training;
  std::vector<PartitionOffset> offsets;  // persisted resume positions
  std::string last_error;                // sticky background error; empty when healthy
};

class PipelineRuntime {
 public:
  // `bootstrap_servers` is the resolved broker list (the embedded cluster's address
  // when the config says "embedded").
  PipelineRuntime(PipelineConfig config, KafkaConfig kafka, std::string bootstrap_servers,
                  int math_threads, PipelineDeps deps);
  ~PipelineRuntime();  // Stop()s if running
  PipelineRuntime(const PipelineRuntime&) = delete;
  PipelineRuntime& operator=(const PipelineRuntime&) = delete;

  // Restores the window and state from the store, creates the Kafka source (and
  // publisher) and starts ingesting. Fails (nothing started) when the store or
  // Kafka options are unusable.
  Status Start();

  // Stops fetching, waits for the training in flight until `deadline` (then
  // abandons it), commits offsets and closes the source. Idempotent.
  void Stop(std::chrono::steady_clock::time_point deadline);

  // Queues a retrain; returns its operation. FailedPrecondition when paused.
  Result<Operation> RequestRetrain();
  std::optional<Operation> GetOperation(std::string_view id) const;

  Status Pause(std::string_view reason);
  Status Resume(std::string_view reason);

  // Points `active` at `version` and publishes it.
  Result<FeatureSetVersion> Promote(uint64_t version);
  // Creates a copy of `target` as the new active version and publishes it.
  Result<FeatureSetVersion> Rollback(uint64_t target, std::string_view reason);

  PipelineStatus status() const;
  const PipelineConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }

  // Scheduler options derived from a pipeline's config.
  static SchedulerOptions SchedulerOptionsFor(const PipelineConfig& config);

 private:
  void IngestLoop();
  Status PersistBatch(class RecordBatch& batch, const SourcePosition& position);
  void MaybeStartTraining();
  void RunTraining(Trigger trigger, std::shared_ptr<const WindowSnapshot> snapshot,
                   std::vector<PartitionOffset> offsets, std::string operation_id);
  void PublishActive(const FeatureSetVersion& version);
  void SetError(std::string_view component, const Status& status);
  void ClearError(std::string_view component);

  const PipelineConfig config_;
  const KafkaConfig kafka_;
  const std::string bootstrap_servers_;
  const int math_threads_;
  const PipelineDeps deps_;

  std::unique_ptr<FeatureSource> source_;
  RecordDecoder* decoder_ = nullptr;  // owned by source_
  std::unique_ptr<FeatureSetPublisher> publisher_;
  TrainingWindow window_;

  std::atomic<bool> stop_{false};
  std::atomic<bool> cancel_training_{false};
  std::thread ingest_thread_;
  std::thread training_thread_;
  bool started_ = false;
  bool stopped_ = false;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable training_done_;
  TrainingScheduler scheduler_;
  bool paused_ = false;
  std::string pause_reason_;
  std::map<std::pair<std::string, int32_t>, int64_t> resume_;  // persisted next offsets
  std::shared_ptr<const WindowSnapshot> last_trained_window_;
  std::optional<TrainingRecord> last_training_;
  std::map<std::string, std::string, std::less<>> errors_;  // component -> message
  std::map<std::string, Operation, std::less<>> operations_;
  std::vector<std::string> pending_operations_;
  uint64_t operation_counter_ = 0;
  uint64_t records_ingested_ = 0;
  uint64_t records_skipped_ = 0;
  uint64_t chunks_since_trim_ = 0;
};

}  // namespace sieve
