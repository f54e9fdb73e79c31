#include "daemon/pipeline_runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "connectors/codec/record_batch.h"
#include "connectors/codec/record_decoder.h"
#include "connectors/kafka/kafka_feature_source.h"
#include "connectors/store/version_json.h"
#include "daemon/drift.h"
#include "daemon/promotion.h"
#include "daemon/trainer.h"

namespace sieve {
namespace {

constexpr size_t kMaxPollRecords = 5000;
constexpr std::chrono::milliseconds kPollTimeout{100};
constexpr std::chrono::milliseconds kGatherTime{200};
constexpr std::chrono::milliseconds kGatherPollTimeout{20};
constexpr uint64_t kTrimEveryChunks = 64;

int64_t WallMillis(const Clock& clock) { return clock.WallMicros() / 1000; }

std::string Describe(const FeatureSetVersion& v) {
  return "v" + std::to_string(v.version) + " (" + std::string(FeatureSetStateName(v.state)) +
         "): " + v.reason;
}

}  // namespace

std::string_view OperationStateName(Operation::State state) {
  switch (state) {
    case Operation::State::kPending:
      return "pending";
    case Operation::State::kRunning:
      return "running";
    case Operation::State::kSucceeded:
      return "succeeded";
    case Operation::State::kFailed:
      return "failed";
  }
  return "unknown";
}

SchedulerOptions PipelineRuntime::SchedulerOptionsFor(const PipelineConfig& config) {
  SchedulerOptions options;
  options.every_records = config.schedule.every_records;
  options.every = std::chrono::duration_cast<std::chrono::microseconds>(config.schedule.every);
  options.psi_threshold = config.schedule.drift.psi_threshold;
  options.min_records = std::max<int64_t>(1, config.schedule.min_records);
  return options;
}

PipelineRuntime::PipelineRuntime(PipelineConfig config, KafkaConfig kafka,
                                 std::string bootstrap_servers, int math_threads, PipelineDeps deps)
    : config_(std::move(config)),
      kafka_(std::move(kafka)),
      bootstrap_servers_(std::move(bootstrap_servers)),
      math_threads_(std::max(1, math_threads)),
      deps_(deps),
      window_(static_cast<size_t>(config_.window.size),
              config_.window.mode == WindowConfig::Mode::kReservoir, config_.selector.seed),
      scheduler_(SchedulerOptionsFor(config_), deps.clock) {}

PipelineRuntime::~PipelineRuntime() {
  Stop(std::chrono::steady_clock::now() + std::chrono::seconds(5));
}

Status PipelineRuntime::Start() {
  FeatureSetStore& store = *deps_.store;
  SIEVE_ASSIGN_OR_RETURN(WindowSnapshot restored,
                         store.LoadWindow(config_.name, static_cast<size_t>(config_.window.size)));
  SIEVE_ASSIGN_OR_RETURN(PipelineState state, store.GetPipelineState(config_.name));
  {
    std::lock_guard lock(mu_);
    paused_ = state.paused;
    pause_reason_ = state.reason;
    if (!deps_.ignore_stored_offsets) {
      for (const auto& p : restored.offsets) resume_[{p.topic, p.partition}] = p.next_offset;
    }
  }
  window_.Restore(restored);
  if (restored.num_rows > 0) {
    spdlog::info("pipeline {}: restored {} window rows", config_.name, restored.num_rows);
  }
  if (auto active = store.GetVersion(config_.name, VersionRef::Active()); active.has_value()) {
    deps_.metrics->SetActiveVersion(*active);
  }

  FeatureSchema schema;
  for (const auto& f : config_.features) {
    (f.kind == FeatureConfig::Kind::kCategorical ? schema.categorical_features
                                                 : schema.numeric_features)
        .push_back(f.name);
  }
  schema.label_field = config_.label.field;
  schema.discover_numeric_features = config_.discovery;
  std::unique_ptr<RecordDecoder> decoder;
  if (config_.format == PipelineConfig::Format::kCsv) {
    CsvDecoderOptions options{
        .schema = schema, .header = config_.csv.header, .delimiter = config_.csv.delimiter};
    SIEVE_ASSIGN_OR_RETURN(decoder, CreateCsvDecoder(std::move(options)));
  } else {
    SIEVE_ASSIGN_OR_RETURN(decoder, CreateJsonDecoder(JsonDecoderOptions{.schema = schema}));
  }
  decoder_ = decoder.get();

  KafkaSourceOptions source_options;
  source_options.bootstrap_servers = bootstrap_servers_;
  source_options.group_id = kafka_.group_id;
  source_options.topics = {config_.topic};
  source_options.dead_letter_topic = kafka_.dead_letter_topic;
  source_options.statistics_interval_ms = 1000;
  source_options.properties = kafka_.properties;
  auto source = KafkaFeatureSource::Create(std::move(source_options), std::move(decoder));
  if (!source.has_value()) return source.error().WithContext("pipeline " + config_.name);
  source_ = std::move(*source);

  if (!config_.publish.topic.empty()) {
    PublisherOptions publisher_options;
    publisher_options.bootstrap_servers = bootstrap_servers_;
    publisher_options.topic = config_.publish.topic;
    publisher_options.delivery_timeout = std::chrono::seconds(10);
    publisher_options.properties = kafka_.properties;
    auto publisher = FeatureSetPublisher::Create(std::move(publisher_options));
    if (!publisher.has_value()) return publisher.error().WithContext("pipeline " + config_.name);
    publisher_ = std::move(*publisher);
  }
  started_ = true;
  ingest_thread_ = std::thread([this] { IngestLoop(); });
  return Status::Ok();
}

void PipelineRuntime::Stop(std::chrono::steady_clock::time_point deadline) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stop_ = true;
  if (ingest_thread_.joinable()) ingest_thread_.join();
  {
    std::unique_lock lock(mu_);
    if (!training_done_.wait_until(lock, deadline, [&] { return !scheduler_.training(); })) {
      spdlog::warn("pipeline {}: abandoning the training in flight at shutdown", config_.name);
      cancel_training_ = true;
    }
  }
  if (training_thread_.joinable()) training_thread_.join();
  if (source_ != nullptr) {
    if (Status s = source_->Close(); !s.ok()) {
      spdlog::warn("pipeline {}: closing the consumer: {}", config_.name, s.ToString());
    }
  }
}

