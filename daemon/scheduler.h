// TrainingScheduler: decides when a pipeline retrains (DESIGN §4 "Triggers").
//
// Triggers, checked in this order: an API request, min_records not yet reached
// (blocks everything), every N new records, every T since the last training started,
// drift (population-stability index above a threshold, measured by the caller on
// request). One training at a time: nothing fires while one runs. A failed training
// is retried after an exponential backoff (initial_backoff doubling up to
// max_backoff); a success resets it. Paused pipelines never fire (API requests are
// refused by the caller while paused).
//
// Pure bookkeeping over an injected Clock: no threads, no I/O, so tests drive it with
// a fake clock. Thread-safety: none; the pipeline calls it under its own mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace sieve {

struct SchedulerOptions {
  int64_t every_records = 0;           // 0 = off
  std::chrono::microseconds every{0};  // 0 = off
  double psi_threshold = 0;            // 0 = drift trigger off
  int64_t min_records = 1;             // window rows before the first training
  // How often drift is measured; each measurement costs a pass over the window.
  std::chrono::microseconds drift_check_interval = std::chrono::seconds(5);
  std::chrono::microseconds initial_backoff = std::chrono::seconds(5);
  std::chrono::microseconds max_backoff = std::chrono::minutes(5);
};

enum class TriggerKind { kApi, kRecords, kTime, kDrift, kRetry };
// "api", "records", "time", "drift", "retry" (metric label values).
std::string_view TriggerKindName(TriggerKind kind);

struct Trigger {
  TriggerKind kind = TriggerKind::kApi;
  std::string reason;  // human-readable, stored in the version's hyperparameters
};

class TrainingScheduler {
 public:
  TrainingScheduler(SchedulerOptions options, const Clock* clock);

  void set_options(SchedulerOptions options) { options_ = options; }
  const SchedulerOptions& options() const { return options_; }

  // `n` new records entered the window.
  void OnRecords(int64_t n) { records_since_training_ += n; }
  // An operator asked for a retrain; fires at the next Poll once the window holds
  // min_records, ahead of every other trigger.
  void RequestRetrain() { api_requested_ = true; }

  // Returns the trigger that fires now, if any. `window_rows` is the window's size;
  // `measure_psi` (called at most once per drift_check_interval, only when the drift
  // trigger is on and a training has happened) returns the largest PSI between the
  // last training's window and the current one.
  std::optional<Trigger> Poll(int64_t window_rows, bool paused,
                              const std::function<double()>& measure_psi);

  // The training fired by Poll started / ended.
  void OnTrainingStarted();
  void OnTrainingFinished(bool ok);

  bool training() const { return training_; }
  int consecutive_failures() const { return failures_; }
  double last_psi() const { return last_psi_; }
  // Monotonic micros when a retry becomes due; 0 when none is pending.
  int64_t retry_due_micros() const { return failures_ > 0 ? retry_at_ : 0; }

 private:
  SchedulerOptions options_;
  const Clock* clock_;
  int64_t records_since_training_ = 0;
  bool api_requested_ = false;
  bool training_ = false;
  bool trained_once_ = false;
  int64_t last_start_ = 0;
  int64_t last_drift_check_ = 0;
  double last_psi_ = 0;
  int failures_ = 0;
  int64_t retry_at_ = 0;
};

}  // namespace sieve
