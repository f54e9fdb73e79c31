#include "daemon/trainer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::UnorderedElementsAre;

// x0, x1 and the categorical c decide the label; n0..n3 are noise.
std::shared_ptr<WindowSnapshot> PlantedWindow(size_t rows, uint64_t seed) {
  auto w = std::make_shared<WindowSnapshot>();
  w->float_columns = {"x0", "x1", "n0", "n1", "n2", "n3"};
  w->bucket_columns = {"c"};
  w->num_rows = rows;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  for (size_t r = 0; r < rows; ++r) {
    float x[6];
    for (float& v : x) v = normal(rng);
    const int c = static_cast<int>(rng() % 4);
    w->floats.insert(w->floats.end(), x, x + 6);
    w->buckets.push_back(c);
    const float logit = 2.5f * x[0] - 2.0f * x[1] + (c == 0 ? 2.5f : -1.0f) + 0.3f * normal(rng);
    w->labels.push_back(logit > 0 ? 1.0f : 0.0f);
  }
  return w;
}

PipelineConfig Pipeline() {
  PipelineConfig p;
  p.name = "t";
  p.topic = "t";
  p.label.field = "y";
  p.label.task = LabelConfig::Task::kClassification;
  for (const char* name : {"x0", "x1", "n0", "n1", "n2", "n3"}) {
    p.features.push_back({.name = name, .costs = {{"latency_us", 10}}});
  }
  FeatureConfig c;
  c.name = "c";
  c.kind = FeatureConfig::Kind::kCategorical;
  c.buckets = 4;
  c.embedding_dim = 2;
  c.costs = {{"latency_us", 50}};
  p.features.push_back(c);
  p.selector.k = 3;
  p.selector.hidden_units = {16};
  p.selector.steps_per_round = 150;
  p.selector.seed = 4;
  p.window.validation_fraction = 0.25;
  return p;
}

std::vector<std::string> Names(const FeatureSetVersion& v) {
  std::vector<std::string> names;
  for (const auto& f : v.features) names.push_back(f.name);
  return names;
}

TEST(TrainerTest, SelectsPlantedFeaturesOnATailSplit) {
  testing::FakeClock clock;
  TrainRequest request{.window = PlantedWindow(3000, 1), .pipeline = Pipeline()};
  ASSERT_OK_AND_ASSIGN(TrainResult result, TrainCandidate(request, clock));
  EXPECT_THAT(Names(result.candidate), UnorderedElementsAre("x0", "x1", "c"));
  EXPECT_EQ(result.validation_rows, 750u);  // the newest quarter
  EXPECT_EQ(result.train_rows, 2250u);
  EXPECT_EQ(result.metric_name, "accuracy");
  EXPECT_GT(result.candidate_metric, 0.85);
  EXPECT_FALSE(result.active_metric.has_value());
  EXPECT_EQ(result.candidate.hyperparameters.at("split"), "tail");
  EXPECT_EQ(result.candidate.config_hash, PipelineConfigHash(request.pipeline));
  for (const auto& f : result.candidate.features) {
    if (f.name == "c") {
      EXPECT_EQ(f.kind, FeatureKind::kCategorical);
      EXPECT_EQ(f.embedding_size, 2);
    }
  }
}

TEST(TrainerTest, ReScoresTheActiveVersionOnTheSameSplit) {
  testing::FakeClock clock;
  FeatureSetVersion weak;
  weak.pipeline = "t";
  weak.version = 1;
  weak.features = {{.name = "n0", .rank = 1}, {.name = "n1", .rank = 2}};
  TrainRequest request{.window = PlantedWindow(3000, 2), .pipeline = Pipeline(), .active = weak};
  ASSERT_OK_AND_ASSIGN(TrainResult result, TrainCandidate(request, clock));
  ASSERT_TRUE(result.active_metric.has_value());
  EXPECT_LT(*result.active_metric, result.candidate_metric - 0.1)
      << "noise features re-scored must do clearly worse";
}

TEST(TrainerTest, RespectsBudgets) {
  testing::FakeClock clock;
  PipelineConfig p = Pipeline();
  p.constraints.budgets = {{"latency_us", 40}};  // the categorical (50) never fits
  TrainRequest request{.window = PlantedWindow(3000, 3), .pipeline = p};
  ASSERT_OK_AND_ASSIGN(TrainResult result, TrainCandidate(request, clock));
  for (const auto& name : Names(result.candidate)) EXPECT_NE(name, "c");
  ASSERT_TRUE(result.candidate.budgets.contains("latency_us"));
  EXPECT_LE(result.candidate.budgets.at("latency_us").used, 40);
  EXPECT_TRUE(ExceededBudgets(result.candidate).empty());
}

TEST(TrainerTest, SingleClassWindowIsAClearError) {
  testing::FakeClock clock;
  auto w = PlantedWindow(500, 4);
  std::fill(w->labels.begin(), w->labels.end(), 1.0f);
  auto result = TrainCandidate({.window = w, .pipeline = Pipeline()}, clock);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.error().message(), ::testing::HasSubstr("single label value"));
}

TEST(TrainerTest, MissingFeatureAndCancellation) {
  testing::FakeClock clock;
  PipelineConfig p = Pipeline();
  p.features.push_back({.name = "absent"});
  auto missing = TrainCandidate({.window = PlantedWindow(500, 5), .pipeline = p}, clock);
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.error().message(), ::testing::HasSubstr("'absent'"));
  std::atomic<bool> cancel{true};
  auto cancelled = TrainCandidate(
      {.window = PlantedWindow(500, 5), .pipeline = Pipeline(), .cancel = &cancel}, clock);
  ASSERT_FALSE(cancelled.has_value());
  EXPECT_EQ(cancelled.error().code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace sieve

namespace sieve {
namespace {

TEST(TrainerTest, BaselineAlgorithmOnNumericFeatures) {
  testing::FakeClock clock;
  PipelineConfig p = Pipeline();
  p.features.pop_back();  // numeric only
  p.selector.algorithm = SelectorConfig::Algorithm::kFTest;
  p.selector.k = 2;
  ASSERT_OK_AND_ASSIGN(TrainResult result,
                       TrainCandidate({.window = PlantedWindow(3000, 6), .pipeline = p}, clock));
  EXPECT_EQ(result.candidate.algorithm, "f_test");
  EXPECT_THAT(Names(result.candidate), UnorderedElementsAre("x0", "x1"));

  p.constraints.budgets = {{"latency_us", 10}};  // room for one
  ASSERT_OK_AND_ASSIGN(result,
                       TrainCandidate({.window = PlantedWindow(3000, 6), .pipeline = p}, clock));
  EXPECT_EQ(result.candidate.features.size(), 1u);
  EXPECT_LE(result.candidate.budgets.at("latency_us").used, 10);

  auto categorical = TrainCandidate({.window = PlantedWindow(500, 6),
                                     .pipeline =
                                         [] {
                                           PipelineConfig q = Pipeline();
                                           q.selector.algorithm = SelectorConfig::Algorithm::kOmp;
                                           return q;
                                         }()},
                                    clock);
  ASSERT_FALSE(categorical.has_value());
  EXPECT_THAT(categorical.error().message(), ::testing::HasSubstr("numeric features only"));
}

}  // namespace
}  // namespace sieve
