#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// A small valid config; tests append to or edit it.
constexpr const char* kMinimal = R"(kafka:
  bootstrap_servers: embedded
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features: [a, b]
    selector: {k: 1}
)";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The error lines of a config that must fail to parse.
std::vector<std::string> Errors(const std::string& yaml) {
  Result<Config> r = ParseConfig(yaml, "test.yaml");
  EXPECT_FALSE(r.has_value()) << "expected errors for:\n" << yaml;
  if (r.has_value()) return {};
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  return Lines(r.error().message());
}

TEST(ParseConfigTest, MinimalConfigGetsDocumentedDefaults) {
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(kMinimal, "test.yaml"));
  EXPECT_EQ(c.daemon.data_dir, "/var/lib/sieve");
  EXPECT_EQ(c.daemon.http.listen, "127.0.0.1:9464");
  EXPECT_EQ(c.daemon.http.max_body_bytes, 1 << 20);
  EXPECT_EQ(c.daemon.admin_token_file, "");
  EXPECT_EQ(c.daemon.log.level, LogConfig::Level::kInfo);
  EXPECT_EQ(c.daemon.log.format, LogConfig::Format::kText);
  EXPECT_EQ(c.daemon.training_threads, 1);
  EXPECT_EQ(c.daemon.shutdown_timeout, 20s);
  EXPECT_TRUE(c.kafka.embedded());
  EXPECT_EQ(c.kafka.group_id, "sieve");
  EXPECT_EQ(c.kafka.dead_letter_topic, "sieve-dead-letter");
  EXPECT_TRUE(c.kafka.properties.empty());

  ASSERT_THAT(c.pipelines, SizeIs(1));
  const PipelineConfig& p = c.pipelines[0];
  EXPECT_EQ(p.name, "p");
  EXPECT_EQ(p.topic, "t");
  EXPECT_EQ(p.format, PipelineConfig::Format::kJson);
  EXPECT_EQ(p.label.field, "y");
  EXPECT_EQ(p.label.task, LabelConfig::Task::kAuto);
  ASSERT_THAT(p.features, SizeIs(2));
  EXPECT_EQ(p.features[0].name, "a");
  EXPECT_EQ(p.features[0].kind, FeatureConfig::Kind::kNumeric);
  EXPECT_TRUE(p.features[0].costs.empty());
  EXPECT_FALSE(p.discovery);
  EXPECT_EQ(p.selector.algorithm, SelectorConfig::Algorithm::kSequentialAttention);
  EXPECT_EQ(p.selector.k, 1);
  EXPECT_THAT(p.selector.hidden_units, ElementsAre(64));
  EXPECT_EQ(p.selector.steps_per_round, 0);
  EXPECT_DOUBLE_EQ(p.selector.warmup_fraction, 0.1);
  EXPECT_DOUBLE_EQ(p.selector.learning_rate, 2e-3);
  EXPECT_EQ(p.selector.batch_size, 256);
  EXPECT_EQ(p.selector.seed, 1u);
  EXPECT_EQ(p.selector.features_per_round, 1);
  EXPECT_DOUBLE_EQ(p.selector.cost_exponent, 1.0);
  EXPECT_EQ(p.constraints.max_features, 0);
  EXPECT_TRUE(p.constraints.budgets.empty());
  EXPECT_EQ(p.window.size, 100000);
  EXPECT_EQ(p.window.mode, WindowConfig::Mode::kSliding);
  EXPECT_DOUBLE_EQ(p.window.validation_fraction, 0.2);
  EXPECT_EQ(p.schedule.every_records, 0);
  EXPECT_EQ(p.schedule.every, 1h);
  EXPECT_DOUBLE_EQ(p.schedule.drift.psi_threshold, 0);
  EXPECT_EQ(p.schedule.min_records, 1000);
  EXPECT_DOUBLE_EQ(p.promotion.max_regression, 0.01);
  EXPECT_TRUE(p.promotion.auto_promote);
  EXPECT_EQ(p.publish.topic, "");
  EXPECT_EQ(c.FindPipeline("p"), &c.pipelines[0]);
  EXPECT_EQ(c.FindPipeline("q"), nullptr);
}

