#include "config/config.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <utility>

#include "config/enum_names.h"
#include "config/units.h"

namespace sieve {
namespace {

using config_internal::NameOf;

// Writes the normalised config as "path=value" lines in a fixed order. Strings are
// length-prefixed so that no value can imitate another line.
class CanonicalWriter {
 public:
  void Str(std::string_view key, std::string_view value) {
    Line(key, std::to_string(value.size()) + ":" + std::string(value));
  }
  void Int(std::string_view key, int64_t value) { Line(key, std::to_string(value)); }
  void UInt(std::string_view key, uint64_t value) { Line(key, std::to_string(value)); }
  void Bool(std::string_view key, bool value) { Line(key, value ? "true" : "false"); }
  void Num(std::string_view key, double value) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value);
    Line(key, std::string(buf, ec == std::errc() ? ptr : buf));
  }
  void Dur(std::string_view key, std::chrono::nanoseconds value) {
    Line(key, FormatDuration(value));
  }
  void NumMap(std::string_view key, const std::map<std::string, double>& values) {
    Int(std::string(key) + ".size", static_cast<int64_t>(values.size()));
    for (const auto& [name, value] : values) Num(std::string(key) + "." + name, value);
  }
  void StrList(std::string_view key, const std::vector<std::string>& values) {
    Int(std::string(key) + ".size", static_cast<int64_t>(values.size()));
    for (size_t i = 0; i < values.size(); ++i) {
      Str(std::string(key) + "[" + std::to_string(i) + "]", values[i]);
    }
  }

  const std::string& text() const { return text_; }

 private:
  void Line(std::string_view key, std::string_view value) {
    text_ += key;
    text_ += '=';
    text_ += value;
    text_ += '\n';
  }
  std::string text_;
};

std::vector<std::string> Sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

void WritePipeline(const PipelineConfig& p, CanonicalWriter& w) {
  using namespace config_internal;
  w.Str("name", p.name);
  w.Str("topic", p.topic);
  w.Str("format", NameOf(kFormats, p.format));
  w.StrList("csv.header", p.csv.header);
  w.Str("csv.delimiter", std::string(1, p.csv.delimiter));
  w.Str("label.field", p.label.field);
  w.Str("label.task", NameOf(kTasks, p.label.task));
  w.Bool("discovery", p.discovery);
  w.Int("features.size", static_cast<int64_t>(p.features.size()));
  for (size_t i = 0; i < p.features.size(); ++i) {
    const FeatureConfig& f = p.features[i];
    const std::string prefix = "features[" + std::to_string(i) + "].";
    w.Str(prefix + "name", f.name);
    w.Str(prefix + "kind", NameOf(kFeatureKinds, f.kind));
    w.Int(prefix + "buckets", f.buckets);
    w.Int(prefix + "embedding_dim", f.embedding_dim);
    w.NumMap(prefix + "costs", f.costs);
  }
  const SelectorConfig& s = p.selector;
  w.Str("selector.algorithm", NameOf(kAlgorithms, s.algorithm));
  w.Int("selector.k", s.k);
  w.Int("selector.hidden_units.size", static_cast<int64_t>(s.hidden_units.size()));
  for (size_t i = 0; i < s.hidden_units.size(); ++i) {
    w.Int("selector.hidden_units[" + std::to_string(i) + "]", s.hidden_units[i]);
  }
  w.Int("selector.steps_per_round", s.steps_per_round);
  w.Num("selector.warmup_fraction", s.warmup_fraction);
  w.Num("selector.learning_rate", s.learning_rate);
  w.Int("selector.batch_size", s.batch_size);
  w.UInt("selector.seed", s.seed);
  w.Int("selector.features_per_round", s.features_per_round);
  w.Num("selector.cost_exponent", s.cost_exponent);
  w.Int("constraints.max_features", p.constraints.max_features);
  w.NumMap("constraints.budgets", p.constraints.budgets);
  // Inclusion and exclusion are sets: their order means nothing.
  w.StrList("constraints.must_include", Sorted(p.constraints.must_include));
  w.StrList("constraints.exclude", Sorted(p.constraints.exclude));
  w.Int("window.size", p.window.size);
  w.Str("window.mode", NameOf(kWindowModes, p.window.mode));
  w.Num("window.validation_fraction", p.window.validation_fraction);
  w.Int("schedule.every_records", p.schedule.every_records);
  w.Dur("schedule.every", p.schedule.every);
  w.Num("schedule.drift.psi_threshold", p.schedule.drift.psi_threshold);
  w.Int("schedule.min_records", p.schedule.min_records);
  w.Num("promotion.max_regression", p.promotion.max_regression);
  w.Bool("promotion.auto_promote", p.promotion.auto_promote);
  w.Str("publish.topic", p.publish.topic);
}

