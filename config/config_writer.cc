#include "config/config_writer.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

#include "config/units.h"

namespace sieve {
namespace {

std::string Number(double value) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  return ec == std::errc() ? std::string(buf, ptr) : "0";
}

// Strings are emitted quoted when YAML would otherwise read them as something else
// (empty, "true", "123", "null", ...); yaml-cpp decides for plain-looking text.
void Str(YAML::Emitter& out, std::string_view key, const std::string& value) {
  out << YAML::Key << std::string(key) << YAML::Value;
  if (value.empty()) {
    out << YAML::DoubleQuoted << "";
  } else {
    out << value;
  }
}

template <typename T>
void Raw(YAML::Emitter& out, std::string_view key, const T& value) {
  out << YAML::Key << std::string(key) << YAML::Value << value;
}

void NumberMap(YAML::Emitter& out, std::string_view key,
               const std::map<std::string, double>& values) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [name, value] : values) out << YAML::Key << name << YAML::Value << Number(value);
  out << YAML::EndMap;
}

void StringList(YAML::Emitter& out, std::string_view key, const std::vector<std::string>& values) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& v : values) out << v;
  out << YAML::EndSeq;
}

void WriteDaemon(YAML::Emitter& out, const DaemonConfig& d) {
  out << YAML::Key << "daemon" << YAML::Value << YAML::BeginMap;
  Str(out, "data_dir", d.data_dir);
  out << YAML::Key << "http" << YAML::Value << YAML::BeginMap;
  Str(out, "listen", d.http.listen);
  Raw(out, "max_body_bytes", d.http.max_body_bytes);
  out << YAML::EndMap;
  Str(out, "admin_token_file", d.admin_token_file);
  out << YAML::Key << "log" << YAML::Value << YAML::BeginMap;
  Raw(out, "level", std::string(ConfigName(d.log.level)));
  Raw(out, "format", std::string(ConfigName(d.log.format)));
  out << YAML::EndMap;
  Raw(out, "training_threads", d.training_threads);
  Raw(out, "shutdown_timeout", FormatDuration(d.shutdown_timeout));
  out << YAML::EndMap;
}

void WriteKafka(YAML::Emitter& out, const KafkaConfig& k, bool redact) {
  out << YAML::Key << "kafka" << YAML::Value << YAML::BeginMap;
  Str(out, "bootstrap_servers", k.bootstrap_servers);
  Str(out, "group_id", k.group_id);
  Str(out, "dead_letter_topic", k.dead_letter_topic);
  out << YAML::Key << "properties" << YAML::Value;
  if (k.properties.empty()) {
    out << YAML::Flow;
  }
  out << YAML::BeginMap;
  for (const auto& [key, value] : k.properties) {
    Str(out, key, redact && IsSecretProperty(key) ? std::string("<redacted>") : value);
  }
  out << YAML::EndMap << YAML::EndMap;
}

void WriteFeature(YAML::Emitter& out, const FeatureConfig& f) {
  out << YAML::Flow << YAML::BeginMap;
  Str(out, "name", f.name);
  Raw(out, "kind", std::string(ConfigName(f.kind)));
  // buckets and embedding_dim are accepted only for categorical features.
  if (f.kind == FeatureConfig::Kind::kCategorical) {
    Raw(out, "buckets", f.buckets);
    Raw(out, "embedding_dim", f.embedding_dim);
  }
  NumberMap(out, "costs", f.costs);
  out << YAML::EndMap;
}

void WritePipeline(YAML::Emitter& out, const PipelineConfig& p) {
  out << YAML::BeginMap;
  Str(out, "name", p.name);
  Str(out, "topic", p.topic);
  Raw(out, "format", std::string(ConfigName(p.format)));
  if (p.format == PipelineConfig::Format::kCsv) {
    out << YAML::Key << "csv" << YAML::Value << YAML::BeginMap;
    StringList(out, "header", p.csv.header);
    Str(out, "delimiter", std::string(1, p.csv.delimiter));
    out << YAML::EndMap;
  }
  out << YAML::Key << "label" << YAML::Value << YAML::Flow << YAML::BeginMap;
  Str(out, "field", p.label.field);
  Raw(out, "task", std::string(ConfigName(p.label.task)));
  out << YAML::EndMap;
  Raw(out, "discovery", p.discovery);
  if (!p.discovery) {
    out << YAML::Key << "features" << YAML::Value << YAML::BeginSeq;
    for (const FeatureConfig& f : p.features) WriteFeature(out, f);
    out << YAML::EndSeq;
  }

  const SelectorConfig& s = p.selector;
  out << YAML::Key << "selector" << YAML::Value << YAML::BeginMap;
  Raw(out, "algorithm", std::string(ConfigName(s.algorithm)));
  Raw(out, "k", s.k);
  out << YAML::Key << "hidden_units" << YAML::Value << YAML::Flow << s.hidden_units;
  Raw(out, "steps_per_round", s.steps_per_round);
  Raw(out, "warmup_fraction", Number(s.warmup_fraction));
  Raw(out, "learning_rate", Number(s.learning_rate));
  Raw(out, "batch_size", s.batch_size);
  Raw(out, "seed", s.seed);
  Raw(out, "features_per_round", s.features_per_round);
  Raw(out, "cost_exponent", Number(s.cost_exponent));
  out << YAML::EndMap;

  const ConstraintsConfig& c = p.constraints;
  out << YAML::Key << "constraints" << YAML::Value << YAML::BeginMap;
  Raw(out, "max_features", c.max_features);
  NumberMap(out, "budgets", c.budgets);
  StringList(out, "must_include", c.must_include);
  StringList(out, "exclude", c.exclude);
  out << YAML::EndMap;

  out << YAML::Key << "window" << YAML::Value << YAML::BeginMap;
  Raw(out, "size", p.window.size);
  Raw(out, "mode", std::string(ConfigName(p.window.mode)));
  Raw(out, "validation_fraction", Number(p.window.validation_fraction));
  out << YAML::EndMap;

  out << YAML::Key << "schedule" << YAML::Value << YAML::BeginMap;
  Raw(out, "every_records", p.schedule.every_records);
  Raw(out, "every", FormatDuration(p.schedule.every));
  out << YAML::Key << "drift" << YAML::Value << YAML::Flow << YAML::BeginMap;
  Raw(out, "psi_threshold", Number(p.schedule.drift.psi_threshold));
  out << YAML::EndMap;
  Raw(out, "min_records", p.schedule.min_records);
  out << YAML::EndMap;

  out << YAML::Key << "promotion" << YAML::Value << YAML::BeginMap;
  Raw(out, "max_regression", Number(p.promotion.max_regression));
  Raw(out, "auto_promote", p.promotion.auto_promote);
  out << YAML::EndMap;

  out << YAML::Key << "publish" << YAML::Value << YAML::BeginMap;
  Str(out, "topic", p.publish.topic);
  out << YAML::EndMap;
  out << YAML::EndMap;
}

}  // namespace

bool IsSecretProperty(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  constexpr std::array<std::string_view, 5> kMarkers = {"password", "secret", "token",
                                                        "key.pem", "credentials"};
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

std::string FormatConfig(const Config& config, const FormatConfigOptions& options) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginMap;
  WriteDaemon(out, config.daemon);
  WriteKafka(out, config.kafka, options.redact_secrets);
  out << YAML::Key << "pipelines" << YAML::Value;
  if (config.pipelines.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const PipelineConfig& p : config.pipelines) WritePipeline(out, p);
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace sieve
