#include "config/config_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "config/enum_names.h"
#include "config/units.h"
#include "config/yaml_reader.h"

namespace sieve {
namespace {

using config_internal::BoolValue;
using config_internal::ByteSizeValue;
using config_internal::Describe;
using config_internal::DurationValue;
using config_internal::EnumValue;
using config_internal::Index;
using config_internal::IntValue;
using config_internal::MapReader;
using config_internal::NameValue;
using config_internal::NumberValue;
using config_internal::ParseContext;
using config_internal::ParseInt;
using config_internal::Quote;
using config_internal::ReadResourceMap;
using config_internal::ReadStringList;
using config_internal::StringValue;
using config_internal::UInt64Value;

// ---------------------------------------------------------------------------------------
// Sections

// Keys that are easy to put in the wrong section, and where they belong: a hint for
// MapReader's unknown-key errors.
MapReader::UnknownKeyHint BelongsIn(
    std::initializer_list<std::pair<std::string_view, std::string_view>> moves) {
  std::vector<std::pair<std::string_view, std::string_view>> table(moves);
  return [table](std::string_view key) -> std::string {
    for (const auto& [name, where] : table) {
      if (name == key) return " (it belongs in " + std::string(where) + ")";
    }
    return "";
  };
}

bool ValidListenAddress(const std::string& s, std::string* why) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    *why = "expected host:port (e.g. 127.0.0.1:9464), got " + Quote(s);
    return false;
  }
  const std::string host = s.substr(0, colon);
  if (host.front() == '[' ? host.back() != ']' : host.find(':') != std::string::npos) {
    *why = "IPv6 hosts need brackets, e.g. [::1]:9464, got " + Quote(s);
    return false;
  }
  int64_t port = -1;
  if (!ParseInt(s.substr(colon + 1), &port) || port < 0 || port > 65535) {
    *why = "port must be a number between 0 and 65535, got " + Quote(s);
    return false;
  }
  return true;
}

void ParseDaemon(ParseContext& ctx, const YAML::Node& node, DaemonConfig* d) {
  MapReader m(
      ctx, node, "daemon",
      {"data_dir", "http", "admin_token_file", "log", "training_threads", "shutdown_timeout"},
      BelongsIn({{"listen", "daemon.http"},
                 {"max_body_bytes", "daemon.http"},
                 {"level", "daemon.log"},
                 {"format", "daemon.log"}}));
  m.Read("data_dir", &d->data_dir, StringValue());
  if (const YAML::Node* http = m.Get("http")) {
    MapReader h(ctx, *http, m.Child("http"), {"listen", "max_body_bytes"});
    h.Read("listen", &d->http.listen, [](const YAML::Node& n, std::string* out, std::string* why) {
      return StringValue()(n, out, why) && ValidListenAddress(*out, why);
    });
    h.Read("max_body_bytes", &d->http.max_body_bytes, ByteSizeValue(1));
  }
  m.Read("admin_token_file", &d->admin_token_file, StringValue(/*allow_empty=*/true));
  if (const YAML::Node* log = m.Get("log")) {
    MapReader l(ctx, *log, m.Child("log"), {"level", "format"});
    l.Read("level", &d->log.level, EnumValue(config_internal::kLogLevels));
    l.Read("format", &d->log.format, EnumValue(config_internal::kLogFormats));
  }
  int64_t threads = d->training_threads;
  if (m.Read("training_threads", &threads, IntValue(1, 1024))) {
    d->training_threads = static_cast<int>(threads);
  }
  m.Read("shutdown_timeout", &d->shutdown_timeout, DurationValue(/*allow_zero=*/false));
}

// librdkafka settings that sieve owns; letting a file override them would break
// at-least-once delivery or contradict the dedicated keys.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kReservedProperties = {{
    {"bootstrap.servers", "use kafka.bootstrap_servers"},
    {"group.id", "use kafka.group_id"},
    {"enable.auto.offset.store", "sieve stores offsets itself once records are durable"},
}};