TEST(ParseConfigTest, ReadsEveryField) {
  const std::string yaml = R"(daemon:
  data_dir: /data
  http: {listen: "[::1]:0", max_body_bytes: 64KiB}
  admin_token_file: /etc/token
  log: {level: debug, format: json}
  training_threads: 3
  shutdown_timeout: 1m30s
kafka:
  bootstrap_servers: b1:9092,b2:9092
  group_id: g
  dead_letter_topic: ""
pipelines:
  - name: full.pipe-1
    topic: in
    format: csv
    csv: {header: [x, c, y], delimiter: ";"}
    label: {field: y, task: regression}
    features:
      - {name: x, costs: {latency_us: 1.5ms, memory_bytes: 1KiB, flops: 2e6}}
      - {name: c, kind: categorical, buckets: 100, embedding_dim: 3}
    selector:
      algorithm: group_lasso
      k: 2
      hidden_units: [16, 8]
      steps_per_round: 10
      warmup_fraction: 0
      learning_rate: 0.05
      batch_size: 32
      seed: 18446744073709551615
      features_per_round: 2
      cost_exponent: 0
    constraints:
      max_features: 2
      budgets: {latency_us: 2000, memory_bytes: 1.5GB, flops: 1e7}
      must_include: [x]
      exclude: []
    window: {size: 500, mode: reservoir, validation_fraction: 0.5}
    schedule: {every_records: 50, every: 0, drift: {psi_threshold: 0.1}, min_records: 500}
    promotion: {max_regression: 0, auto_promote: no}
    publish: {topic: out}
)";
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(yaml, "full.yaml"));
  EXPECT_EQ(c.daemon.data_dir, "/data");
  EXPECT_EQ(c.daemon.http.listen, "[::1]:0");
  EXPECT_EQ(c.daemon.http.max_body_bytes, 65536);
  EXPECT_EQ(c.daemon.admin_token_file, "/etc/token");
  EXPECT_EQ(c.daemon.log.level, LogConfig::Level::kDebug);
  EXPECT_EQ(c.daemon.log.format, LogConfig::Format::kJson);
  EXPECT_EQ(c.daemon.training_threads, 3);
  EXPECT_EQ(c.daemon.shutdown_timeout, 90s);
  EXPECT_FALSE(c.kafka.embedded());
  EXPECT_EQ(c.kafka.bootstrap_servers, "b1:9092,b2:9092");
  EXPECT_EQ(c.kafka.group_id, "g");
  EXPECT_EQ(c.kafka.dead_letter_topic, "");
  const PipelineConfig& p = c.pipelines.at(0);
  EXPECT_EQ(p.name, "full.pipe-1");
  EXPECT_EQ(p.format, PipelineConfig::Format::kCsv);
  EXPECT_THAT(p.csv.header, ElementsAre("x", "c", "y"));
  EXPECT_EQ(p.csv.delimiter, ';');
  EXPECT_EQ(p.label.task, LabelConfig::Task::kRegression);
  EXPECT_DOUBLE_EQ(p.features[0].costs.at("latency_us"), 1500);
  EXPECT_DOUBLE_EQ(p.features[0].costs.at("memory_bytes"), 1024);
  EXPECT_DOUBLE_EQ(p.features[0].costs.at("flops"), 2e6);
  EXPECT_EQ(p.features[1].kind, FeatureConfig::Kind::kCategorical);
  EXPECT_EQ(p.features[1].buckets, 100);
  EXPECT_EQ(p.features[1].embedding_dim, 3);
  EXPECT_EQ(p.selector.algorithm, SelectorConfig::Algorithm::kGroupLasso);
  EXPECT_THAT(p.selector.hidden_units, ElementsAre(16, 8));
  EXPECT_EQ(p.selector.steps_per_round, 10);
  EXPECT_DOUBLE_EQ(p.selector.warmup_fraction, 0);
  EXPECT_DOUBLE_EQ(p.selector.learning_rate, 0.05);
  EXPECT_EQ(p.selector.batch_size, 32);
  EXPECT_EQ(p.selector.seed, 18446744073709551615ULL);
  EXPECT_EQ(p.selector.features_per_round, 2);
  EXPECT_DOUBLE_EQ(p.selector.cost_exponent, 0);
  EXPECT_EQ(p.constraints.max_features, 2);
  EXPECT_DOUBLE_EQ(p.constraints.budgets.at("latency_us"), 2000);
  EXPECT_DOUBLE_EQ(p.constraints.budgets.at("memory_bytes"), 1.5e9);
  EXPECT_THAT(p.constraints.must_include, ElementsAre("x"));
  EXPECT_TRUE(p.constraints.exclude.empty());
  EXPECT_EQ(p.window.size, 500);
  EXPECT_EQ(p.window.mode, WindowConfig::Mode::kReservoir);
  EXPECT_DOUBLE_EQ(p.window.validation_fraction, 0.5);
  EXPECT_EQ(p.schedule.every_records, 50);
  EXPECT_EQ(p.schedule.every, 0s);
  EXPECT_DOUBLE_EQ(p.schedule.drift.psi_threshold, 0.1);
  EXPECT_EQ(p.schedule.min_records, 500);
  EXPECT_DOUBLE_EQ(p.promotion.max_regression, 0);
  EXPECT_FALSE(p.promotion.auto_promote);
  EXPECT_EQ(p.publish.topic, "out");
}