void PipelineRuntime::SetError(std::string_view component, const Status& status) {
  bool fresh;
  {
    std::lock_guard lock(mu_);
    auto [it, inserted] = errors_.try_emplace(std::string(component), status.ToString());
    fresh = inserted || it->second != status.ToString();
    it->second = status.ToString();
  }
  deps_.metrics->BackgroundError(config_.name, component);
  if (fresh) spdlog::error("pipeline {}: {}: {}", config_.name, component, status.ToString());
}

void PipelineRuntime::ClearError(std::string_view component) {
  std::lock_guard lock(mu_);
  if (auto it = errors_.find(component); it != errors_.end()) {
    spdlog::info("pipeline {}: {} recovered", config_.name, component);
    errors_.erase(it);
  }
}

void PipelineRuntime::IngestLoop() {
  RecordBatch batch;
  while (!stop_) {
    // Gather polls into one chunk (one store write, one fsync) for up to kGatherTime
    // or kMaxPollRecords rows, whichever comes first.
    auto polled = source_->Poll(batch, kMaxPollRecords, kPollTimeout);
    if (!polled.has_value()) {
      SetError("consume", polled.error());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      batch.Clear();
      continue;
    }
    const auto gather_until = std::chrono::steady_clock::now() + kGatherTime;
    while (polled->records_appended + polled->records_dead_lettered > 0 &&
           batch.rows() < kMaxPollRecords && std::chrono::steady_clock::now() < gather_until &&
           !stop_) {
      auto more = source_->Poll(batch, kMaxPollRecords - batch.rows(), kGatherPollTimeout);
      if (!more.has_value()) break;  // reported by the next outer poll
      polled->position.Merge(more->position);
      if (more->records_appended + more->records_dead_lettered == 0) break;
      polled->records_appended += more->records_appended;
      polled->records_dead_lettered += more->records_dead_lettered;
    }
    if (polled->records_appended > 0 || !polled->position.empty()) {
      // Persist first, acknowledge after: retry until stored or stopping.
      Status persisted = PersistBatch(batch, polled->position);
      while (!persisted.ok() && !stop_) {
        SetError("persist", persisted);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        persisted = PersistBatch(batch, polled->position);
      }
      if (persisted.ok()) {
        ClearError("persist");
        Status acked = source_->Acknowledge(polled->position);
        for (int attempt = 0; !acked.ok() && attempt < 3 && !stop_; ++attempt) {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          acked = source_->Acknowledge(polled->position);
        }
        // An unacknowledged position is only redelivered later; the store skips it.
        if (!acked.ok())
          SetError("acknowledge", acked);
        else
          ClearError("acknowledge");
      }
    }
    batch.Clear();
    const FeatureSourceStats stats = source_->stats();
    deps_.metrics->ObserveSource(config_.name, stats);
    deps_.metrics->SetWindowRows(config_.name, static_cast<double>(window_.rows()));
    MaybeStartTraining();
  }
}

