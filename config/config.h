// sieve's configuration as plain option structs.
//
// This header knows nothing about YAML: config_loader.h fills these structs from a file
// and validates them, config_writer.h prints them back; the daemon and sievectl read
// them. Every field carries its
// default and what it trades. Units: durations are std::chrono::nanoseconds, sizes are
// bytes, budgets and costs are plain numbers in the unit their resource name ends with
// (`latency_us` in microseconds, `memory_bytes` in bytes).
//
// YAML shape (every key optional unless marked required; config/examples/reference.yaml
// spells out every key with its default):
//   daemon:    data_dir, http {listen, max_body_bytes}, admin_token_file,
//              log {level, format}, training_threads, shutdown_timeout
//   kafka:     bootstrap_servers (required; "embedded" for the in-process mock cluster),
//              group_id, dead_letter_topic, properties {librdkafka key: value}
//   pipelines: - name (required), topic (required), format, csv {header, delimiter},
//                label {field (required), task}, features [...] | discovery: true,
//                selector {...}, constraints {...}, window {...}, schedule {...},
//                promotion {...}, publish {topic}
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sieve {

struct LogConfig {
  enum class Level { kTrace, kDebug, kInfo, kWarn, kError };
  enum class Format { kText, kJson };

  // Lowest level written to stderr; debug and trace are verbose on busy streams.
  Level level = Level::kInfo;
  // text: one human-readable line per event; json: one JSON object per line, for
  // log collectors (harder to read by eye).
  Format format = Format::kText;
};

struct HttpConfig {
  // host:port of the one HTTP server (API, /metrics, status page). Binding beyond
  // loopback exposes the API to the network; port 0 picks a free port (tests).
  std::string listen = "127.0.0.1:9464";
  // Largest accepted request body; bigger requests get 413. Guards memory against
  // abusive clients; no API call needs more than a few kilobytes.
  int64_t max_body_bytes = 1 << 20;
};

struct DaemonConfig {
  // Directory of the RocksDB store (versions, windows, offsets). A relative path is
  // resolved against the daemon's working directory. Must survive restarts.
  std::string data_dir = "/var/lib/sieve";
  HttpConfig http;
  // File whose content (whitespace trimmed) is the bearer token for mutating API calls.
  // Empty: no token is configured and every mutating call is refused with 401.
  std::string admin_token_file;
  LogConfig log;
  // Worker threads that run trainings; pipelines beyond this many wait their turn.
  // More threads retrain several pipelines at once but compete with ingest for CPU.
  int training_threads = 1;
  // Time SIGTERM waits for the training in flight, persistence and offset commits
  // before abandoning the training and exiting. Keep below systemd's TimeoutStopSec.
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds(20);
};

struct KafkaConfig {
  // Value of bootstrap_servers that starts librdkafka's in-process mock cluster.
  static constexpr std::string_view kEmbedded = "embedded";

  // Comma-separated host:port list of brokers, or "embedded" (quick start and tests
  // only: nothing is durable). Required.
  std::string bootstrap_servers;
  // Consumer group shared by every replica; replicas split pipelines through it.
  std::string group_id = "sieve";
  // Topic that receives undecodable records (raw bytes plus error headers). Empty:
  // bad records are only counted and logged, and their bytes are lost.
  std::string dead_letter_topic = "sieve-dead-letter";
  // librdkafka configuration passed through as is (TLS, SASL, timeouts). The keys sieve
  // sets itself (bootstrap.servers, group.id, enable.auto.offset.store) are rejected.
  std::map<std::string, std::string> properties;

  bool embedded() const { return bootstrap_servers == kEmbedded; }
};

struct CsvConfig {
  // Column names, in order, of every CSV record (messages carry no header line).
  // Required when the format is csv.
  std::vector<std::string> header;
  // Field separator, one character.
  char delimiter = ',';
};

struct LabelConfig {
  enum class Task { kAuto, kClassification, kRegression };

  // Record field holding the target. Required.
  std::string field;
  // auto: classification if the first window's labels are all integers with few
  // distinct values, else regression. Explicit is safer for sparse positive labels.
  Task task = Task::kAuto;
};

struct FeatureConfig {
  enum class Kind { kNumeric, kCategorical };

  // Record field name; also the feature's name in versions and the API. Required.
  std::string name;
  // numeric: used as a float after standardisation; categorical: hashed into buckets
  // and embedded, selected as one unit.
  Kind kind = Kind::kNumeric;
  // Categorical only: hash buckets. More buckets mean fewer collisions but larger
  // embedding tables (memory cost grows linearly).
  int64_t buckets = 1024;
  // Categorical only: embedding width while selecting. Wider embeddings fit rarer
  // values better but train slower and cost more memory when served.
  int64_t embedding_dim = 8;
  // Serving cost of this feature per resource (e.g. latency_us, memory_bytes); a
  // resource not listed costs 0. Budgets in ConstraintsConfig are checked against these.
  std::map<std::string, double> costs;
};

struct SelectorConfig {
  enum class Algorithm { kSequentialAttention, kOmp, kGroupLasso, kMutualInfo, kFTest, kRandom };

  // Selection method. sequential_attention is the default; the others are baselines
  // and cheap fallbacks (filters ignore feature interactions).
  Algorithm algorithm = Algorithm::kSequentialAttention;
  // Number of features to select, must_include counted. 0: keep selecting until a
  // constraint (max_features or a budget) stops it.
  int64_t k = 0;
  // Widths of the MLP's hidden layers; empty means a linear model. Wider layers see
  // more interactions but train slower.
  std::vector<int64_t> hidden_units = {64};
  // Optimiser steps between two picks; 0 picks about one epoch of the training window.
  // More steps give steadier rankings at a linear cost in training time.
  int64_t steps_per_round = 0;
  // Share of all steps trained before the first pick, so the first pick does not rest
  // on untrained logits; more warm-up costs time without adding picks.
  double warmup_fraction = 0.1;
  // Adam step size for the network and the attention logits. Too high makes the
  // logits noisy, too low under-trains.
  double learning_rate = 2e-3;
  // Records per mini-batch. Larger batches are smoother and faster per record but
  // need more steps' worth of data.
  int64_t batch_size = 256;
  // Seed of every random choice; the same data, config, seed and thread count give the
  // same selection.
  uint64_t seed = 1;
  // Features added per round. Above 1 speeds up very wide data at some loss of
  // accuracy (features picked together ignore each other's redundancy).
  int64_t features_per_round = 1;
  // Exponent on a feature's normalised cost in the value-for-cost ranking. 0 ignores
  // costs (budgets still hold); higher values favour cheap features more.
  double cost_exponent = 1.0;
};

struct ConstraintsConfig {
  // Hard cap on selected features; 0 means no cap.
  int64_t max_features = 0;
  // Upper bound per resource on the summed costs of the selected features (same
  // resource names and units as FeatureConfig::costs). No version ever exceeds one.
  std::map<std::string, double> budgets;
  // Features always selected (they count against budgets and max_features).
  std::vector<std::string> must_include;
  // Features never selected.
  std::vector<std::string> exclude;
};

struct WindowConfig {
  enum class Mode { kSliding, kReservoir };

  // Records held for training. Bigger windows give steadier selections and react
  // slower to change; memory and training time grow with it.
  int64_t size = 100000;
  // sliding: the most recent `size` records; reservoir: a uniform sample of the whole
  // stream (stable, but slow to notice drift).
  Mode mode = Mode::kSliding;
  // Newest fraction of the window held out for validation (by arrival time, never
  // random). Larger fractions judge versions better but train on less data.
  double validation_fraction = 0.2;
};

struct DriftConfig {
  // Population-stability index of any input or of the label, measured between the
  // window of the last training and the current one, that triggers a retrain.
  // 0 disables the drift trigger; 0.1-0.25 are common settings (lower retrains more).
  double psi_threshold = 0;
};

struct ScheduleConfig {
  // Retrain after this many new records; 0 disables. Ties retraining to traffic.
  int64_t every_records = 0;
  // Retrain this long after the previous training started; 0 disables. Keeps versions
  // fresh on quiet streams.
  std::chrono::nanoseconds every = std::chrono::hours(1);
  DriftConfig drift;
  // Records in the window before the first training; lower starts sooner on less
  // evidence. Must not exceed the window size.
  int64_t min_records = 1000;
};

struct PromotionConfig {
  // How much worse (absolute, in the validation metric's units, higher is better) a
  // candidate may score than the active version on the same slice and still be
  // promoted. Larger values accept cheaper but slightly weaker sets.
  double max_regression = 0.01;
  // Promote candidates that pass automatically; false leaves them for an API call.
  bool auto_promote = true;
};

struct PublishConfig {
  // Compacted Kafka topic receiving the active feature set (key: pipeline name).
  // Empty: the active set is only served by the HTTP API.
  std::string topic;
};

struct PipelineConfig {
  enum class Format { kJson, kCsv };

  // Unique name; used in URLs, metric labels and store keys, so limited to letters,
  // digits, '_', '-' and '.'. Required.
  std::string name;
  // Kafka topic of the feature records. Required.
  std::string topic;
  // Encoding of each Kafka message: one JSON object or one CSV line.
  Format format = Format::kJson;
  CsvConfig csv;
  LabelConfig label;
  // Candidate features. Required unless `discovery` is true.
  std::vector<FeatureConfig> features;
  // Learn the candidate features from the records (every field but the label; strings
  // become categorical, numbers numeric, all with zero costs) instead of listing them.
  bool discovery = false;
  SelectorConfig selector;
  ConstraintsConfig constraints;
  WindowConfig window;
  ScheduleConfig schedule;
  PromotionConfig promotion;
  PublishConfig publish;
};

struct Config {
  DaemonConfig daemon;
  KafkaConfig kafka;
  std::vector<PipelineConfig> pipelines;

  // The pipeline called `name`, or nullptr.
  const PipelineConfig* FindPipeline(std::string_view name) const;
};

// Stable hashes of the normalised configuration (defaults filled in, maps ordered;
// YAML layout, key order and comments do not matter), as 16 lower-case hex digits.
// The same config gives the same hash on every platform and run. Changing any field,
// or a default in a new sieve release, changes it.
std::string ConfigHash(const Config& config);
// The hash of one pipeline's settings only, recorded in its versions: editing another
// pipeline or the daemon section does not change it.
std::string PipelineConfigHash(const PipelineConfig& pipeline);

// What differs between two valid configs, for a reload (SIGHUP or /v1/reload) to
// restart only what changed. Pipelines are matched by name and compared by
// PipelineConfigHash; every list is sorted by name.
struct ConfigChanges {
  std::vector<std::string> added_pipelines;
  std::vector<std::string> removed_pipelines;
  std::vector<std::string> changed_pipelines;
  bool daemon_changed = false;  // anything under `daemon`
  bool kafka_changed = false;   // anything under `kafka`

  bool empty() const {
    return added_pipelines.empty() && removed_pipelines.empty() && changed_pipelines.empty() &&
           !daemon_changed && !kafka_changed;
  }
};
ConfigChanges DiffConfigs(const Config& before, const Config& after);

// Canonical lower-case names as written in YAML ("sequential_attention", "csv", ...).
std::string_view ConfigName(LogConfig::Level level);
std::string_view ConfigName(LogConfig::Format format);
std::string_view ConfigName(LabelConfig::Task task);
std::string_view ConfigName(FeatureConfig::Kind kind);
std::string_view ConfigName(SelectorConfig::Algorithm algorithm);
std::string_view ConfigName(WindowConfig::Mode mode);
std::string_view ConfigName(PipelineConfig::Format format);

}  // namespace sieve