void ParseKafka(ParseContext& ctx, const YAML::Node& node, KafkaConfig* k) {
  MapReader m(ctx, node, "kafka",
              {"bootstrap_servers", "group_id", "dead_letter_topic", "properties"},
              [](std::string_view key) -> std::string {
                return key.find('.') == std::string_view::npos
                           ? ""
                           : " (librdkafka settings belong in kafka.properties)";
              });
  m.Require("bootstrap_servers", &k->bootstrap_servers,
            [](const YAML::Node& n, std::string* out, std::string* why) {
              if (!StringValue()(n, out, why)) return false;
              std::stringstream list(*out);
              std::string server;
              while (std::getline(list, server, ',')) {
                if (server.empty() || server.find_first_of(" \t") != std::string::npos) {
                  *why =
                      "expected 'embedded' or a comma-separated host:port list, got " + Quote(*out);
                  return false;
                }
              }
              return true;
            });
  m.Read("group_id", &k->group_id, StringValue());
  m.Read("dead_letter_topic", &k->dead_letter_topic, NameValue(249, /*allow_empty=*/true));
  if (const YAML::Node* props = m.Get("properties")) {
    MapReader p = MapReader::AnyKeys(ctx, *props, m.Child("properties"));
    for (const MapReader::Entry& e : p.entries()) {
      bool reserved = false;
      for (const auto& [name, hint] : kReservedProperties) {
        if (e.key == name) {
          ctx.Error(p.Child(e.key),
                    "cannot be set in kafka.properties (" + std::string(hint) + ")");
          reserved = true;
        }
      }
      if (reserved) continue;
      std::string value;
      std::string why;
      if (!StringValue(/*allow_empty=*/true)(e.value, &value, &why)) {
        ctx.Error(p.Child(e.key), why);
        continue;
      }
      k->properties[e.key] = value;
    }
  }
}

void ParseFeature(ParseContext& ctx, const YAML::Node& node, const std::string& path,
                  FeatureConfig* f) {
  ctx.Remember(path, node.Mark());
  if (node.IsScalar()) {  // "- price": a numeric feature without costs
    std::string why;
    if (!StringValue()(node, &f->name, &why)) ctx.Error(path, why);
    return;
  }
  MapReader m(ctx, node, path, {"name", "kind", "buckets", "embedding_dim", "costs"});
  if (!m.is_map()) return;
  if (node.IsNull()) {
    ctx.Error(path, "expected a feature name or a map with a name");
    return;
  }
  m.Require("name", &f->name, StringValue());
  m.Read("kind", &f->kind, EnumValue(config_internal::kFeatureKinds));
  for (std::string_view key : {"buckets", "embedding_dim"}) {
    if (m.Get(key) != nullptr && f->kind != FeatureConfig::Kind::kCategorical) {
      ctx.Error(m.Child(key), "applies only to categorical features (set kind: categorical)");
    }
  }
  m.Read("buckets", &f->buckets, IntValue(1));
  m.Read("embedding_dim", &f->embedding_dim, IntValue(1, 4096));
  if (const YAML::Node* costs = m.Get("costs")) {
    ReadResourceMap(ctx, *costs, m.Child("costs"), &f->costs);
  }
}

