#include "daemon/daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config_loader.h"
#include "daemon/logging.h"

namespace sieve {
namespace {

constexpr int kEmbeddedPartitions = 2;

std::shared_ptr<PipelineRuntime> Find(const std::vector<std::shared_ptr<PipelineRuntime>>& list,
                                      std::string_view name) {
  for (const auto& p : list)
    if (p->name() == name) return p;
  return nullptr;
}

}  // namespace

Result<std::string> ReadAdminToken(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  if (!in) {
    return std::unexpected(
        std::filesystem::exists(path)
            ? Status::IoError("cannot read admin_token_file '" + path + "'")
            : Status::NotFound("admin_token_file '" + path + "' does not exist"));
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string token = content.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return std::unexpected(Status::InvalidArgument("admin_token_file '" + path + "' is empty"));
  }
  token = token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
  return token;
}

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &SystemClock::Instance()) {}

Daemon::~Daemon() { Shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(10)); }

Result<std::unique_ptr<Daemon>> Daemon::Start(DaemonOptions options, Config config) {
  auto daemon = std::unique_ptr<Daemon>(new Daemon(std::move(options)));
  Daemon& d = *daemon;
  d.metrics_ = std::make_unique<DaemonMetrics>(d.options_.version);
  SIEVE_ASSIGN_OR_RETURN(d.admin_token_, ReadAdminToken(config.daemon.admin_token_file));
  if (d.admin_token_.empty()) {
    spdlog::warn("no daemon.admin_token_file: every mutating API call will be refused");
  }
  std::error_code ec;
  std::filesystem::create_directories(config.daemon.data_dir, ec);
  if (ec) {
    return std::unexpected(Status::IoError("cannot create data_dir '" + config.daemon.data_dir +
                                           "': " + ec.message()));
  }
  StoreOptions store_options;
  store_options.now_unix_ms = [clock = d.clock_] { return clock->WallMicros() / 1000; };
  auto store = FeatureSetStore::Open(
      (std::filesystem::path(config.daemon.data_dir) / "store").string(), store_options);
  if (!store.has_value()) return std::unexpected(store.error().WithContext("opening the store"));
  d.store_ = std::move(*store);

  if (config.kafka.embedded()) {
    SIEVE_ASSIGN_OR_RETURN(d.embedded_, EmbeddedKafka::Create());
    const std::string path =
        (std::filesystem::path(config.daemon.data_dir) / kEmbeddedBootstrapFile).string();
    std::ofstream(path) << d.embedded_->bootstrap_servers() << "\n";
    spdlog::info("embedded Kafka (not durable; for trying sieve out) at {} (written to {})",
                 d.embedded_->bootstrap_servers(), path);
  }
  d.training_slots_ = std::make_unique<std::counting_semaphore<256>>(
      std::clamp(config.daemon.training_threads, 1, 256));
  {
    std::lock_guard lock(d.mu_);
    d.config_ = config;
  }
  SIEVE_RETURN_IF_ERROR(d.StartPipelines(config.pipelines));

  HttpServerOptions http;
  http.listen = config.daemon.http.listen;
  http.max_body_bytes = config.daemon.http.max_body_bytes;
  auto server = HttpServer::Start(http, [&d](const HttpRequest& r) { return d.router_.Handle(r); });
  if (!server.has_value()) return std::unexpected(server.error());
  d.http_ = std::move(*server);
  spdlog::info("serving HTTP on http://{}:{}/ (API /v1, /metrics)", d.http_->host(),
               d.http_->port());
  return daemon;
}

std::string Daemon::BootstrapServers() const {
  std::lock_guard lock(mu_);
  return config_.kafka.embedded() && embedded_ != nullptr ? embedded_->bootstrap_servers()
                                                          : config_.kafka.bootstrap_servers;
}

std::string Daemon::embedded_bootstrap() const {
  return embedded_ != nullptr ? embedded_->bootstrap_servers() : "";
}

Result<std::shared_ptr<PipelineRuntime>> Daemon::StartPipeline(const PipelineConfig& pipeline) {
  KafkaConfig kafka;
  {
    std::lock_guard lock(mu_);
    kafka = config_.kafka;
  }
  if (embedded_ != nullptr) {
    // Explicit partition counts; an existing topic keeps its own (error ignored).
    (void)embedded_->CreateTopic(pipeline.topic, kEmbeddedPartitions);
    if (!pipeline.publish.topic.empty()) (void)embedded_->CreateTopic(pipeline.publish.topic, 1);
    if (!kafka.dead_letter_topic.empty()) (void)embedded_->CreateTopic(kafka.dead_letter_topic, 1);
  }
  PipelineDeps deps{.store = store_.get(),
                    .metrics = metrics_.get(),
                    .clock = clock_,
                    .training_slots = training_slots_.get(),
                    .ignore_stored_offsets = embedded_ != nullptr};
  auto runtime = std::make_shared<PipelineRuntime>(pipeline, kafka, BootstrapServers(), 1, deps);
  SIEVE_RETURN_IF_ERROR(runtime->Start());
  spdlog::info("pipeline {}: consuming {}", pipeline.name, pipeline.topic);
  return runtime;
}

Status Daemon::StartPipelines(const std::vector<PipelineConfig>& pipelines) {
  for (const auto& pipeline : pipelines) {
    SIEVE_ASSIGN_OR_RETURN(auto runtime, StartPipeline(pipeline));
    std::lock_guard lock(mu_);
    pipelines_.push_back(std::move(runtime));
  }
  std::lock_guard lock(mu_);
  std::sort(pipelines_.begin(), pipelines_.end(),
            [](const auto& a, const auto& b) { return a->name() < b->name(); });
  return Status::Ok();
}