TEST(ParseConfigTest, UnknownKeyNamesPathAndLineColumn) {
  const std::string yaml = std::string(kMinimal) + "    windw: {size: 10}\n";
  EXPECT_THAT(Errors(yaml),
              ElementsAre("test.yaml:9:5: pipelines[0].windw: unknown key 'windw' (did you "
                          "mean 'window'?)"));
  // Without a close match, the error lists the keys that are allowed there.
  EXPECT_THAT(Errors(std::string(kMinimal) + "    retention: 3\n"),
              ElementsAre("test.yaml:9:5: pipelines[0].retention: unknown key 'retention' "
                          "(expected one of: name, topic, format, csv, label, features, "
                          "discovery, selector, constraints, window, schedule, promotion, "
                          "publish)"));
}

TEST(ParseConfigTest, KeysInTheWrongSectionSayWhereTheyBelong) {
  std::string yaml = R"(data_dir: /x
kafka:
  bootstrap_servers: embedded
  security.protocol: SSL
daemon: {listen: "127.0.0.1:1"}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features: [a]
    selector: {k: 1, max_features: 3}
    every: 30s
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre("test.yaml:1:1: data_dir: unknown key 'data_dir' (it belongs in daemon)",
                          "test.yaml:4:3: kafka.security.protocol: unknown key "
                          "'security.protocol' (librdkafka settings belong in kafka.properties)",
                          "test.yaml:5:10: daemon.listen: unknown key 'listen' (it belongs in "
                          "daemon.http)",
                          "test.yaml:11:22: pipelines[0].selector.max_features: unknown key "
                          "'max_features' (it belongs in constraints)",
                          "test.yaml:12:5: pipelines[0].every: unknown key 'every' (it belongs in "
                          "schedule)"));
}

TEST(ParseConfigTest, MisspeltEnumValuesGetASuggestion) {
  std::string yaml =
      std::string(kMinimal) + "    selector: {k: 1, algorithm: sequential_atention}\n";
  yaml.replace(yaml.find("    selector: {k: 1}\n"), 21, "");
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("pipelines[0].selector.algorithm: must be one of "
                                    "sequential_attention, omp, group_lasso, mutual_info, "
                                    "f_test, random, got 'sequential_atention' (did you mean "
                                    "'sequential_attention'?)")));
}

