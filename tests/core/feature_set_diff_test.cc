#include "core/feature_set_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/feature_set.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

SelectedFeature Feature(std::string name, int32_t rank, double weight,
                        std::map<std::string, double> costs = {}) {
  SelectedFeature f;
  f.name = std::move(name);
  f.rank = rank;
  f.attention_weight = weight;
  f.costs = std::move(costs);
  return f;
}

FeatureSetVersion Version(uint64_t number, std::vector<SelectedFeature> features) {
  FeatureSetVersion v;
  v.pipeline = "ctr";
  v.version = number;
  v.features = std::move(features);
  return v;
}

TEST(FeatureSetDiffTest, ReportsAddedRemovedAndChangedInRankOrder) {
  FeatureSetVersion from =
      Version(3, {Feature("age", 1, 0.5), Feature("city", 2, 0.3), Feature("device", 3, 0.2)});
  FeatureSetVersion to = Version(4, {Feature("hour", 3, 0.1), Feature("city", 1, 0.6),
                                     Feature("age", 2, 0.3), Feature("zip", 4, 0.05)});
  FeatureSetDiff d = DiffFeatureSets(from, to);
  EXPECT_EQ(d.pipeline, "ctr");
  EXPECT_EQ(d.from_version, 3u);
  EXPECT_EQ(d.to_version, 4u);
  EXPECT_THAT(d.added, ElementsAre("hour", "zip"));
  EXPECT_THAT(d.removed, ElementsAre("device"));
  EXPECT_THAT(d.changed, ElementsAre(FeatureChange{"city", 2, 1, 0.3, 0.6},
                                     FeatureChange{"age", 1, 2, 0.5, 0.3}));
  // {age, city} common; union {age, city, device, hour, zip}.
  EXPECT_DOUBLE_EQ(d.jaccard, 2.0 / 5.0);
}

TEST(FeatureSetDiffTest, UnchangedFeatureIsNotListed) {
  FeatureSetVersion from = Version(1, {Feature("age", 1, 0.5)});
  FeatureSetVersion to = Version(2, {Feature("age", 1, 0.5)});
  FeatureSetDiff d = DiffFeatureSets(from, to);
  EXPECT_THAT(d.added, IsEmpty());
  EXPECT_THAT(d.removed, IsEmpty());
  EXPECT_THAT(d.changed, IsEmpty());
  EXPECT_DOUBLE_EQ(d.jaccard, 1.0);
}

TEST(FeatureSetDiffTest, WeightOnlyChangeIsListed) {
  FeatureSetVersion from = Version(1, {Feature("age", 1, 0.5)});
  FeatureSetVersion to = Version(2, {Feature("age", 1, 0.25)});
  EXPECT_THAT(DiffFeatureSets(from, to).changed,
              ElementsAre(FeatureChange{"age", 1, 1, 0.5, 0.25}));
}

TEST(FeatureSetDiffTest, CostAndBudgetDeltasCoverResourcesOnEitherSide) {
  FeatureSetVersion from =
      Version(1, {Feature("a", 1, 1, {{"latency_us", 10}, {"memory_bytes", 100}}),
                  Feature("b", 2, 1, {{"latency_us", 5}})});
  from.budgets["latency_us"] = {20, 15};
  from.budgets["features"] = {3, 2};
  FeatureSetVersion to =
      Version(2, {Feature("a", 1, 1, {{"latency_us", 10}, {"memory_bytes", 100}}),
                  Feature("c", 2, 1, {{"latency_us", 7}, {"flops", 40}})});
  to.budgets["latency_us"] = {20, 17};
  to.budgets["memory_bytes"] = {1000, 100};

  FeatureSetDiff d = DiffFeatureSets(from, to);
  ASSERT_EQ(d.cost.size(), 3u);
  EXPECT_EQ(d.cost["latency_us"], (Delta{15, 17}));
  EXPECT_DOUBLE_EQ(d.cost["latency_us"].change(), 2.0);
  EXPECT_EQ(d.cost["memory_bytes"], (Delta{100, 100}));
  EXPECT_EQ(d.cost["flops"], (Delta{0, 40}));
  ASSERT_EQ(d.budget_use.size(), 3u);
  EXPECT_EQ(d.budget_use["latency_us"], (Delta{15, 17}));
  EXPECT_EQ(d.budget_use["features"], (Delta{2, 0}));
  EXPECT_EQ(d.budget_use["memory_bytes"], (Delta{0, 100}));
}