void ParseSelector(ParseContext& ctx, const YAML::Node& node, const std::string& path,
                   SelectorConfig* s) {
  MapReader m(ctx, node, path,
              {"algorithm", "k", "hidden_units", "steps_per_round", "warmup_fraction",
               "learning_rate", "batch_size", "seed", "features_per_round", "cost_exponent"},
              BelongsIn({{"max_features", "constraints"},
                         {"budgets", "constraints"},
                         {"must_include", "constraints"},
                         {"exclude", "constraints"}}));
  m.Read("algorithm", &s->algorithm, EnumValue(config_internal::kAlgorithms));
  m.Read("k", &s->k, IntValue(0));
  if (const YAML::Node* hidden = m.Get("hidden_units")) {
    const std::string hpath = m.Child("hidden_units");
    if (hidden->IsScalar()) {  // "hidden_units: 64" is one layer
      std::vector<int64_t> one(1);
      m.Read("hidden_units", &one[0], IntValue(1, 1 << 16));
      s->hidden_units = one;
    } else if (hidden->IsSequence() || hidden->IsNull()) {
      std::vector<int64_t> layers;
      for (size_t i = 0; hidden->IsSequence() && i < hidden->size(); ++i) {
        const std::string item = Index(hpath, i);
        ctx.Remember(item, (*hidden)[i].Mark());
        int64_t width = 0;
        std::string why;
        if (IntValue(1, 1 << 16)((*hidden)[i], &width, &why)) {
          layers.push_back(width);
        } else {
          ctx.Error(item, why);
        }
      }
      s->hidden_units = layers;
    } else {
      ctx.Error(hpath, "expected a list of layer widths, got " + Describe(*hidden));
    }
  }
  m.Read("steps_per_round", &s->steps_per_round, IntValue(0));
  m.Read("warmup_fraction", &s->warmup_fraction,
         NumberValue({.min = 0, .max = 1, .max_exclusive = true}));
  m.Read("learning_rate", &s->learning_rate,
         NumberValue({.min = 0, .max = 10, .min_exclusive = true}));
  m.Read("batch_size", &s->batch_size, IntValue(1));
  m.Read("seed", &s->seed, UInt64Value());
  m.Read("features_per_round", &s->features_per_round, IntValue(1));
  m.Read("cost_exponent", &s->cost_exponent, NumberValue({.min = 0, .max = 10}));
}

void ParseConstraints(ParseContext& ctx, const YAML::Node& node, const std::string& path,
                      ConstraintsConfig* c) {
  MapReader m(ctx, node, path, {"max_features", "budgets", "must_include", "exclude"},
              BelongsIn({{"k", "selector"}, {"costs", "each feature"}}));
  m.Read("max_features", &c->max_features, IntValue(0));
  if (const YAML::Node* b = m.Get("budgets")) {
    ReadResourceMap(ctx, *b, m.Child("budgets"), &c->budgets);
  }
  if (const YAML::Node* inc = m.Get("must_include")) {
    ReadStringList(ctx, *inc, m.Child("must_include"), &c->must_include);
  }
  if (const YAML::Node* exc = m.Get("exclude")) {
    ReadStringList(ctx, *exc, m.Child("exclude"), &c->exclude);
  }
}

void ParseWindow(ParseContext& ctx, const YAML::Node& node, const std::string& path,
                 WindowConfig* w) {
  MapReader m(ctx, node, path, {"size", "mode", "validation_fraction"});
  m.Read("size", &w->size, IntValue(1));
  m.Read("mode", &w->mode, EnumValue(config_internal::kWindowModes));
  m.Read("validation_fraction", &w->validation_fraction,
         NumberValue({.min = 0, .max = 1, .min_exclusive = true, .max_exclusive = true}));
}

void ParseSchedule(ParseContext& ctx, const YAML::Node& node, const std::string& path,
                   ScheduleConfig* s) {
  MapReader m(ctx, node, path, {"every_records", "every", "drift", "min_records"});
  m.Read("every_records", &s->every_records, IntValue(0));
  m.Read("every", &s->every, DurationValue(/*allow_zero=*/true));
  if (const YAML::Node* drift = m.Get("drift")) {
    MapReader d(ctx, *drift, m.Child("drift"), {"psi_threshold"});
    d.Read("psi_threshold", &s->drift.psi_threshold, NumberValue());
  }
  m.Read("min_records", &s->min_records, IntValue(1));
}

void ParsePromotion(ParseContext& ctx, const YAML::Node& node, const std::string& path,
                    PromotionConfig* p) {
  MapReader m(ctx, node, path, {"max_regression", "auto_promote"});
  m.Read("max_regression", &p->max_regression, NumberValue());
  m.Read("auto_promote", &p->auto_promote, BoolValue());
}