TEST(ParseConfigTest, EveryProblemStaysOnOneLine) {
  const std::string long_value(200, 'x');
  const std::vector<std::string> errors = Errors(
      "\"a\\nb\": 1\nkafka: {bootstrap_servers: embedded, group_id: [" + long_value + "]}\n");
  ASSERT_THAT(errors, SizeIs(2));
  EXPECT_THAT(errors[0], HasSubstr("test.yaml:1:1: a\\nb: unknown key 'a\\nb'"));
  EXPECT_THAT(errors[1], HasSubstr("kafka.group_id: expected a string, got a list"));
  EXPECT_THAT(Errors("kafka: {bootstrap_servers: embedded, group_id: " + long_value + "x}\n" +
                     "daemon: {log: {level: " + long_value + "}}\n"),
              ElementsAre(HasSubstr("got '" + std::string(60, 'x') + "...'")));
}

TEST(ParseConfigTest, MergeKeysGetAnExplanation) {
  std::string yaml = R"(kafka:
  <<: {group_id: x}
  bootstrap_servers: embedded
)";
  EXPECT_THAT(Errors(yaml), ElementsAre("test.yaml:2:3: kafka.<<: unknown key '<<' (YAML merge "
                                        "keys are not supported; repeat the settings instead)"));
}

TEST(ParseConfigTest, UnknownKeysAtEveryLevel) {
  const std::string yaml = R"(daemon:
  http: {port: 1}
  log: {colour: true}
kafka:
  bootstrap_servers: embedded
  brokers: x
extra: 1
pipelines:
  - name: p
    topic: t
    label: {field: y, kind: auto}
    features: [a, {name: b, cost: {x: 1}}]
    selector: {k: 1, epochs: 3}
    schedule: {drift: {threshold: 1}}
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("test.yaml:2:10: daemon.http.port: unknown key 'port'"),
                          HasSubstr("test.yaml:3:9: daemon.log.colour: unknown key"),
                          HasSubstr("test.yaml:6:3: kafka.brokers: unknown key"),
                          HasSubstr("test.yaml:7:1: extra: unknown key 'extra' (expected one "
                                    "of: daemon, kafka, pipelines)"),
                          HasSubstr("test.yaml:11:23: pipelines[0].label.kind: unknown key"),
                          HasSubstr("test.yaml:12:29: pipelines[0].features[1].cost: unknown"),
                          HasSubstr("test.yaml:13:22: pipelines[0].selector.epochs: unknown"),
                          HasSubstr("test.yaml:14:24: pipelines[0].schedule.drift.threshold")));
}

TEST(ParseConfigTest, ReportsSeveralErrorsAtOnceInFileOrder) {
  const std::string yaml = R"(daemon:
  training_threads: -2
  shutdown_timeout: soon
kafka:
  bootstrap_servers: embedded
pipelines:
  - name: one
    topic: t
    format: xml
    label: {field: y}
    features: [a]
    selector: {k: 1}
    window: {size: -5}
  - name: two
    topic: t
    label: {field: y}
    features: [a]
    constraints:
      budgets: {latency_us: -3}
    selector: {k: lots}
)";
  const std::vector<std::string> errors = Errors(yaml);
  EXPECT_THAT(errors,
              ElementsAre("test.yaml:2:21: daemon.training_threads: must be between 1 and "
                          "1024, got -2",
                          HasSubstr("test.yaml:3:21: daemon.shutdown_timeout: invalid duration "
                                    "'soon'"),
                          "test.yaml:9:13: pipelines[0].format: must be one of json, csv, got "
                          "'xml'",
                          "test.yaml:13:20: pipelines[0].window.size: must be at least 1, got -5",
                          "test.yaml:19:29: pipelines[1].constraints.budgets.latency_us: must "
                          "not be negative, got -3",
                          "test.yaml:20:19: pipelines[1].selector.k: expected an integer, got "
                          "'lots'"));
}

TEST(ParseConfigTest, WrongTypesAreNamed) {
  const std::string yaml = R"(daemon: [1, 2]
kafka:
  bootstrap_servers: {a: 1}
  properties: [x]
pipelines:
  name: p
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre("test.yaml:1:9: daemon: expected a map, got a list",
                          "test.yaml:3:22: kafka.bootstrap_servers: expected a string, got a map",
                          "test.yaml:4:15: kafka.properties: expected a map, got a list",
                          "test.yaml:6:3: pipelines: expected a list of pipelines, got a map"));
}

