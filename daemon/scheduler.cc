#include "daemon/scheduler.h"

#include <algorithm>
#include <cstdio>

namespace sieve {

std::string_view TriggerKindName(TriggerKind kind) {
  switch (kind) {
    case TriggerKind::kApi:
      return "api";
    case TriggerKind::kRecords:
      return "records";
    case TriggerKind::kTime:
      return "time";
    case TriggerKind::kDrift:
      return "drift";
    case TriggerKind::kRetry:
      return "retry";
  }
  return "unknown";
}

TrainingScheduler::TrainingScheduler(SchedulerOptions options, const Clock* clock)
    : options_(options), clock_(clock) {}

std::optional<Trigger> TrainingScheduler::Poll(int64_t window_rows, bool paused,
                                               const std::function<double()>& measure_psi) {
  if (training_ || paused) return std::nullopt;
  if (window_rows < std::max<int64_t>(1, options_.min_records)) return std::nullopt;
  const int64_t now = clock_->MonotonicMicros();
  if (api_requested_) {
    api_requested_ = false;
    return Trigger{TriggerKind::kApi, "requested through the API"};
  }
  if (failures_ > 0) {
    if (now < retry_at_) return std::nullopt;
    return Trigger{TriggerKind::kRetry,
                   "retry after " + std::to_string(failures_) + " failed training(s)"};
  }
  if (!trained_once_) {
    return Trigger{TriggerKind::kRecords,
                   "window reached min_records (" + std::to_string(window_rows) + " rows)"};
  }
  if (options_.every_records > 0 && records_since_training_ >= options_.every_records) {
    return Trigger{TriggerKind::kRecords, std::to_string(records_since_training_) + " new records"};
  }
  if (options_.every.count() > 0 && now - last_start_ >= options_.every.count()) {
    return Trigger{TriggerKind::kTime, "schedule period elapsed"};
  }
  if (options_.psi_threshold > 0 && measure_psi &&
      now - last_drift_check_ >= options_.drift_check_interval.count()) {
    last_drift_check_ = now;
    last_psi_ = measure_psi();
    if (last_psi_ > options_.psi_threshold) {
      char text[96];
      std::snprintf(text, sizeof text, "drift: PSI %.3f above %.3f", last_psi_,
                    options_.psi_threshold);
      return Trigger{TriggerKind::kDrift, text};
    }
  }
  return std::nullopt;
}

void TrainingScheduler::OnTrainingStarted() {
  training_ = true;
  last_start_ = clock_->MonotonicMicros();
  last_drift_check_ = last_start_;
  records_since_training_ = 0;
}

void TrainingScheduler::OnTrainingFinished(bool ok) {
  training_ = false;
  trained_once_ = true;
  if (ok) {
    failures_ = 0;
    return;
  }
  ++failures_;
  int64_t backoff = options_.initial_backoff.count();
  for (int i = 1; i < failures_ && backoff < options_.max_backoff.count(); ++i) backoff *= 2;
  backoff = std::min<int64_t>(backoff, options_.max_backoff.count());
  retry_at_ = clock_->MonotonicMicros() + backoff;
}

}  // namespace sieve
