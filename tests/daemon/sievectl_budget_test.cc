// sievectl select with a schema and budgets, run as a process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/rng.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;

class SievectlBudgetTest : public ::testing::Test {
 protected:
  testing::CommandResult Select(const std::string& args) {
    return testing::RunCommand(std::string(SIEVECTL_PATH) + " select --quiet --label label " + args);
  }
  // user (30 integer codes) and x1 decide the label; x0, x2 are noise.
  std::string Csv() {
    Rng rng(4);
    std::vector<double> effect(30);
    for (auto& e : effect) e = rng.Uniform() < 0.5 ? -1.5 : 1.5;
    std::string text = "user,x0,x1,x2,label\n";
    for (int r = 0; r < 1500; ++r) {
      const int user = static_cast<int>(rng.Below(30));
      const double x0 = rng.Normal(), x1 = rng.Normal(), x2 = rng.Normal();
      text += std::to_string(user) + "," + std::to_string(x0) + "," + std::to_string(x1) + "," +
              std::to_string(x2) + "," + (effect[user] + x1 + 0.3 * rng.Normal() > 0 ? "1" : "0") + "\n";
    }
    return dir_.Write("data.csv", text);
  }
  std::string Schema() {
    return dir_.Write("schema.yaml", R"(defaults:
  costs: {latency_us: 1}
features:
  - name: user
    kind: categorical
    buckets: 64
    embedding_dim: 4
    costs: {latency_us: 10}
)");
  }
  testing::TempDir dir_;
};

TEST_F(SievectlBudgetTest, SelectsWithinBudgetsAndReportsUse) {
  const std::string out = dir_.File("r.json");
  const auto r = Select("--input " + Csv() + " --k 3 --seed 1 --schema " + Schema() +
                        " --budget latency_us=12 --budget memory_bytes=2KiB --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("budget use:"));
  EXPECT_THAT(r.out, HasSubstr("categorical"));
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  for (const auto& [resource, use] : j["budgets"].items()) {
    EXPECT_LE(use["used"].get<double>(), use["declared"].get<double>()) << resource;
  }
  EXPECT_EQ(j["budgets"]["memory_bytes"]["declared"], 2048);
  std::vector<std::string> selected = j["selected"];
  EXPECT_THAT(selected, ::testing::Contains("user"));
  EXPECT_THAT(selected, ::testing::Contains("x1"));
  for (const auto& f : j["features"]) {
    if (f["name"] == "user") {
      EXPECT_EQ(f["kind"], "categorical");
      EXPECT_EQ(f["embedding_size"], 4);
      EXPECT_EQ(f["costs"]["memory_bytes"], 64 * 4 * 4);
    }
  }
}

TEST_F(SievectlBudgetTest, BadBudgetsAndSchemasAreClearErrors) {
  const std::string csv = Csv();
  auto r = Select("--input " + csv + " --k 2 --budget latency_us");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("--budget: expected resource=amount, got 'latency_us'"));
  r = Select("--input " + csv + " --k 2 --budget memory_bytes=lots");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("--budget memory_bytes"));
  const std::string bad = dir_.Write("bad.yaml", "features:\n  - name: user\n    kind: categoric\n");
  r = Select("--input " + csv + " --k 2 --schema " + bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("bad.yaml:3:11: features[0].kind: must be one of numeric, categorical"));
  const std::string infeasible = dir_.Write("inf.yaml", R"(features:
  - name: x0
    costs: {latency_us: 50}
constraints:
  must_include: [x0]
  budgets: {latency_us: 10}
)");
  r = Select("--input " + csv + " --k 2 --schema " + infeasible);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("must_include is infeasible: with 'x0' the latency_us used is 50"));
  r = Select("--input " + csv + " --k 2 --budget latency_us=100 --validation-fraction 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("--validation-fraction 0 cannot be used with --schema or --budget"));
  r = Select("--input " + csv + " --k 2 --budget latency_us=100 --final-candidate-attention 1.5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("final_candidate_attention must be in [0, 1]"));
}

}  // namespace
}  // namespace sieve