// Checks between the sections of one pipeline, after each section parsed on its own.
void CheckPipeline(ParseContext& ctx, const std::string& path, const PipelineConfig& p,
                   bool features_given) {
  auto child = [&](std::string_view rest) { return path + "." + std::string(rest); };
  auto failed = [&](std::initializer_list<std::string_view> keys) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](std::string_view k) { return ctx.Failed(child(k)); });
  };
  const ConstraintsConfig& c = p.constraints;

  std::map<std::string, const FeatureConfig*> declared;
  for (size_t i = 0; i < p.features.size(); ++i) {
    const FeatureConfig& f = p.features[i];
    const std::string fpath = Index(child("features"), i);
    if (f.name.empty()) continue;  // already reported
    if (!declared.emplace(f.name, &f).second) {
      ctx.Error(fpath + ".name", "duplicate feature name " + Quote(f.name));
    }
    if (!p.label.field.empty() && f.name == p.label.field) {
      ctx.Error(fpath + ".name", Quote(f.name) + " is the label field and cannot be a feature");
    }
  }

  if (p.format == PipelineConfig::Format::kCsv && !p.csv.header.empty()) {
    const std::set<std::string> columns(p.csv.header.begin(), p.csv.header.end());
    for (size_t i = 0; i < p.features.size(); ++i) {
      const std::string& name = p.features[i].name;
      if (!name.empty() && !columns.contains(name)) {
        ctx.Error(Index(child("features"), i) + ".name",
                  Quote(name) + " is not a column of csv.header");
      }
    }
    if (!p.label.field.empty() && !columns.contains(p.label.field)) {
      ctx.Error(child("label.field"), Quote(p.label.field) + " is not a column of csv.header");
    }
  }

  // must_include and exclude name declared features and do not overlap.
  const std::set<std::string> excluded(c.exclude.begin(), c.exclude.end());
  auto check_names = [&](const std::vector<std::string>& names, std::string_view key) {
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string item = Index(child(std::string("constraints.") + std::string(key)), i);
      if (names[i] == p.label.field) {
        ctx.Error(item, Quote(names[i]) + " is the label field, not a feature");
      } else if (!p.discovery && features_given && !declared.contains(names[i])) {
        ctx.Error(item, "unknown feature " + Quote(names[i]) + " (not in features)");
      } else if (key == "must_include" && excluded.contains(names[i])) {
        ctx.Error(item, Quote(names[i]) + " is also listed in constraints.exclude");
      }
    }
  };
  check_names(c.must_include, "must_include");
  check_names(c.exclude, "exclude");

  if (!p.discovery && features_given) {
    // A budget on a resource no feature costs anything in is almost always a typo.
    for (const auto& [resource, limit] : c.budgets) {
      if (failed({"features"})) break;
      const bool costed = std::any_of(p.features.begin(), p.features.end(),
                                      [&](const auto& f) { return f.costs.contains(resource); });
      if (!costed) {
        ctx.Error(child("constraints.budgets." + resource),
                  "no feature declares a cost for " + Quote(resource));
      }
    }
    // The forced features alone must fit every budget.
    for (const auto& [resource, limit] : c.budgets) {
      if (failed({"features", "constraints.must_include"})) break;
      double used = 0;
      for (const std::string& name : c.must_include) {
        auto it = declared.find(name);
        if (it == declared.end()) continue;
        auto cost = it->second->costs.find(resource);
        if (cost != it->second->costs.end()) used += cost->second;
      }
      if (used > limit) {
        std::ostringstream text;
        text << "the must_include features alone cost " << used << ", above this budget of "
             << limit;
        ctx.Error(child("constraints.budgets." + resource), text.str());
      }
    }
    const int64_t candidates =
        static_cast<int64_t>(declared.size() - std::count_if(excluded.begin(), excluded.end(),
                                                             [&](const std::string& n) {
                                                               return declared.contains(n);
                                                             }));
    if (p.selector.k > candidates && !failed({"features", "constraints.exclude"})) {
      ctx.Error(child("selector.k"), "asks for " + std::to_string(p.selector.k) +
                                         " features but only " + std::to_string(candidates) +
                                         " are candidates");
    }
  }

  const int64_t forced = static_cast<int64_t>(c.must_include.size());
  const bool forced_known = !failed({"constraints.must_include"});
  if (c.max_features > 0 && forced > c.max_features && forced_known) {
    ctx.Error(child("constraints.max_features"),
              std::to_string(forced) + " features are in must_include, more than max_features " +
                  std::to_string(c.max_features));
  }
  if (p.selector.k > 0 && c.max_features > 0 && p.selector.k > c.max_features) {
    ctx.Error(child("selector.k"), "is " + std::to_string(p.selector.k) +
                                       ", above constraints.max_features " +
                                       std::to_string(c.max_features));
  }
  if (p.selector.k > 0 && forced > p.selector.k && forced_known) {
    ctx.Error(child("selector.k"), "is " + std::to_string(p.selector.k) + " but " +
                                       std::to_string(forced) + " features are in must_include");
  }
  if (p.selector.k == 0 && c.max_features == 0 && c.budgets.empty() &&
      !failed({"selector", "constraints"})) {
    ctx.Error(child("selector.k"),
              "nothing limits the selection: set selector.k, constraints.max_features or a "
              "budget in constraints.budgets");
  }
  if (p.schedule.min_records > p.window.size && !failed({"schedule.min_records", "window.size"})) {
    ctx.Error(child("schedule.min_records"),
              "is " + std::to_string(p.schedule.min_records) + ", above window.size " +
                  std::to_string(p.window.size) + ", so training would never start");
  }
}