Status PipelineRuntime::PersistBatch(RecordBatch& batch, const SourcePosition& position) {
  const FeatureSchema& schema = decoder_->schema();
  WindowChunk chunk;
  chunk.float_columns = schema.numeric_features;
  chunk.bucket_columns = schema.categorical_features;
  std::vector<int64_t> buckets(chunk.bucket_columns.size(), 1024);
  for (size_t c = 0; c < chunk.bucket_columns.size(); ++c) {
    for (const auto& f : config_.features) {
      if (f.name == chunk.bucket_columns[c]) buckets[c] = f.buckets;
    }
  }
  std::map<std::pair<std::string, int32_t>, int64_t> resume;
  {
    std::lock_guard lock(mu_);
    resume = resume_;
  }
  uint64_t skipped = 0;
  const size_t nf = chunk.float_columns.size(), nb = chunk.bucket_columns.size();
  for (size_t r = 0; r < batch.rows(); ++r) {
    auto it = resume.find({std::string(batch.topic(r)), batch.partition(r)});
    if (it != resume.end() && batch.offset(r) < it->second) {
      ++skipped;  // already in the store: redelivered after a restart
      continue;
    }
    for (size_t c = 0; c < nf; ++c) {
      chunk.floats.push_back(c < batch.numeric_columns() ? batch.numeric(r, c) : NAN);
    }
    for (size_t c = 0; c < nb; ++c) {
      chunk.buckets.push_back(
          static_cast<int32_t>(batch.categorical(c).Bucket(r, static_cast<uint64_t>(buckets[c]))));
    }
    chunk.labels.push_back(batch.labels()[r]);
    ++chunk.num_rows;
  }
  chunk.offsets = position.partitions;
  (void)nb;
  SIEVE_ASSIGN_OR_RETURN(uint64_t sequence, deps_.store->AppendWindowChunk(config_.name, chunk));
  (void)sequence;
  window_.Append(chunk);
  {
    std::lock_guard lock(mu_);
    for (const auto& p : chunk.offsets) {
      int64_t& next = resume_[{p.topic, p.partition}];
      next = std::max(next, p.next_offset);
    }
    records_ingested_ += chunk.num_rows;
    records_skipped_ += skipped;
    scheduler_.OnRecords(chunk.num_rows);
  }
  if (chunk.num_rows > 0 && ++chunks_since_trim_ >= kTrimEveryChunks) {
    chunks_since_trim_ = 0;
    // Keep twice the window so a restart still restores a full one.
    auto trimmed =
        deps_.store->TrimWindow(config_.name, 2 * static_cast<size_t>(config_.window.size));
    if (!trimmed.has_value()) SetError("trim", trimmed.error());
  }
  return Status::Ok();
}

void PipelineRuntime::MaybeStartTraining() {
  std::unique_lock lock(mu_);
  if (scheduler_.training()) return;
  auto measure = [&]() -> double {
    if (last_trained_window_ == nullptr) return 0;
    return MeasureDrift(*last_trained_window_, *window_.Snapshot()).max_psi;
  };
  std::optional<Trigger> trigger =
      scheduler_.Poll(static_cast<int64_t>(window_.rows()), paused_, measure);
  if (!trigger.has_value()) return;
  scheduler_.OnTrainingStarted();
  std::string operation_id;
  if (trigger->kind == TriggerKind::kApi && !pending_operations_.empty()) {
    operation_id = pending_operations_.front();
    pending_operations_.erase(pending_operations_.begin());
    operations_[operation_id].state = Operation::State::kRunning;
  }
  std::vector<PartitionOffset> offsets;
  for (const auto& [key, next] : resume_) offsets.push_back({key.first, key.second, next});
  auto snapshot = window_.Snapshot();
  lock.unlock();
  if (training_thread_.joinable()) training_thread_.join();  // finished: training_ was false
  spdlog::info("pipeline {}: training on {} rows ({})", config_.name, snapshot->num_rows,
               trigger->reason);
  training_thread_ = std::thread(
      [this, t = *trigger, snapshot, offsets = std::move(offsets), operation_id]() mutable {
        RunTraining(std::move(t), std::move(snapshot), std::move(offsets), std::move(operation_id));
      });
}