void Daemon::Shutdown(std::chrono::steady_clock::time_point deadline) {
  std::vector<std::shared_ptr<PipelineRuntime>> pipelines;
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    pipelines = pipelines_;
  }
  // Stop fetching everywhere first, then wait for each.
  for (const auto& p : pipelines) p->Stop(deadline);
  http_.reset();
  {
    std::lock_guard lock(mu_);
    pipelines_.clear();
  }
  pipelines.clear();
  store_.reset();
  embedded_.reset();
  spdlog::info("stopped");
}

std::vector<std::shared_ptr<PipelineRuntime>> Daemon::Pipelines() {
  std::lock_guard lock(mu_);
  return pipelines_;
}

std::shared_ptr<PipelineRuntime> Daemon::FindPipeline(std::string_view name) {
  std::lock_guard lock(mu_);
  return Find(pipelines_, name);
}

bool Daemon::Ready(std::string* why) {
  if (store_ == nullptr) {
    *why = "store not open";
    return false;
  }
  for (const auto& p : Pipelines()) {
    if (!p->status().assigned) {
      *why = "pipeline " + p->name() + " has no partition assignment yet";
      return false;
    }
  }
  return true;
}

std::string Daemon::AdminToken() {
  std::lock_guard lock(mu_);
  return admin_token_;
}

Status Daemon::Reload() {
  std::lock_guard reload_lock(reload_mu_);
  const double now = clock_->WallMicros() / 1e6;
  auto fail = [&](const Status& status) {
    metrics_->ObserveReload(false, now);
    spdlog::error("config reload failed, keeping the previous config: {}", status.ToString());
    return status;
  };
  auto loaded = LoadConfig(options_.config_path);
  if (!loaded.has_value()) return fail(loaded.error());
  Config next = std::move(*loaded);
  auto token = ReadAdminToken(next.daemon.admin_token_file);
  if (!token.has_value()) return fail(token.error());
  Config previous;
  {
    std::lock_guard lock(mu_);
    previous = config_;
  }
  const ConfigChanges changes = DiffConfigs(previous, next);
  if (changes.kafka_changed) {
    return fail(
        Status::FailedPrecondition("the kafka section changed; restart sieved to apply it"));
  }
  if (next.daemon.data_dir != previous.daemon.data_dir ||
      next.daemon.http.listen != previous.daemon.http.listen) {
    return fail(Status::FailedPrecondition(
        "daemon.data_dir or daemon.http.listen changed; restart sieved to apply them"));
  }
  // Removed and changed pipelines stop first (one consumer per pipeline at a time).
  std::set<std::string> restart(changes.changed_pipelines.begin(), changes.changed_pipelines.end());
  std::vector<std::shared_ptr<PipelineRuntime>> stopped;
  for (const auto& name : changes.removed_pipelines) restart.insert(name);
  for (const auto& name : restart) {
    if (auto p = FindPipeline(name)) {
      p->Stop(std::chrono::steady_clock::now() + next.daemon.shutdown_timeout);
      stopped.push_back(p);
    }
  }
  {
    std::lock_guard lock(mu_);
    config_ = next;
  }
  std::vector<std::shared_ptr<PipelineRuntime>> started;
  Status failure;
  for (const auto& pipeline : next.pipelines) {
    const bool is_new = std::find(changes.added_pipelines.begin(), changes.added_pipelines.end(),
                                  pipeline.name) != changes.added_pipelines.end();
    if (!is_new && !restart.contains(pipeline.name)) continue;
    auto runtime = StartPipeline(pipeline);
    if (!runtime.has_value()) {
      failure = runtime.error();
      break;
    }
    started.push_back(std::move(*runtime));
  }
  if (!failure.ok()) {
    // Put the previous pipelines back.
    for (const auto& p : started)
      p->Stop(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    {
      std::lock_guard lock(mu_);
      config_ = previous;
    }
    std::vector<std::shared_ptr<PipelineRuntime>> restored;
    for (const auto& p : stopped) {
      if (auto again = StartPipeline(p->config()); again.has_value()) restored.push_back(*again);
    }
    std::lock_guard lock(mu_);
    for (auto& p : restored) {
      std::erase_if(pipelines_, [&](const auto& q) { return q->name() == p->name(); });
      pipelines_.push_back(std::move(p));
    }
    std::sort(pipelines_.begin(), pipelines_.end(),
              [](const auto& a, const auto& b) { return a->name() < b->name(); });
    return fail(failure);
  }
  {
    std::lock_guard lock(mu_);
    for (const auto& name : restart) {
      std::erase_if(pipelines_, [&](const auto& p) { return p->name() == name; });
    }
    for (auto& p : started) pipelines_.push_back(std::move(p));
    std::sort(pipelines_.begin(), pipelines_.end(),
              [](const auto& a, const auto& b) { return a->name() < b->name(); });
    admin_token_ = *token;
  }
  ConfigureLogging(next.daemon.log);
  metrics_->ObserveReload(true, now);
  spdlog::info("config reloaded: {} added, {} removed, {} changed pipelines",
               changes.added_pipelines.size(), changes.removed_pipelines.size(),
               changes.changed_pipelines.size());
  return Status::Ok();
}

}  // namespace sieve