TEST(ParseConfigTest, BudgetsAcceptUnitsMatchingTheResourceName) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features:
      - {name: a, costs: {latency_us: 120, memory_bytes: 2MiB, wait_ms: 1s, gpu_s: 500ms}}
    constraints:
      budgets: {latency_us: 300us, memory_bytes: 64MiB, wait_ms: 2.5s, gpu_s: 1h}
)";
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(yaml, "test.yaml"));
  const auto& budgets = c.pipelines[0].constraints.budgets;
  EXPECT_DOUBLE_EQ(budgets.at("latency_us"), 300);
  EXPECT_DOUBLE_EQ(budgets.at("memory_bytes"), 64.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(budgets.at("wait_ms"), 2500);
  EXPECT_DOUBLE_EQ(budgets.at("gpu_s"), 3600);
  const auto& costs = c.pipelines[0].features[0].costs;
  EXPECT_DOUBLE_EQ(costs.at("memory_bytes"), 2.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(costs.at("wait_ms"), 1000);
  EXPECT_DOUBLE_EQ(costs.at("gpu_s"), 0.5);
}

TEST(ParseConfigTest, BudgetUnitsThatDoNotFitAreErrors) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features:
      - {name: a, costs: {latency_us: 1, memory_bytes: 1, flops: 1}}
    constraints:
      budgets: {latency_us: 64MiB, memory_bytes: 300us, flops: 5k, "bad name": 1}
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("pipelines[0].constraints.budgets.latency_us: invalid "
                                    "duration '64MiB'"),
                          HasSubstr("pipelines[0].constraints.budgets.memory_bytes: invalid "
                                    "byte size '300us'"),
                          HasSubstr("pipelines[0].constraints.budgets.flops: expected a plain "
                                    "number, got '5k'"),
                          HasSubstr("pipelines[0].constraints.budgets.bad name: resource names "
                                    "may contain only")));
}

TEST(ParseConfigTest, DuplicatePipelineNamesAreErrors) {
  std::string yaml = std::string(kMinimal) + R"(  - name: p
    topic: t2
    label: {field: y}
    features: [a]
    selector: {k: 1}
)";
  EXPECT_THAT(Errors(yaml), ElementsAre("test.yaml:9:11: pipelines[1].name: duplicate pipeline "
                                        "name 'p' (first used on line 4)"));
}

TEST(ParseConfigTest, DuplicateKeysAreErrors) {
  std::string yaml = R"(kafka:
  bootstrap_servers: embedded
  group_id: a
  group_id: b
)";
  EXPECT_THAT(Errors(yaml), ElementsAre("test.yaml:4:3: kafka.group_id: duplicate key (first "
                                        "given on line 3)"));
}

TEST(ParseConfigTest, MustIncludeAndExcludeAreChecked) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features: [a, b, c]
    selector: {k: 2}
    constraints:
      must_include: [a, zz, y, a]
      exclude: [a, qq]
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre("test.yaml:9:22: pipelines[0].constraints.must_include[0]: 'a' is also "
                          "listed in constraints.exclude",
                          "test.yaml:9:25: pipelines[0].constraints.must_include[1]: unknown "
                          "feature 'zz' (not in features)",
                          "test.yaml:9:29: pipelines[0].constraints.must_include[2]: 'y' is the "
                          "label field, not a feature",
                          "test.yaml:9:32: pipelines[0].constraints.must_include[3]: 'a' is "
                          "listed twice",
                          "test.yaml:10:20: pipelines[0].constraints.exclude[1]: unknown feature "
                          "'qq' (not in features)"));
}

