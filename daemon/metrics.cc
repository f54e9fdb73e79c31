#include "daemon/metrics.h"

#include <dirent.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "connectors/codec/record_decoder.h"

namespace sieve {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// process_* metrics read from /proc/self when scraped.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    double cpu = 0, start = 0, rss = 0;
    std::ifstream stat("/proc/self/stat");
    std::string content((std::istreambuf_iterator<char>(stat)), {});
    const size_t close = content.rfind(')');
    if (close != std::string::npos) {
      std::istringstream fields(content.substr(close + 2));
      std::vector<std::string> f;
      for (std::string s; fields >> s;) f.push_back(s);
      // Fields after the command, 0-based from field 3 (state).
      if (f.size() > 21) {
        cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
        rss = std::stod(f[21]) * static_cast<double>(sysconf(_SC_PAGESIZE));
        double boot = 0;
        std::ifstream proc_stat("/proc/stat");
        for (std::string line; std::getline(proc_stat, line);) {
          if (line.rfind("btime ", 0) == 0) boot = std::stod(line.substr(6));
        }
        start = boot + std::stod(f[19]) / ticks;
      }
    }
    double fds = 0;
    if (DIR* dir = opendir("/proc/self/fd")) {
      while (readdir(dir) != nullptr) ++fds;
      closedir(dir);
      fds -= 3;  // ".", ".." and the directory's own descriptor
    }
    auto family = [&](const char* name, const char* help, prometheus::MetricType type, double v) {
      prometheus::MetricFamily f;
      f.name = name;
      f.help = help;
      f.type = type;
      prometheus::ClientMetric m;
      if (type == prometheus::MetricType::Counter)
        m.counter.value = v;
      else
        m.gauge.value = v;
      f.metric.push_back(m);
      out.push_back(std::move(f));
    };
    family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
           prometheus::MetricType::Counter, cpu);
    family("process_resident_memory_bytes", "Resident memory size in bytes.",
           prometheus::MetricType::Gauge, rss);
    family("process_open_fds", "Number of open file descriptors.", prometheus::MetricType::Gauge,
           fds);
    family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
           prometheus::MetricType::Gauge, start);
    return out;
  }
};

}  // namespace

class DaemonMetrics::Impl {
 public:
  explicit Impl(std::string_view version)
      : registry(std::make_shared<prometheus::Registry>()),
        consumed(BuildCounter()
                     .Name("sieve_records_consumed_total")
                     .Help("Records received from Kafka.")
                     .Register(*registry)),
        dead_lettered(BuildCounter()
                          .Name("sieve_records_dead_lettered_total")
                          .Help("Undecodable records sent to the dead-letter topic, by reason.")
                          .Register(*registry)),
        lag(BuildGauge()
                .Name("sieve_consumer_lag")
                .Help("Records behind the end of the assigned partitions (-1 unknown).")
                .Register(*registry)),
        window_rows(BuildGauge()
                        .Name("sieve_window_rows")
                        .Help("Rows in the training window.")
                        .Register(*registry)),
        retrain_duration(BuildHistogram()
                             .Name("sieve_retrain_duration_seconds")
                             .Help("Duration of trainings, successful or not.")
                             .Register(*registry)),
        retrains(BuildCounter()
                     .Name("sieve_retrains_total")
                     .Help("Trainings started, by trigger.")
                     .Register(*registry)),
        retrain_failures(BuildCounter()
                             .Name("sieve_retrain_failures_total")
                             .Help("Trainings that failed (retried with backoff).")
                             .Register(*registry)),
        last_success(BuildGauge()
                         .Name("sieve_last_success_timestamp_seconds")
                         .Help("Unix time of the last successful training.")
                         .Register(*registry)),
        active_version(BuildGauge()
                           .Name("sieve_active_version")
                           .Help("Number of the active feature-set version (0 none).")
                           .Register(*registry)),
        selected(BuildGauge()
                     .Name("sieve_selected_features")
                     .Help("Features in the active version.")
                     .Register(*registry)),
        budget_ratio(BuildGauge()
                         .Name("sieve_budget_use_ratio")
                         .Help("Used / declared budget of the active version, per resource.")
                         .Register(*registry)),
        validation(BuildGauge()
                       .Name("sieve_validation_metric")
                       .Help("Validation metrics of the active version.")
                       .Register(*registry)),
        jaccard(BuildGauge()
                    .Name("sieve_jaccard_previous_active")
                    .Help("Jaccard similarity of the active version to the previous active one.")
                    .Register(*registry)),
        publish_failures(BuildCounter()
                             .Name("sieve_publish_failures_total")
                             .Help("Versions that could not be published to Kafka.")
                             .Register(*registry)),
        background_errors(BuildCounter()
                              .Name("sieve_background_errors_total")
                              .Help("Errors of background work, by component.")
                              .Register(*registry)),
        reload_success(BuildGauge()
                           .Name("sieve_config_reload_success")
                           .Help("1 if the last configuration reload succeeded.")
                           .Register(*registry)),
        reload_timestamp(BuildGauge()
                             .Name("sieve_config_reload_timestamp_seconds")
                             .Help("Unix time of the last reload attempt.")
                             .Register(*registry)),
        reloads(BuildCounter()
                    .Name("sieve_config_reloads_total")
                    .Help("Configuration reloads, by result.")
                    .Register(*registry)),
        build_info(BuildGauge()
                       .Name("sieve_build_info")
                       .Help("Build information; always 1.")
                       .Register(*registry)) {
    build_info.Add({{"version", std::string(version)}}).Set(1);
    reload_success.Add({}).Set(1);
    reload_timestamp.Add({});
    reloads.Add({{"result", "success"}});
    reloads.Add({{"result", "failure"}});
  }

  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Family<prometheus::Counter>& consumed;
  prometheus::Family<prometheus::Counter>& dead_lettered;
  prometheus::Family<prometheus::Gauge>& lag;
  prometheus::Family<prometheus::Gauge>& window_rows;
  prometheus::Family<prometheus::Histogram>& retrain_duration;
  prometheus::Family<prometheus::Counter>& retrains;
  prometheus::Family<prometheus::Counter>& retrain_failures;
  prometheus::Family<prometheus::Gauge>& last_success;
  prometheus::Family<prometheus::Gauge>& active_version;
  prometheus::Family<prometheus::Gauge>& selected;
  prometheus::Family<prometheus::Gauge>& budget_ratio;
  prometheus::Family<prometheus::Gauge>& validation;
  prometheus::Family<prometheus::Gauge>& jaccard;
  prometheus::Family<prometheus::Counter>& publish_failures;
  prometheus::Family<prometheus::Counter>& background_errors;
  prometheus::Family<prometheus::Gauge>& reload_success;
  prometheus::Family<prometheus::Gauge>& reload_timestamp;
  prometheus::Family<prometheus::Counter>& reloads;
  prometheus::Family<prometheus::Gauge>& build_info;