void ParsePipeline(ParseContext& ctx, const YAML::Node& node, const std::string& path,
                   PipelineConfig* p) {
  MapReader m(ctx, node, path,
              {"name", "topic", "format", "csv", "label", "features", "discovery", "selector",
               "constraints", "window", "schedule", "promotion", "publish"},
              BelongsIn({{"algorithm", "selector"},
                         {"k", "selector"},
                         {"seed", "selector"},
                         {"hidden_units", "selector"},
                         {"learning_rate", "selector"},
                         {"batch_size", "selector"},
                         {"max_features", "constraints"},
                         {"budgets", "constraints"},
                         {"must_include", "constraints"},
                         {"exclude", "constraints"},
                         {"every", "schedule"},
                         {"every_records", "schedule"},
                         {"min_records", "schedule"},
                         {"drift", "schedule"},
                         {"window_size", "window (as size)"},
                         {"validation_fraction", "window"},
                         {"max_regression", "promotion"},
                         {"auto_promote", "promotion"},
                         {"publish_topic", "publish (as topic)"},
                         {"header", "csv"},
                         {"delimiter", "csv"},
                         {"task", "label"}}));
  if (!m.is_map()) return;
  if (node.IsNull()) {
    ctx.Error(path, "empty pipeline: name, topic, label and features are required");
    return;
  }
  m.Require("name", &p->name, NameValue(128));
  m.Require("topic", &p->topic, NameValue(249));
  m.Read("format", &p->format, EnumValue(config_internal::kFormats));

  const YAML::Node* csv = m.Get("csv");
  if (csv != nullptr) {
    MapReader c(ctx, *csv, m.Child("csv"), {"header", "delimiter"});
    if (const YAML::Node* header = c.Get("header")) {
      ReadStringList(ctx, *header, c.Child("header"), &p->csv.header);
    }
    c.Read("delimiter", &p->csv.delimiter, [](const YAML::Node& n, char* out, std::string* why) {
      if (!n.IsScalar() || n.Scalar().size() != 1) {
        *why = "expected a single character, got " + Describe(n);
        return false;
      }
      *out = n.Scalar()[0];
      return true;
    });
  }
  if (p->format == PipelineConfig::Format::kCsv && p->csv.header.empty()) {
    ctx.Error(m.Child("csv.header"), "required when format is csv (the column names, in order)");
  }
  if (p->format != PipelineConfig::Format::kCsv && csv != nullptr) {
    ctx.Error(m.Child("csv"), "applies only to format: csv");
  }

  if (const YAML::Node* label = m.Get("label")) {
    MapReader l(ctx, *label, m.Child("label"), {"field", "task"});
    l.Require("field", &p->label.field, StringValue());
    l.Read("task", &p->label.task, EnumValue(config_internal::kTasks));
  } else {
    ctx.Error(m.Child("label"), "required key is missing (label: {field: ..., task: ...})");
  }

  m.Read("discovery", &p->discovery, BoolValue());
  const YAML::Node* features = m.Get("features");
  if (features != nullptr) {
    const std::string fpath = m.Child("features");
    if (p->discovery) {
      ctx.Error(fpath, "give either a features list or discovery: true, not both");
    } else if (!features->IsSequence()) {
      ctx.Error(fpath, "expected a list of features, got " + Describe(*features));
    } else if (features->size() == 0) {
      ctx.Error(fpath, "must list at least one feature");
    } else {
      p->features.resize(features->size());
      for (size_t i = 0; i < features->size(); ++i) {
        ParseFeature(ctx, (*features)[i], Index(fpath, i), &p->features[i]);
      }
    }
  } else if (!p->discovery) {
    ctx.Error(m.Child("features"),
              "required key is missing (list the candidate features or set discovery: true)");
  }

  if (const YAML::Node* n = m.Get("selector")) {
    ParseSelector(ctx, *n, m.Child("selector"), &p->selector);
  }
  if (const YAML::Node* n = m.Get("constraints")) {
    ParseConstraints(ctx, *n, m.Child("constraints"), &p->constraints);
  }
  if (const YAML::Node* n = m.Get("window")) {
    ParseWindow(ctx, *n, m.Child("window"), &p->window);
  }
  if (const YAML::Node* n = m.Get("schedule")) {
    ParseSchedule(ctx, *n, m.Child("schedule"), &p->schedule);
  }
  if (const YAML::Node* n = m.Get("promotion")) {
    ParsePromotion(ctx, *n, m.Child("promotion"), &p->promotion);
  }
  if (const YAML::Node* n = m.Get("publish")) {
    MapReader pub(ctx, *n, m.Child("publish"), {"topic"});
    pub.Read("topic", &p->publish.topic, NameValue(249, /*allow_empty=*/true));
  }

  CheckPipeline(ctx, path, *p, features != nullptr && !p->discovery);
}

