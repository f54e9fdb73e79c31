// DaemonMetrics: every metric sieved exports, declared in one place. The only part
// of sieve that knows prometheus-cpp; callers report plain numbers.
//
// Families (all prefixed sieve_, labelled by pipeline where it applies):
//   records_consumed_total, records_dead_lettered_total{reason}, consumer_lag,
//   window_rows, retrain_duration_seconds (histogram, buckets up to 1 h),
//   retrains_total{trigger}, retrain_failures_total, last_success_timestamp_seconds,
//   active_version, selected_features, budget_use_ratio{resource},
//   validation_metric{metric}, jaccard_previous_active, publish_failures_total,
//   background_errors_total{component}, config_reload_success,
//   config_reload_timestamp_seconds, config_reloads_total{result}, build_info{version},
// plus the standard process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds, process_start_time_seconds (read from /proc at scrape time).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "connectors/kafka/feature_source.h"
#include "core/feature_set.h"

namespace sieve {

class DaemonMetrics {
 public:
  // `version` labels sieve_build_info.
  explicit DaemonMetrics(std::string_view version);
  ~DaemonMetrics();
  DaemonMetrics(const DaemonMetrics&) = delete;
  DaemonMetrics& operator=(const DaemonMetrics&) = delete;

  // Folds a source's cumulative counters in (only the growth since the last call
  // counts) and sets its gauges.
  void ObserveSource(std::string_view pipeline, const FeatureSourceStats& stats);
  void SetWindowRows(std::string_view pipeline, double rows);
  void ObserveRetrain(std::string_view pipeline, std::string_view trigger, double seconds, bool ok,
                      double wall_seconds_now);
  // The pipeline's active version changed (or was loaded at start-up).
  void SetActiveVersion(const FeatureSetVersion& active);
  void PublishFailed(std::string_view pipeline);
  void BackgroundError(std::string_view pipeline, std::string_view component);
  void ObserveReload(bool ok, double wall_seconds_now);

  // The text exposition format (version 0.0.4).
  std::string Serialize() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sieve