TEST(ParseConfigTest, InfeasibleConstraintsAreErrors) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features:
      - {name: a, costs: {latency_us: 200}}
      - {name: b, costs: {latency_us: 200}}
      - {name: c, costs: {latency_us: 1}}
    selector: {k: 4}
    constraints:
      max_features: 1
      must_include: [a, b]
      budgets: {latency_us: 300, memroy_bytes: 10}
    window: {size: 100}
    schedule: {min_records: 101}
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("10:19: pipelines[0].selector.k: asks for 4 features but "
                                    "only 3 are candidates"),
                          HasSubstr("10:19: pipelines[0].selector.k: is 4, above "
                                    "constraints.max_features 1"),
                          HasSubstr("12:21: pipelines[0].constraints.max_features: 2 features "
                                    "are in must_include, more than max_features 1"),
                          HasSubstr("14:29: pipelines[0].constraints.budgets.latency_us: the "
                                    "must_include features alone cost 400, above this budget "
                                    "of 300"),
                          HasSubstr("14:48: pipelines[0].constraints.budgets.memroy_bytes: no "
                                    "feature declares a cost for 'memroy_bytes'"),
                          HasSubstr("16:29: pipelines[0].schedule.min_records: is 101, above "
                                    "window.size 100")));
}

TEST(ParseConfigTest, DuplicateFeatureNamesAreErrorsReportedOnce) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features: [a, b, a]
    selector: {k: 3}
)";
  // Only the duplicate is reported, not the checks that depend on the feature list.
  EXPECT_THAT(Errors(yaml), ElementsAre("test.yaml:6:22: pipelines[0].features[2].name: "
                                        "duplicate feature name 'a'"));
}

TEST(ParseConfigTest, SelectionNeedsAStoppingPoint) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    discovery: true
)";
  EXPECT_THAT(Errors(yaml), ElementsAre(HasSubstr("pipelines[0].selector.k: nothing limits the "
                                                  "selection")));
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(yaml + "    constraints: {max_features: 4}\n", "t"));
  EXPECT_TRUE(c.pipelines[0].discovery);
  EXPECT_TRUE(c.pipelines[0].features.empty());
}

TEST(ParseConfigTest, FeaturesOrDiscoveryExactlyOne) {
  std::string base = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    selector: {k: 1}
)";
  EXPECT_THAT(Errors(base), ElementsAre("test.yaml:3:5: pipelines[0].features: required key is "
                                        "missing (list the candidate features or set "
                                        "discovery: true)"));
  EXPECT_THAT(Errors(base + "    discovery: true\n    features: [a]\n"),
              ElementsAre(HasSubstr("8:15: pipelines[0].features: give either a features list "
                                    "or discovery: true, not both")));
  EXPECT_THAT(Errors(base + "    features: []\n"),
              ElementsAre(HasSubstr("pipelines[0].features: must list at least one feature")));
}

TEST(ParseConfigTest, CategoricalSettingsOnNumericFeaturesAreErrors) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features: [{name: a, buckets: 10}, {name: b, kind: categorical, embedding_dim: 0}, {name: y}]
    selector: {k: 1}
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("6:35: pipelines[0].features[0].buckets: applies only to "
                                    "categorical features"),
                          HasSubstr("6:84: pipelines[0].features[1].embedding_dim: must be "
                                    "between 1 and 4096, got 0"),
                          HasSubstr("6:95: pipelines[0].features[2].name: 'y' is the label "
                                    "field and cannot be a feature")));
}

TEST(ParseConfigTest, CsvFormatNeedsAHeaderWithEveryField) {
  std::string base = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features: [a, b]
    selector: {k: 1}
)";
  EXPECT_THAT(Errors(base + "    format: csv\n"),
              ElementsAre(HasSubstr("pipelines[0].csv.header: required when format is csv")));
  EXPECT_THAT(Errors(base + "    format: csv\n    csv: {header: [a, c], delimiter: ab}\n"),
              ElementsAre(HasSubstr("5:20: pipelines[0].label.field: 'y' is not a column of "
                                    "csv.header"),
                          HasSubstr("6:19: pipelines[0].features[1].name: 'b' is not a column "
                                    "of csv.header"),
                          HasSubstr("9:38: pipelines[0].csv.delimiter: expected a single "
                                    "character, got 'ab'")));
  EXPECT_THAT(Errors(base + "    csv: {header: [a, b, y]}\n"),
              ElementsAre(HasSubstr("pipelines[0].csv: applies only to format: csv")));
}