void PipelineRuntime::RunTraining(Trigger trigger, std::shared_ptr<const WindowSnapshot> snapshot,
                                  std::vector<PartitionOffset> offsets, std::string operation_id) {
  const Clock& clock = *deps_.clock;
  TrainingRecord record;
  record.trigger = std::string(TriggerKindName(trigger.kind));
  record.trigger_reason = trigger.reason;
  record.started_at_unix_ms = WallMillis(clock);
  const int64_t start = clock.MonotonicMicros();

  auto run = [&]() -> Result<FeatureSetVersion> {
    if (deps_.training_slots != nullptr) {
      while (!deps_.training_slots->try_acquire_for(std::chrono::milliseconds(100))) {
        if (cancel_training_) return std::unexpected(Status::Cancelled("training abandoned"));
      }
    }
    struct Release {
      std::counting_semaphore<256>* slots;
      ~Release() {
        if (slots != nullptr) slots->release();
      }
    } release{deps_.training_slots};
    FeatureSetStore& store = *deps_.store;
    std::optional<FeatureSetVersion> active;
    if (auto a = store.GetVersion(config_.name, VersionRef::Active()); a.has_value()) {
      active = std::move(*a);
    } else if (a.error().code() != StatusCode::kNotFound) {
      return std::unexpected(a.error());
    }
    TrainRequest request{.window = snapshot,
                         .pipeline = config_,
                         .active = active,
                         .threads = math_threads_,
                         .cancel = &cancel_training_};
    SIEVE_ASSIGN_OR_RETURN(TrainResult trained, TrainCandidate(request, clock));
    PromotionInput input;
    input.metric_name = trained.metric_name;
    input.candidate_metric = trained.candidate_metric;
    input.active_metric = trained.active_metric;
    input.active_version = active.has_value() ? active->version : 0;
    input.exceeded_budgets = ExceededBudgets(trained.candidate);
    input.max_regression = config_.promotion.max_regression;
    input.auto_promote = config_.promotion.auto_promote;
    const PromotionDecision decision = DecidePromotion(input);
    FeatureSetVersion version = std::move(trained.candidate);
    version.parent = active.has_value() ? active->version : 0;
    version.created_at_unix_ms = WallMillis(clock);
    version.state = decision.state;
    version.reason = decision.reason;
    version.window_offsets = std::move(offsets);
    version.hyperparameters["trigger"] = trigger.reason;
    if (trained.active_metric.has_value()) {
      version.validation_metrics["active_rescored_" + trained.metric_name] = *trained.active_metric;
    }
    if (cancel_training_) return std::unexpected(Status::Cancelled("training abandoned"));
    CommitOptions commit;
    commit.make_active = decision.make_active;
    commit.make_candidate = decision.make_candidate;
    SIEVE_ASSIGN_OR_RETURN(FeatureSetVersion stored,
                           store.CommitVersion(std::move(version), commit));
    return stored;
  };
  Result<FeatureSetVersion> result = run();
  record.seconds = (clock.MonotonicMicros() - start) / 1e6;
  record.ok = result.has_value();
  deps_.metrics->ObserveRetrain(config_.name, record.trigger, record.seconds, record.ok,
                                clock.WallMicros() / 1e6);
  if (result.has_value()) {
    record.version = result->version;
    spdlog::info("pipeline {}: {} in {:.1f}s", config_.name, Describe(*result), record.seconds);
    ClearError("train");
    if (result->state == FeatureSetState::kActive) {
      deps_.metrics->SetActiveVersion(*result);
      PublishActive(*result);
    }
  } else {
    record.error = result.error().ToString();
    if (result.error().code() != StatusCode::kCancelled) SetError("train", result.error());
  }
  std::lock_guard lock(mu_);
  if (result.has_value()) last_trained_window_ = snapshot;
  scheduler_.OnTrainingFinished(result.has_value() ||
                                result.error().code() == StatusCode::kCancelled);
  last_training_ = record;
  if (!operation_id.empty()) {
    Operation& op = operations_[operation_id];
    op.state = result.has_value() ? Operation::State::kSucceeded : Operation::State::kFailed;
    if (result.has_value()) {
      op.version = result->version;
      op.decision = Describe(*result);
    } else {
      op.error = record.error;
    }
  }
  training_done_.notify_all();
}