void ParsePipelines(ParseContext& ctx, const YAML::Node& node, std::vector<PipelineConfig>* out) {
  const std::string path = "pipelines";
  ctx.Remember(path, node.Mark());
  if (node.IsNull()) return;
  if (!node.IsSequence()) {
    ctx.Error(path, "expected a list of pipelines, got " + Describe(node));
    return;
  }
  std::map<std::string, int> first_line;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item = Index(path, i);
    ctx.Remember(item, node[i].Mark());
    PipelineConfig p;
    ParsePipeline(ctx, node[i], item, &p);
    if (!p.name.empty()) {
      const int line = ctx.MarkOf(item + ".name").line + 1;
      auto [seen, inserted] = first_line.emplace(p.name, line);
      if (!inserted) {
        ctx.Error(item + ".name", "duplicate pipeline name " + Quote(p.name) +
                                      " (first used on line " + std::to_string(seen->second) + ")");
      }
    }
    out->push_back(std::move(p));
  }
}

// Output topics must not be input topics: sieve would consume its own output.
void CheckTopics(ParseContext& ctx, const Config& config) {
  std::map<std::string, std::string> readers;  // input topic -> first pipeline reading it
  for (const PipelineConfig& p : config.pipelines) {
    if (!p.topic.empty()) readers.emplace(p.topic, p.name);
  }
  const std::string& dead_letter = config.kafka.dead_letter_topic;
  if (auto it = readers.find(dead_letter); !dead_letter.empty() && it != readers.end()) {
    ctx.Error("kafka.dead_letter_topic", "is the input topic of pipeline " + Quote(it->second) +
                                             "; bad records would be consumed again");
  }
  for (size_t i = 0; i < config.pipelines.size(); ++i) {
    const std::string& out = config.pipelines[i].publish.topic;
    if (out.empty()) continue;
    const std::string path = Index("pipelines", i) + ".publish.topic";
    if (auto it = readers.find(out); it != readers.end()) {
      ctx.Error(path, "is the input topic of pipeline " + Quote(it->second) +
                          "; feature sets would be read back as records");
    } else if (out == dead_letter) {
      ctx.Error(path, "is also kafka.dead_letter_topic");
    }
  }
}