// 64-bit FNV-1a: simple, fixed and platform independent (not for security).
std::string Fnv1aHex(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

void WriteDaemon(const DaemonConfig& d, CanonicalWriter& w) {
  using namespace config_internal;
  w.Str("daemon.data_dir", d.data_dir);
  w.Str("daemon.http.listen", d.http.listen);
  w.Int("daemon.http.max_body_bytes", d.http.max_body_bytes);
  w.Str("daemon.admin_token_file", d.admin_token_file);
  w.Str("daemon.log.level", NameOf(kLogLevels, d.log.level));
  w.Str("daemon.log.format", NameOf(kLogFormats, d.log.format));
  w.Int("daemon.training_threads", d.training_threads);
  w.Dur("daemon.shutdown_timeout", d.shutdown_timeout);
}

void WriteKafka(const KafkaConfig& k, CanonicalWriter& w) {
  w.Str("kafka.bootstrap_servers", k.bootstrap_servers);
  w.Str("kafka.group_id", k.group_id);
  w.Str("kafka.dead_letter_topic", k.dead_letter_topic);
  w.Int("kafka.properties.size", static_cast<int64_t>(k.properties.size()));
  for (const auto& [key, value] : k.properties) w.Str("kafka.properties." + key, value);
}

}  // namespace

const PipelineConfig* Config::FindPipeline(std::string_view name) const {
  for (const PipelineConfig& p : pipelines) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string PipelineConfigHash(const PipelineConfig& pipeline) {
  CanonicalWriter w;
  w.Str("schema", "sieve.pipeline.v1");
  WritePipeline(pipeline, w);
  return Fnv1aHex(w.text());
}

std::string ConfigHash(const Config& config) {
  CanonicalWriter w;
  w.Str("schema", "sieve.config.v1");
  WriteDaemon(config.daemon, w);
  WriteKafka(config.kafka, w);
  w.Int("pipelines.size", static_cast<int64_t>(config.pipelines.size()));
  // Pipelines are identified by name, so their order in the file means nothing; each
  // contributes its own hash, which keeps the two hashes consistent.
  std::vector<std::pair<std::string, std::string>> pipelines;
  for (const PipelineConfig& p : config.pipelines) {
    pipelines.emplace_back(p.name, PipelineConfigHash(p));
  }
  std::sort(pipelines.begin(), pipelines.end());
  for (const auto& [name, hash] : pipelines) w.Str("pipeline." + name, hash);
  return Fnv1aHex(w.text());
}

ConfigChanges DiffConfigs(const Config& before, const Config& after) {
  auto section_hash = [](const auto& section, auto write) {
    CanonicalWriter w;
    write(section, w);
    return Fnv1aHex(w.text());
  };
  ConfigChanges changes;
  changes.daemon_changed =
      section_hash(before.daemon, WriteDaemon) != section_hash(after.daemon, WriteDaemon);
  changes.kafka_changed =
      section_hash(before.kafka, WriteKafka) != section_hash(after.kafka, WriteKafka);
  for (const PipelineConfig& p : after.pipelines) {
    const PipelineConfig* old = before.FindPipeline(p.name);
    if (old == nullptr) {
      changes.added_pipelines.push_back(p.name);
    } else if (PipelineConfigHash(*old) != PipelineConfigHash(p)) {
      changes.changed_pipelines.push_back(p.name);
    }
  }
  for (const PipelineConfig& p : before.pipelines) {
    if (after.FindPipeline(p.name) == nullptr) changes.removed_pipelines.push_back(p.name);
  }
  for (auto* names :
       {&changes.added_pipelines, &changes.removed_pipelines, &changes.changed_pipelines}) {
    std::sort(names->begin(), names->end());
  }
  return changes;
}

std::string_view ConfigName(LogConfig::Level v) { return NameOf(config_internal::kLogLevels, v); }
std::string_view ConfigName(LogConfig::Format v) { return NameOf(config_internal::kLogFormats, v); }
std::string_view ConfigName(LabelConfig::Task v) { return NameOf(config_internal::kTasks, v); }
std::string_view ConfigName(FeatureConfig::Kind v) {
  return NameOf(config_internal::kFeatureKinds, v);
}
std::string_view ConfigName(SelectorConfig::Algorithm v) {
  return NameOf(config_internal::kAlgorithms, v);
}
std::string_view ConfigName(WindowConfig::Mode v) {
  return NameOf(config_internal::kWindowModes, v);
}
std::string_view ConfigName(PipelineConfig::Format v) {
  return NameOf(config_internal::kFormats, v);
}

}  // namespace sieve