TEST(FeatureSetDiffTest, JaccardOfEmptySetsIsOneAndOfDisjointSetsIsZero) {
  EXPECT_DOUBLE_EQ(FeatureSetJaccard(Version(1, {}), Version(2, {})), 1.0);
  EXPECT_DOUBLE_EQ(FeatureSetJaccard(Version(1, {Feature("a", 1, 1)}), Version(2, {})), 0.0);
  EXPECT_DOUBLE_EQ(
      FeatureSetJaccard(Version(1, {Feature("a", 1, 1)}), Version(2, {Feature("b", 1, 1)})), 0.0);
}

TEST(FeatureSetTest, StateAndKindNamesRoundTrip) {
  for (auto s :
       {FeatureSetState::kCandidate, FeatureSetState::kActive, FeatureSetState::kRejected}) {
    ASSERT_OK_AND_ASSIGN(FeatureSetState parsed, ParseFeatureSetState(FeatureSetStateName(s)));
    EXPECT_EQ(parsed, s);
  }
  for (auto k : {FeatureKind::kNumeric, FeatureKind::kCategorical, FeatureKind::kCross}) {
    ASSERT_OK_AND_ASSIGN(FeatureKind parsed, ParseFeatureKind(FeatureKindName(k)));
    EXPECT_EQ(parsed, k);
  }
  EXPECT_STATUS(ParseFeatureSetState("promoted"), StatusCode::kInvalidArgument,
                HasSubstr("\"promoted\""));
  EXPECT_STATUS(ParseFeatureKind("text"), StatusCode::kInvalidArgument, HasSubstr("\"text\""));
}

TEST(FeatureSetTest, ValidateAcceptsAWellFormedVersion) {
  FeatureSetVersion v = Version(1, {Feature("a", 1, 0.5, {{"latency_us", 3}})});
  v.budgets["latency_us"] = {10, 3};
  v.validation_metrics["auc"] = 0.8;
  v.jaccard_to_previous_active = 0.5;
  v.window_offsets.push_back({"events", 0, 42});
  EXPECT_OK(ValidateFeatureSetVersion(v));
}

TEST(FeatureSetTest, ValidateNamesTheOffendingField) {
  FeatureSetVersion dup = Version(1, {Feature("a", 1, 0.5), Feature("a", 2, 0.5)});
  EXPECT_STATUS(ValidateFeatureSetVersion(dup), StatusCode::kInvalidArgument,
                HasSubstr("features[1].name"));

  FeatureSetVersion rank = Version(1, {Feature("a", 0, 0.5)});
  EXPECT_STATUS(ValidateFeatureSetVersion(rank), StatusCode::kInvalidArgument,
                HasSubstr("features[0].rank"));

  FeatureSetVersion nan_cost = Version(
      1, {Feature("a", 1, 0.5, {{"latency_us", std::numeric_limits<double>::quiet_NaN()}})});
  EXPECT_STATUS(ValidateFeatureSetVersion(nan_cost), StatusCode::kInvalidArgument,
                HasSubstr("features[0].costs.latency_us: not finite"));

  FeatureSetVersion metric = Version(1, {});
  metric.validation_metrics["auc"] = std::numeric_limits<double>::infinity();
  EXPECT_STATUS(ValidateFeatureSetVersion(metric), StatusCode::kInvalidArgument,
                HasSubstr("validation_metrics.auc"));

  FeatureSetVersion budget = Version(1, {});
  budget.budgets["memory_bytes"] = {-1, 0};
  EXPECT_STATUS(ValidateFeatureSetVersion(budget), StatusCode::kInvalidArgument,
                HasSubstr("budgets.memory_bytes.declared"));

  FeatureSetVersion offsets = Version(1, {});
  offsets.window_offsets.push_back({"", 0, 1});
  EXPECT_STATUS(ValidateFeatureSetVersion(offsets), StatusCode::kInvalidArgument,
                HasSubstr("window_offsets[0].topic"));

  FeatureSetVersion no_pipeline = Version(1, {});
  no_pipeline.pipeline.clear();
  EXPECT_STATUS(ValidateFeatureSetVersion(no_pipeline), StatusCode::kInvalidArgument,
                HasSubstr("pipeline"));
}

TEST(FeatureSetTest, ExceededBudgetsListsOnlyOverspentResources) {
  FeatureSetVersion v = Version(1, {});
  v.budgets["latency_us"] = {10, 12};
  v.budgets["memory_bytes"] = {100, 100};
  v.budgets["features"] = {5, 6};
  EXPECT_THAT(ExceededBudgets(v), ElementsAre("features", "latency_us"));
}

}  // namespace
}  // namespace sieve