// Records where the second document of a stream starts, ignoring all other events.
class SecondDocumentFinder : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) second_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  const std::optional<YAML::Mark>& second() const { return second_; }

 private:
  int documents_ = 0;
  std::optional<YAML::Mark> second_;
};

// The start of the second YAML document in `text`, if there is one. YAML::LoadAll is
// not used: in yaml-cpp 0.7 it loops forever, allocating, on some malformed input (a
// line starting with ','); this loop over the event parser stops after two documents.
std::optional<YAML::Mark> SecondDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  SecondDocumentFinder finder;
  for (int i = 0; i < 2 && parser.HandleNextDocument(finder); ++i) {
  }
  return finder.second();
}

void ParseRoot(ParseContext& ctx, const YAML::Node& root, Config* config) {
  ctx.Remember("", root.Mark());
  if (root.IsNull() || !root.IsDefined()) {
    ctx.Error("", "the config is empty (expected the keys daemon, kafka and pipelines)");
    return;
  }
  MapReader m(ctx, root, "", {"daemon", "kafka", "pipelines"},
              BelongsIn({{"bootstrap_servers", "kafka"},
                         {"group_id", "kafka"},
                         {"data_dir", "daemon"},
                         {"http", "daemon"},
                         {"log", "daemon"},
                         {"pipeline", "pipelines (a list)"}}));
  if (!m.is_map()) return;
  if (const YAML::Node* n = m.Get("daemon")) ParseDaemon(ctx, *n, &config->daemon);
  if (const YAML::Node* n = m.Get("kafka")) {
    ParseKafka(ctx, *n, &config->kafka);
  } else {
    ctx.Error("kafka", "required key is missing (kafka: {bootstrap_servers: ...})");
  }
  if (const YAML::Node* n = m.Get("pipelines")) ParsePipelines(ctx, *n, &config->pipelines);
  CheckTopics(ctx, *config);
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view source_name) {
  ParseContext ctx{std::string(source_name)};
  Config config;
  try {
    const std::string input(text);
    if (std::optional<YAML::Mark> second = SecondDocument(input)) {
      ctx.ErrorAt(*second, "", "only one YAML document is allowed (a second one starts here)");
    }
    ParseRoot(ctx, YAML::Load(input), &config);
  } catch (const YAML::Exception& e) {
    // Syntax errors (and anything else yaml-cpp throws) keep yaml-cpp's own message.
    ctx.ErrorAt(e.mark, "", "YAML error: " + e.msg);
  }
  if (!ctx.ok()) return Err(ctx.ToStatus());
  return config;
}

Result<Config> LoadConfig(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Err(Status::IoError("cannot read config " + path.string() + ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string message = "cannot read config " + path.string() + ": " + std::strerror(err);
    if (err == ENOENT) return Err(Status::NotFound(message));
    return Err(Status::IoError(message));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return Err(Status::IoError("cannot read config " + path.string() + ": read failed"));
  }
  return ParseConfig(text.str(), path.string());
}

}  // namespace sieve
