#include "config/schema_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;

constexpr const char* kSchema = R"(defaults:
  costs: {latency_us: 1}
features:
  - name: userId
    kind: categorical
    buckets: 4096
    embedding_dim: 16
    costs: {latency_us: 20}
  - name: price
    costs: {latency_us: 3us, memory_bytes: 1KiB}
constraints:
  max_features: 10
  budgets: {latency_us: 0.3ms, memory_bytes: 64MiB}
  must_include: [userId]
  exclude: [title]
)";

TEST(SchemaLoaderTest, ReadsKindsCostsDefaultsAndConstraints) {
  ASSERT_OK_AND_ASSIGN(SchemaFile f, ParseSchemaFile(kSchema, "schema.yaml"));
  ASSERT_EQ(f.schema.features.size(), 2u);
  const FeatureSpec& user = f.schema.features[0];
  EXPECT_EQ(user.name, "userId");
  EXPECT_EQ(user.kind, FeatureKind::kCategorical);
  EXPECT_EQ(user.buckets, 4096);
  EXPECT_EQ(user.embedding_dim, 16);
  EXPECT_EQ(CostOf(user, "latency_us"), 20);
  EXPECT_EQ(CostOf(user, "memory_bytes"), 4096.0 * 16 * 4);  // default: the embedding table
  EXPECT_EQ(f.schema.features[1].kind, FeatureKind::kNumeric);
  EXPECT_EQ(CostOf(f.schema.features[1], "memory_bytes"), 1024);
  EXPECT_EQ(CostOf(f.schema.features[1], "latency_us"), 3);  // "3us": durations as in the daemon config
  EXPECT_EQ(CostOf(f.schema.SpecFor("unlisted"), "latency_us"), 1);
  EXPECT_EQ(f.constraints.max_features, 10);
  EXPECT_EQ(f.constraints.budgets.at("memory_bytes"), 64.0 * 1024 * 1024);
  EXPECT_EQ(f.constraints.budgets.at("latency_us"), 300);
  EXPECT_EQ(f.constraints.must_include, std::vector<std::string>{"userId"});
  EXPECT_EQ(f.constraints.exclude, std::vector<std::string>{"title"});
}

TEST(SchemaLoaderTest, EveryProblemNamesKeyPathLineAndColumn) {
  const char* bad = R"(features:
  - name: a
    kind: categoric
  - name: b
    buckets: 10
    costs: {latency_us: -3}
  - name: a
    colour: red
constraints:
  budgets: {memory_bytes: 12 parsecs}
  must_include: [b]
  exclude: [b]
)";
  const auto r = ParseSchemaFile(bad, "s.yaml");
  ASSERT_FALSE(r.has_value());
  const std::string& m = r.error().message();
  EXPECT_THAT(m, HasSubstr("s.yaml:3:11: features[0].kind: must be one of numeric, categorical, got 'categoric'"));
  EXPECT_THAT(m, HasSubstr("s.yaml:5:14: features[1].buckets: applies only to categorical features"));
  EXPECT_THAT(m, HasSubstr("s.yaml:6:25: features[1].costs.latency_us: must not be negative, got -3"));
  EXPECT_THAT(m, HasSubstr("s.yaml:7:11: features[2].name: feature 'a' is listed twice"));
  EXPECT_THAT(m, HasSubstr("s.yaml:8:5: features[2].colour: unknown key 'colour'"));
  EXPECT_THAT(m, HasSubstr("s.yaml:10:27: constraints.budgets.memory_bytes:"));
  EXPECT_THAT(m, HasSubstr("s.yaml:11:18: constraints.must_include[0]: 'b' is also listed in constraints.exclude"));
}

TEST(SchemaLoaderTest, SyntaxErrorsAndMissingFiles) {
  EXPECT_STATUS(ParseSchemaFile("features: [a, b", "x.yaml"), StatusCode::kInvalidArgument,
                HasSubstr("x.yaml:1:"));
  EXPECT_STATUS(ParseSchemaFile("features: 3\n", "x.yaml"), StatusCode::kInvalidArgument,
                HasSubstr("x.yaml:1:11: features: expected a list of features"));
  testing::TempDir dir;
  EXPECT_STATUS(LoadSchemaFile(dir.File("none.yaml")), StatusCode::kNotFound, HasSubstr("none.yaml"));
  {
    std::ofstream out(dir.File("s.yaml"));
    out << kSchema;
  }
  ASSERT_OK_AND_ASSIGN(SchemaFile f, LoadSchemaFile(dir.File("s.yaml")));
  EXPECT_EQ(f.schema.features.size(), 2u);
}

}  // namespace
}  // namespace sieve