TEST(ParseConfigTest, KafkaPropertiesPassThroughAsText) {
  std::string yaml = R"(kafka:
  bootstrap_servers: k1:9093
  properties:
    security.protocol: SASL_SSL
    sasl.mechanisms: PLAIN
    session.timeout.ms: 45000
    enable.idempotence: true
    ssl.ca.location: /etc/ca.pem
)";
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(yaml, "test.yaml"));
  EXPECT_EQ(c.kafka.properties,
            (std::map<std::string, std::string>{{"enable.idempotence", "true"},
                                                {"sasl.mechanisms", "PLAIN"},
                                                {"security.protocol", "SASL_SSL"},
                                                {"session.timeout.ms", "45000"},
                                                {"ssl.ca.location", "/etc/ca.pem"}}));
  EXPECT_TRUE(c.pipelines.empty());
}

TEST(ParseConfigTest, KafkaPropertiesThatSieveOwnsAreErrors) {
  std::string yaml = R"(kafka:
  bootstrap_servers: k1:9093
  properties:
    group.id: x
    enable.auto.offset.store: true
    linger.ms: {a: 1}
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("4:15: kafka.properties.group.id: cannot be set in "
                                    "kafka.properties (use kafka.group_id)"),
                          HasSubstr("5:31: kafka.properties.enable.auto.offset.store: cannot be"),
                          HasSubstr("6:16: kafka.properties.linger.ms: expected a string")));
}

TEST(ParseConfigTest, OutputTopicsMustNotBeInputTopics) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded, dead_letter_topic: in-b}
pipelines:
  - name: a
    topic: in-a
    label: {field: y}
    features: [x]
    selector: {k: 1}
    publish: {topic: in-a}
  - name: b
    topic: in-b
    label: {field: y}
    features: [x]
    selector: {k: 1}
    publish: {topic: sets}
  - name: c
    topic: in-c
    label: {field: y}
    features: [x]
    selector: {k: 1}
    publish: {topic: in-b}
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre("test.yaml:1:57: kafka.dead_letter_topic: is the input topic of "
                          "pipeline 'b'; bad records would be consumed again",
                          "test.yaml:8:22: pipelines[0].publish.topic: is the input topic of "
                          "pipeline 'a'; feature sets would be read back as records",
                          "test.yaml:20:22: pipelines[2].publish.topic: is the input topic of "
                          "pipeline 'b'; feature sets would be read back as records"));
}

TEST(ParseConfigTest, DaemonValuesAreValidated) {
  std::string yaml = R"(daemon:
  data_dir: ""
  http: {listen: localhost, max_body_bytes: 0}
  log: {level: loud, format: xml}
  shutdown_timeout: 0
kafka: {bootstrap_servers: "a:1, b:2", group_id: ""}
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("2:13: daemon.data_dir: must not be empty"),
                          HasSubstr("3:18: daemon.http.listen: expected host:port"),
                          HasSubstr("3:45: daemon.http.max_body_bytes: must be at least 1 bytes"),
                          HasSubstr("4:16: daemon.log.level: must be one of trace, debug, info, "
                                    "warn, error, got 'loud'"),
                          HasSubstr("4:30: daemon.log.format: must be one of text, json, got "
                                    "'xml'"),
                          HasSubstr("5:21: daemon.shutdown_timeout: must be longer than 0"),
                          HasSubstr("6:28: kafka.bootstrap_servers: expected 'embedded' or a "
                                    "comma-separated host:port list"),
                          HasSubstr("6:50: kafka.group_id: must not be empty")));
}

TEST(ParseConfigTest, NamesAreRestrictedToSafeCharacters) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: "my pipeline/1"
    topic: "a topic"
    label: {field: y}
    features: [a]
    selector: {k: 1}
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("3:11: pipelines[0].name: may contain only letters"),
                          HasSubstr("4:12: pipelines[0].topic: may contain only letters")));
}

