#include "config/config_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config_loader.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Config RoundTrip(const Config& config) {
  const std::string text = FormatConfig(config, {.redact_secrets = false});
  Result<Config> back = ParseConfig(text, "formatted.yaml");
  EXPECT_TRUE(back.has_value()) << back.error().ToString() << "\n--- text:\n" << text;
  return back.has_value() ? *back : Config{};
}

TEST(FormatConfigTest, EveryExampleRoundTrips) {
  int examples = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SIEVE_CONFIG_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    ASSERT_OK_AND_ASSIGN(Config config, LoadConfig(entry.path()));
    const Config back = RoundTrip(config);
    EXPECT_EQ(ConfigHash(back), ConfigHash(config));
    EXPECT_TRUE(DiffConfigs(config, back).empty());
    ++examples;
  }
  EXPECT_GE(examples, 4);
}

TEST(FormatConfigTest, StringsThatLookLikeOtherYamlStayStrings) {
  Config config;
  config.kafka.bootstrap_servers = "embedded";
  config.kafka.group_id = "null";
  config.kafka.dead_letter_topic = "";
  config.kafka.properties = {
      {"client.id", "yes"}, {"a.b", "123"}, {"c", "~"}, {"d", "# not a comment"},
      {"e", "x: y"},        {"f", " lead"}, {"g", ""},  {"h", "[1, 2]"},
      {"i", "'q'"}};
  config.daemon.admin_token_file = "true";
  PipelineConfig p;
  p.name = "on";
  p.topic = "0x10";
  p.label.field = "null";
  p.format = PipelineConfig::Format::kCsv;
  p.csv.header = {"null", "off", "a,b"};
  p.csv.delimiter = ';';
  p.features.resize(2);
  p.features[0].name = "off";
  p.features[0].costs = {{"latency_us", 0.1}, {"memory_bytes", 3e9}};
  p.features[1].name = "a,b";
  p.features[1].kind = FeatureConfig::Kind::kCategorical;
  p.features[1].buckets = 7;
  p.features[1].embedding_dim = 3;
  p.selector.k = 1;
  p.selector.seed = 18446744073709551615ULL;
  p.selector.learning_rate = 0.1 + 0.2;  // not exactly representable in short decimal
  p.selector.hidden_units = {};
  p.schedule.every = std::chrono::nanoseconds(3'723'000'004'000);  // 1h2m3s4us
  config.pipelines.push_back(p);

  const Config back = RoundTrip(config);
  EXPECT_EQ(ConfigHash(back), ConfigHash(config));
  EXPECT_EQ(back.kafka.group_id, "null");
  EXPECT_EQ(back.kafka.properties.at("d"), "# not a comment");
  EXPECT_EQ(back.kafka.properties.at("g"), "");
  EXPECT_EQ(back.pipelines.at(0).selector.learning_rate, 0.1 + 0.2);
  EXPECT_EQ(back.pipelines.at(0).schedule.every, config.pipelines[0].schedule.every);
}

TEST(FormatConfigTest, WritesDefaultsAndRedactsSecrets) {
  ASSERT_OK_AND_ASSIGN(Config config, LoadConfig(std::filesystem::path(SIEVE_CONFIG_EXAMPLES_DIR) /
                                                 "production.yaml"));
  const std::string text = FormatConfig(config);
  EXPECT_THAT(text, HasSubstr("sasl.password: <redacted>"));
  EXPECT_THAT(text, Not(HasSubstr("change-me")));
  EXPECT_THAT(text, HasSubstr("sasl.username: sieve"));
  EXPECT_THAT(text, HasSubstr("shutdown_timeout: 45s"));
  // The churn pipeline leaves these at their defaults; they are written anyway.
  EXPECT_THAT(text, HasSubstr("learning_rate: 0.002"));
  EXPECT_THAT(text, HasSubstr("every_records: 0"));

  const std::string unredacted = FormatConfig(config, {.redact_secrets = false});
  EXPECT_THAT(unredacted, HasSubstr("sasl.password: change-me"));
}

TEST(IsSecretPropertyTest, RecognisesSecretKeys) {
  EXPECT_TRUE(IsSecretProperty("sasl.password"));
  EXPECT_TRUE(IsSecretProperty("ssl.key.password"));
  EXPECT_TRUE(IsSecretProperty("sasl.oauthbearer.client.secret"));
  EXPECT_TRUE(IsSecretProperty("ssl.key.pem"));
  EXPECT_TRUE(IsSecretProperty("SASL.PASSWORD"));
  EXPECT_FALSE(IsSecretProperty("sasl.username"));
  EXPECT_FALSE(IsSecretProperty("ssl.ca.location"));
  EXPECT_FALSE(IsSecretProperty("security.protocol"));
}

}  // namespace
}  // namespace sieve