void PipelineRuntime::PublishActive(const FeatureSetVersion& version) {
  if (publisher_ == nullptr) return;
  Status published = publisher_->Publish(config_.name, EncodeVersionJson(version));
  if (!published.ok()) {
    deps_.metrics->PublishFailed(config_.name);
    SetError("publish", published);
  } else {
    ClearError("publish");
  }
}

Result<Operation> PipelineRuntime::RequestRetrain() {
  std::lock_guard lock(mu_);
  if (paused_) {
    return std::unexpected(Status::FailedPrecondition("pipeline '" + config_.name + "' is paused"));
  }
  Operation op;
  op.id = config_.name + "-" + std::to_string(++operation_counter_) + "-" +
          std::to_string(deps_.clock->WallMicros() % 1000000);
  op.pipeline = config_.name;
  op.created_at_unix_ms = WallMillis(*deps_.clock);
  operations_[op.id] = op;
  pending_operations_.push_back(op.id);
  scheduler_.RequestRetrain();
  return op;
}

std::optional<Operation> PipelineRuntime::GetOperation(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = operations_.find(id);
  if (it == operations_.end()) return std::nullopt;
  return it->second;
}

Status PipelineRuntime::Pause(std::string_view reason) {
  PipelineState state{.paused = true,
                      .reason = std::string(reason),
                      .updated_at_unix_ms = WallMillis(*deps_.clock)};
  SIEVE_RETURN_IF_ERROR(deps_.store->SetPipelineState(config_.name, state));
  std::lock_guard lock(mu_);
  paused_ = true;
  pause_reason_ = state.reason;
  spdlog::info("pipeline {}: paused ({})", config_.name, reason);
  return Status::Ok();
}

Status PipelineRuntime::Resume(std::string_view reason) {
  PipelineState state{.paused = false,
                      .reason = std::string(reason),
                      .updated_at_unix_ms = WallMillis(*deps_.clock)};
  SIEVE_RETURN_IF_ERROR(deps_.store->SetPipelineState(config_.name, state));
  std::lock_guard lock(mu_);
  paused_ = false;
  pause_reason_ = state.reason;
  spdlog::info("pipeline {}: resumed ({})", config_.name, reason);
  return Status::Ok();
}

Result<FeatureSetVersion> PipelineRuntime::Promote(uint64_t version) {
  SIEVE_RETURN_IF_ERROR(deps_.store->Promote(config_.name, version));
  SIEVE_ASSIGN_OR_RETURN(FeatureSetVersion active,
                         deps_.store->GetVersion(config_.name, VersionRef::Number(version)));
  spdlog::info("pipeline {}: v{} promoted through the API", config_.name, version);
  deps_.metrics->SetActiveVersion(active);
  PublishActive(active);
  return active;
}

Result<FeatureSetVersion> PipelineRuntime::Rollback(uint64_t target, std::string_view reason) {
  SIEVE_ASSIGN_OR_RETURN(FeatureSetVersion created,
                         deps_.store->Rollback(config_.name, target, reason));
  spdlog::info("pipeline {}: rolled back to v{} as v{}", config_.name, target, created.version);
  deps_.metrics->SetActiveVersion(created);
  PublishActive(created);
  return created;
}

PipelineStatus PipelineRuntime::status() const {
  PipelineStatus s;
  s.name = config_.name;
  s.topic = config_.topic;
  s.window_rows = window_.rows();
  s.window_capacity = window_.capacity();
  if (source_ != nullptr) {
    const FeatureSourceStats stats = source_->stats();
    s.assigned = stats.assigned_partitions > 0;
    s.consumer_lag = stats.consumer_lag;
    s.records_consumed = stats.records_consumed;
    s.records_dead_lettered = stats.records_dead_lettered;
  }
  std::lock_guard lock(mu_);
  s.paused = paused_;
  s.pause_reason = pause_reason_;
  s.training = scheduler_.training();
  s.records_ingested = records_ingested_;
  s.records_skipped = records_skipped_;
  s.consecutive_failures = scheduler_.consecutive_failures();
  s.last_psi = scheduler_.last_psi();
  s.last_training = last_training_;
  for (const auto& [key, next] : resume_) s.offsets.push_back({key.first, key.second, next});
  for (const auto& [component, message] : errors_) {
    s.last_error += (s.last_error.empty() ? "" : "; ") + component + ": " + message;
  }
  return s;
}

}  // namespace sieve