TEST(ParseConfigTest, MissingRequiredKeysPointAtTheirMap) {
  std::string yaml = R"(daemon: {}
pipelines:
  - format: json
)";
  EXPECT_THAT(Errors(yaml),
              ElementsAre(HasSubstr("1:1: kafka: required key is missing"),
                          HasSubstr("3:5: pipelines[0].name: required key is missing"),
                          HasSubstr("3:5: pipelines[0].topic: required key is missing"),
                          HasSubstr("3:5: pipelines[0].label: required key is missing"),
                          HasSubstr("3:5: pipelines[0].features: required key is missing"),
                          HasSubstr("3:5: pipelines[0].selector.k: nothing limits")));
}

TEST(ParseConfigTest, HiddenUnitsAcceptAScalarOrAList) {
  std::string yaml = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features: [a]
    selector: {k: 1, hidden_units: 8}
  - name: q
    topic: t
    label: {field: y}
    features: [a]
    selector: {k: 1, hidden_units: []}
)";
  ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(yaml, "t"));
  EXPECT_THAT(c.pipelines[0].selector.hidden_units, ElementsAre(8));
  EXPECT_TRUE(c.pipelines[1].selector.hidden_units.empty());
  EXPECT_THAT(Errors(std::string(yaml) + "  - 5\n"),
              ElementsAre(HasSubstr("13:5: pipelines[2]: expected a map, got '5'")));
}

TEST(ParseConfigTest, YamlSyntaxErrorsKeepYamlCppMessage) {
  EXPECT_THAT(Errors("kafka:\n  bootstrap_servers: [embedded\n"),
              ElementsAre(HasSubstr("test.yaml:3:1: YAML error: end of sequence flow not found")));
  EXPECT_THAT(Errors("kafka: {bootstrap_servers: embedded}\n\tpipelines: []\n"),
              ElementsAre(HasSubstr("YAML error:")));
}

TEST(ParseConfigTest, EmptyAndMultiDocumentFilesAreErrors) {
  EXPECT_THAT(Errors(""), ElementsAre(HasSubstr("test.yaml:1:1: the config is empty")));
  EXPECT_THAT(Errors("# only a comment\n"), ElementsAre(HasSubstr("the config is empty")));
  EXPECT_THAT(Errors("kafka: {bootstrap_servers: embedded}\n---\nkafka: {}\n"),
              ElementsAre("test.yaml:2:1: only one YAML document is allowed (a second one "
                          "starts here)"));
  EXPECT_THAT(Errors("- 1\n- 2\n"), ElementsAre(HasSubstr("1:1: expected a map, got a list")));
}

TEST(ParseConfigTest, StrayCommaFailsInsteadOfHanging) {
  // yaml-cpp 0.7's LoadAll loops forever on this input; the loader must not.
  EXPECT_THAT(Errors("\n,\n"), ::testing::Not(::testing::IsEmpty()));
  EXPECT_THAT(Errors("kafka: {bootstrap_servers: embedded}\n,\n"),
              ::testing::Not(::testing::IsEmpty()));
}

TEST(LoadConfigTest, ReadsAFileAndNamesItInErrors) {
  testing::TempDir dir;
  const std::string good = dir.File("good.yaml");
  std::ofstream(good) << kMinimal;
  ASSERT_OK_AND_ASSIGN(Config c, LoadConfig(good));
  EXPECT_EQ(c.pipelines.at(0).name, "p");

  const std::string bad = dir.File("bad.yaml");
  std::ofstream(bad) << "kafka: {bootstrap_servers: embedded, extra: 1}\n";
  EXPECT_STATUS(LoadConfig(bad), StatusCode::kInvalidArgument,
                HasSubstr(bad + ":1:38: kafka.extra: unknown key 'extra'"));
}

TEST(LoadConfigTest, DirectoryIsAnIoError) {
  testing::TempDir dir;
  EXPECT_STATUS(LoadConfig(dir.path()), StatusCode::kIoError, HasSubstr("is a directory"));
}

TEST(LoadConfigTest, MissingFileIsNotFound) {
  testing::TempDir dir;
  EXPECT_STATUS(LoadConfig(dir.File("nope.yaml")), StatusCode::kNotFound, HasSubstr("nope.yaml"));
}

}  // namespace
}  // namespace sieve
