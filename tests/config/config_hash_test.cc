#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/config_loader.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::MatchesRegex;
using ::testing::Ne;

constexpr const char* kTwoPipelines = R"(kafka: {bootstrap_servers: embedded}
pipelines:
  - name: a
    topic: t
    label: {field: y}
    features: [x1, x2, x3]
    constraints: {max_features: 2, must_include: [x1, x2], exclude: [x3]}
  - name: b
    topic: u
    label: {field: y}
    features: [z]
    selector: {k: 1}
)";

// The same settings as kTwoPipelines, written differently: reordered keys and
// pipelines, flow vs block style, comments, defaults spelled out, sets reordered.
constexpr const char* kTwoPipelinesRewritten = R"(# comment
pipelines:
  - selector:
      k: 1
    features:
      - name: z
        kind: numeric
    label: {task: auto, field: y}
    topic: u
    name: b
  - topic: t
    name: a
    window: {size: 100000, mode: sliding}
    constraints: {exclude: [x3], must_include: [x2, x1], max_features: 2}
    features: [x1, x2, x3]
    label: {field: y}
kafka:
  group_id: sieve
  bootstrap_servers: embedded
daemon:
  shutdown_timeout: 20000ms
)";

Config MustParse(const std::string& yaml) {
  Result<Config> r = ParseConfig(yaml, "test.yaml");
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return r.has_value() ? *r : Config{};
}

TEST(ConfigHashTest, IsSixteenHexDigitsAndDeterministic) {
  const Config c = MustParse(kTwoPipelines);
  EXPECT_THAT(ConfigHash(c), MatchesRegex("[0-9a-f]{16}"));
  EXPECT_THAT(PipelineConfigHash(c.pipelines[0]), MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(ConfigHash(c), ConfigHash(MustParse(kTwoPipelines)));
}

TEST(ConfigHashTest, IgnoresLayoutOrderCommentsAndSpelledOutDefaults) {
  const Config a = MustParse(kTwoPipelines);
  const Config b = MustParse(kTwoPipelinesRewritten);
  EXPECT_EQ(ConfigHash(a), ConfigHash(b));
  EXPECT_EQ(PipelineConfigHash(a.pipelines[0]), PipelineConfigHash(*b.FindPipeline("a")));
}

TEST(ConfigHashTest, ChangesWithAnySetting) {
  const Config base = MustParse(kTwoPipelines);
  Config c = base;
  c.pipelines[0].selector.seed = 2;
  EXPECT_THAT(ConfigHash(c), Ne(ConfigHash(base)));
  EXPECT_THAT(PipelineConfigHash(c.pipelines[0]), Ne(PipelineConfigHash(base.pipelines[0])));

  c = base;
  c.kafka.properties["client.id"] = "x";
  EXPECT_THAT(ConfigHash(c), Ne(ConfigHash(base)));

  c = base;
  c.pipelines[1].features[0].costs["latency_us"] = 1;
  EXPECT_THAT(ConfigHash(c), Ne(ConfigHash(base)));

  c = base;
  c.pipelines[0].schedule.every = std::chrono::seconds(30);
  EXPECT_THAT(PipelineConfigHash(c.pipelines[0]), Ne(PipelineConfigHash(base.pipelines[0])));

  // Strings are length-prefixed: moving a character between fields changes the hash.
  c = base;
  c.pipelines[0].name = "ab";
  c.pipelines[0].topic = "";
  Config d = base;
  d.pipelines[0].name = "a";
  d.pipelines[0].topic = "bt";
  EXPECT_THAT(PipelineConfigHash(c.pipelines[0]), Ne(PipelineConfigHash(d.pipelines[0])));
}

TEST(ConfigHashTest, PipelineHashIgnoresOtherSections) {
  const Config base = MustParse(kTwoPipelines);
  Config c = base;
  c.daemon.training_threads = 8;
  c.pipelines[1].window.size = 5;
  EXPECT_EQ(PipelineConfigHash(c.pipelines[0]), PipelineConfigHash(base.pipelines[0]));
  EXPECT_THAT(ConfigHash(c), Ne(ConfigHash(base)));
}

TEST(ConfigHashTest, DefaultConfigHasAFixedHash) {
  // Pins the canonical form: if this changes, every stored version's config_hash would
  // stop matching an unchanged config, so change it only together with new settings.
  EXPECT_EQ(PipelineConfigHash(PipelineConfig{}), "f4be870a11da42a1");
  EXPECT_EQ(ConfigHash(Config{}), "5cd1f956d3e4ece5");
}

TEST(DiffConfigsTest, SameConfigHasNoChanges) {
  const ConfigChanges changes =
      DiffConfigs(MustParse(kTwoPipelines), MustParse(kTwoPipelinesRewritten));
  EXPECT_TRUE(changes.empty());
}

TEST(DiffConfigsTest, ReportsAddedRemovedAndChangedPipelinesAndSections) {
  const Config before = MustParse(kTwoPipelines);
  Config after = before;
  after.pipelines[1].window.size = 10;  // b changed
  after.pipelines[0].name = "a2";       // a removed, a2 added
  PipelineConfig c = before.pipelines[1];
  c.name = "c";
  after.pipelines.push_back(c);  // c added
  after.kafka.properties["linger.ms"] = "5";

  const ConfigChanges changes = DiffConfigs(before, after);
  EXPECT_THAT(changes.added_pipelines, ::testing::ElementsAre("a2", "c"));
  EXPECT_THAT(changes.removed_pipelines, ::testing::ElementsAre("a"));
  EXPECT_THAT(changes.changed_pipelines, ::testing::ElementsAre("b"));
  EXPECT_TRUE(changes.kafka_changed);
  EXPECT_FALSE(changes.daemon_changed);
  EXPECT_FALSE(changes.empty());

  Config daemon_only = before;
  daemon_only.daemon.log.level = LogConfig::Level::kDebug;
  const ConfigChanges d = DiffConfigs(before, daemon_only);
  EXPECT_TRUE(d.daemon_changed);
  EXPECT_FALSE(d.kafka_changed);
  EXPECT_TRUE(d.changed_pipelines.empty());
}

TEST(ConfigNameTest, NamesMatchTheYamlSpelling) {
  EXPECT_EQ(ConfigName(SelectorConfig::Algorithm::kSequentialAttention), "sequential_attention");
  EXPECT_EQ(ConfigName(SelectorConfig::Algorithm::kFTest), "f_test");
  EXPECT_EQ(ConfigName(PipelineConfig::Format::kCsv), "csv");
  EXPECT_EQ(ConfigName(WindowConfig::Mode::kReservoir), "reservoir");
  EXPECT_EQ(ConfigName(LabelConfig::Task::kRegression), "regression");
  EXPECT_EQ(ConfigName(FeatureConfig::Kind::kCategorical), "categorical");
  EXPECT_EQ(ConfigName(LogConfig::Level::kWarn), "warn");
  EXPECT_EQ(ConfigName(LogConfig::Format::kJson), "json");
}

}  // namespace
}  // namespace sieve
