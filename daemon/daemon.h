// Daemon: sieved's wiring. Opens the store, starts the embedded broker when the config
// says `bootstrap_servers: embedded`, runs one PipelineRuntime per configured pipeline,
// serves HTTP (API, /metrics, probes, status page) on one port, reloads its config and
// shuts down within a deadline. Signals and sd_notify stay in main (lifecycle), which
// calls Reload and Shutdown.
//
// Errors at Start are fatal for the process (bad token file, store locked, port in
// use). Reload validates the whole new file first and keeps the old config on any
// failure (counted in sieve_config_reloads_total{result="failure"}).
//
// Thread-safety: DaemonControl methods from any thread; Reload serialised internally;
// Shutdown once, from the thread that called Start.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "config/config.h"
#include "connectors/kafka/embedded_kafka.h"
#include "core/clock.h"
#include "daemon/api_router.h"
#include "daemon/daemon_control.h"
#include "daemon/http_server.h"
#include "daemon/metrics.h"

namespace sieve {

struct DaemonOptions {
  // File re-read by Reload (SIGHUP, /v1/reload).
  std::filesystem::path config_path;
  const Clock* clock = nullptr;  // nullptr = the system clock
  std::string version = "dev";
};

// The file in the data directory that holds the embedded broker's address, so that
// producers (scripts/demo, tests) can find it.
inline constexpr char kEmbeddedBootstrapFile[] = "embedded-bootstrap";

class Daemon final : public DaemonControl {
 public:
  static Result<std::unique_ptr<Daemon>> Start(DaemonOptions options, Config config);
  ~Daemon() override;

  // Stops HTTP last: pipelines stop fetching, finish (or abandon at `deadline`) their
  // training, persist and commit; then the store closes.
  void Shutdown(std::chrono::steady_clock::time_point deadline);

  int http_port() const { return http_ != nullptr ? http_->port() : 0; }
  std::string embedded_bootstrap() const;

  // DaemonControl.
  std::vector<std::shared_ptr<PipelineRuntime>> Pipelines() override;
  std::shared_ptr<PipelineRuntime> FindPipeline(std::string_view name) override;
  FeatureSetStore& store() override { return *store_; }
  Status Reload() override;
  std::string MetricsText() override { return metrics_->Serialize(); }
  bool Ready(std::string* why) override;
  std::string AdminToken() override;
  std::string Version() override { return options_.version; }

 private:
  explicit Daemon(DaemonOptions options);
  Status StartPipelines(const std::vector<PipelineConfig>& pipelines);
  Result<std::shared_ptr<PipelineRuntime>> StartPipeline(const PipelineConfig& pipeline);
  std::string BootstrapServers() const;

  DaemonOptions options_;
  const Clock* clock_;
  std::unique_ptr<DaemonMetrics> metrics_;
  std::unique_ptr<FeatureSetStore> store_;
  std::unique_ptr<EmbeddedKafka> embedded_;
  std::unique_ptr<std::counting_semaphore<256>> training_slots_;
  ApiRouter router_{this};
  std::unique_ptr<HttpServer> http_;

  std::mutex reload_mu_;   // one reload at a time
  mutable std::mutex mu_;  // guards the fields below
  Config config_;
  std::string admin_token_;
  std::vector<std::shared_ptr<PipelineRuntime>> pipelines_;  // sorted by name
  bool shut_down_ = false;
};

// Reads the token file: content with surrounding whitespace trimmed. Empty path gives
// an empty token. NotFound / IoError naming the file; InvalidArgument when empty.
Result<std::string> ReadAdminToken(const std::string& path);

}  // namespace sieve
