// Every file in config/examples/ must load; the named examples show what they promise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "config/config_loader.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::Contains;
using ::testing::IsSupersetOf;
using ::testing::SizeIs;

const std::filesystem::path kExamples = SIEVE_CONFIG_EXAMPLES_DIR;

Config LoadExample(const std::string& name) {
  Result<Config> r = LoadConfig(kExamples / name);
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return r.has_value() ? *r : Config{};
}

TEST(ExamplesTest, EveryExampleLoads) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kExamples)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".yaml" && ext != ".yml") continue;
    names.push_back(entry.path().filename().string());
    SCOPED_TRACE(entry.path().string());
    Result<Config> r = LoadConfig(entry.path());
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_THAT(r->pipelines, ::testing::Not(::testing::IsEmpty()));
  }
  EXPECT_THAT(names,
              IsSupersetOf({"quickstart.yaml", "production.yaml", "ctr.yaml", "reference.yaml"}));
}

TEST(ExamplesTest, QuickstartUsesTheEmbeddedBrokerAndACtrStream) {
  const Config c = LoadExample("quickstart.yaml");
  EXPECT_TRUE(c.kafka.embedded());
  EXPECT_EQ(c.daemon.http.listen, "127.0.0.1:9464");
  ASSERT_THAT(c.pipelines, SizeIs(1));
  const PipelineConfig& p = c.pipelines[0];
  EXPECT_EQ(p.format, PipelineConfig::Format::kJson);
  EXPECT_EQ(p.schedule.every_records, 5000);
  EXPECT_EQ(p.schedule.every, std::chrono::seconds(30));
  std::vector<std::string> categoricals;
  for (const FeatureConfig& f : p.features) {
    if (f.kind == FeatureConfig::Kind::kCategorical) categoricals.push_back(f.name);
  }
  EXPECT_THAT(categoricals, IsSupersetOf({"ad_id", "site", "device"}));
  EXPECT_THAT(p.features,
              Contains(::testing::Field(&FeatureConfig::kind, FeatureConfig::Kind::kNumeric)));
}

TEST(ExamplesTest, ProductionPassesTlsAndSaslThroughWithSystemdPaths) {
  const Config c = LoadExample("production.yaml");
  EXPECT_FALSE(c.kafka.embedded());
  EXPECT_EQ(c.daemon.data_dir, "/var/lib/sieve");
  EXPECT_EQ(c.daemon.admin_token_file, "/etc/sieve/token");
  EXPECT_EQ(c.daemon.log.format, LogConfig::Format::kJson);
  EXPECT_EQ(c.kafka.properties.at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(c.kafka.properties.at("sasl.mechanisms"), "SCRAM-SHA-512");
  EXPECT_EQ(c.kafka.properties.at("ssl.ca.location"), "/etc/sieve/kafka-ca.pem");
  EXPECT_EQ(c.kafka.properties.at("session.timeout.ms"), "45000");
}

TEST(ExamplesTest, CtrDeclaresBudgetsAndEmbeddingSizes) {
  const Config c = LoadExample("ctr.yaml");
  ASSERT_THAT(c.pipelines, SizeIs(1));
  const PipelineConfig& p = c.pipelines[0];
  EXPECT_DOUBLE_EQ(p.constraints.budgets.at("latency_us"), 300);
  EXPECT_DOUBLE_EQ(p.constraints.budgets.at("memory_bytes"), 64.0 * 1024 * 1024);
  const FeatureConfig& ad_id = p.features.at(0);
  EXPECT_EQ(ad_id.name, "ad_id");
  EXPECT_EQ(ad_id.kind, FeatureConfig::Kind::kCategorical);
  EXPECT_EQ(ad_id.embedding_dim, 16);
  EXPECT_DOUBLE_EQ(ad_id.costs.at("memory_bytes"), 64e6);
  const PipelineConfig* same = c.FindPipeline("ctr-budgeted");
  ASSERT_NE(same, nullptr);
  // "0.4ms" written for a latency_us cost is 400 microseconds.
  bool found = false;
  for (const FeatureConfig& f : same->features) {
    if (f.name == "user_ctr_7d") {
      found = true;
      EXPECT_DOUBLE_EQ(f.costs.at("latency_us"), 400);
    }
  }
  EXPECT_TRUE(found);
}

TEST(ExamplesTest, ReferenceSpellsOutExactlyTheDefaults) {
  Config expected;
  expected.kafka.bootstrap_servers = "embedded";
  PipelineConfig p;
  p.name = "example";
  p.topic = "example-records";
  p.label.field = "label";
  p.features.resize(2);
  p.features[0].name = "price";
  p.features[1].name = "country";
  p.features[1].kind = FeatureConfig::Kind::kCategorical;
  p.constraints.max_features = 10;
  expected.pipelines.push_back(p);

  const Config reference = LoadExample("reference.yaml");
  ASSERT_THAT(reference.pipelines, SizeIs(1));
  EXPECT_EQ(PipelineConfigHash(reference.pipelines[0]), PipelineConfigHash(p));
  EXPECT_EQ(ConfigHash(reference), ConfigHash(expected));
  EXPECT_TRUE(DiffConfigs(expected, reference).empty());
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A damaged file never crashes or throws: it parses, or every error line has the
// documented "source:line:column: " form.
void ExpectCleanOutcome(const std::string& text) {
  static const std::regex kLine(R"(damaged\.yaml:[0-9]+:[0-9]+: .+)");
  Result<Config> r = ParseConfig(text, "damaged.yaml");
  if (r.has_value()) return;
  ASSERT_EQ(r.error().code(), StatusCode::kInvalidArgument) << r.error().ToString();
  std::istringstream lines(r.error().message());
  for (std::string line; std::getline(lines, line);) {
    ASSERT_TRUE(std::regex_match(line, kLine)) << line << "\n--- input:\n" << text;
  }
}

TEST(ExamplesTest, TruncatedAndCorruptedExamplesFailCleanly) {
  std::mt19937 rng(12345);
  const std::string garbage = ":-[]{}#&*!|>'\"%@`,? \t\nx0";
  for (const char* name : {"quickstart.yaml", "production.yaml", "ctr.yaml", "reference.yaml"}) {
    SCOPED_TRACE(name);
    const std::string text = ReadFile(kExamples / name);
    ASSERT_FALSE(text.empty());
    for (size_t cut = 0; cut < text.size(); cut += 7) {
      ExpectCleanOutcome(text.substr(0, cut));
      if (::testing::Test::HasFatalFailure()) return;
    }
    for (int i = 0; i < 300; ++i) {
      std::string damaged = text;
      for (int flips = 0; flips < 3; ++flips) {
        damaged[rng() % damaged.size()] = garbage[rng() % garbage.size()];
      }
      ExpectCleanOutcome(damaged);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace sieve