  ProcessCollector process;
  std::mutex mu;
  std::map<std::string, FeatureSourceStats, std::less<>> last_stats;
};

DaemonMetrics::DaemonMetrics(std::string_view version) : impl_(std::make_unique<Impl>(version)) {}
DaemonMetrics::~DaemonMetrics() = default;

void DaemonMetrics::ObserveSource(std::string_view pipeline, const FeatureSourceStats& stats) {
  const std::string p(pipeline);
  std::lock_guard lock(impl_->mu);
  FeatureSourceStats& last = impl_->last_stats[p];
  impl_->consumed.Add({{"pipeline", p}})
      .Increment(static_cast<double>(stats.records_consumed -
                                     std::min(stats.records_consumed, last.records_consumed)));
  for (size_t r = 0; r < kDecodeErrorReasonCount; ++r) {
    const uint64_t now = stats.dead_lettered_by_reason[r], before = last.dead_lettered_by_reason[r];
    auto& counter = impl_->dead_lettered.Add(
        {{"pipeline", p},
         {"reason", std::string(DecodeErrorReasonName(static_cast<DecodeErrorReason>(r)))}});
    if (now > before) counter.Increment(static_cast<double>(now - before));
  }
  impl_->lag.Add({{"pipeline", p}}).Set(static_cast<double>(stats.consumer_lag));
  last = stats;
}

void DaemonMetrics::SetWindowRows(std::string_view pipeline, double rows) {
  impl_->window_rows.Add({{"pipeline", std::string(pipeline)}}).Set(rows);
}

void DaemonMetrics::ObserveRetrain(std::string_view pipeline, std::string_view trigger,
                                   double seconds, bool ok, double wall_seconds_now) {
  const std::string p(pipeline);
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600};
  impl_->retrain_duration.Add({{"pipeline", p}}, kBuckets).Observe(seconds);
  impl_->retrains.Add({{"pipeline", p}, {"trigger", std::string(trigger)}}).Increment();
  auto& failures = impl_->retrain_failures.Add({{"pipeline", p}});
  if (ok) {
    impl_->last_success.Add({{"pipeline", p}}).Set(wall_seconds_now);
  } else {
    failures.Increment();
  }
}

void DaemonMetrics::SetActiveVersion(const FeatureSetVersion& active) {
  const std::string& p = active.pipeline;
  impl_->active_version.Add({{"pipeline", p}}).Set(static_cast<double>(active.version));
  impl_->selected.Add({{"pipeline", p}}).Set(static_cast<double>(active.features.size()));
  for (const auto& [resource, use] : active.budgets) {
    impl_->budget_ratio.Add({{"pipeline", p}, {"resource", resource}})
        .Set(use.declared > 0 ? use.used / use.declared : 0);
  }
  for (const auto& [metric, value] : active.validation_metrics) {
    impl_->validation.Add({{"pipeline", p}, {"metric", metric}}).Set(value);
  }
  if (active.jaccard_to_previous_active.has_value()) {
    impl_->jaccard.Add({{"pipeline", p}}).Set(*active.jaccard_to_previous_active);
  }
}

void DaemonMetrics::PublishFailed(std::string_view pipeline) {
  impl_->publish_failures.Add({{"pipeline", std::string(pipeline)}}).Increment();
}

void DaemonMetrics::BackgroundError(std::string_view pipeline, std::string_view component) {
  impl_->background_errors
      .Add({{"pipeline", std::string(pipeline)}, {"component", std::string(component)}})
      .Increment();
}

void DaemonMetrics::ObserveReload(bool ok, double wall_seconds_now) {
  impl_->reload_success.Add({}).Set(ok ? 1 : 0);
  impl_->reload_timestamp.Add({}).Set(wall_seconds_now);
  impl_->reloads.Add({{"result", ok ? "success" : "failure"}}).Increment();
}

std::string DaemonMetrics::Serialize() const {
  prometheus::TextSerializer serializer;
  std::vector<prometheus::MetricFamily> families = impl_->registry->Collect();
  for (auto& family : impl_->process.Collect()) families.push_back(std::move(family));
  return serializer.Serialize(families);
}

}  // namespace sieve
