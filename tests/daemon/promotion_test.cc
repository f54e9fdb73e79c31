#include "daemon/promotion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sieve {
namespace {

using ::testing::HasSubstr;

PromotionInput Input(double candidate, std::optional<double> active) {
  PromotionInput in;
  in.metric_name = "accuracy";
  in.candidate_metric = candidate;
  in.active_metric = active;
  in.active_version = active ? 3 : 0;
  in.max_regression = 0.01;
  return in;
}

TEST(PromotionTest, FirstVersionIsPromoted) {
  PromotionDecision d = DecidePromotion(Input(0.7, std::nullopt));
  EXPECT_EQ(d.state, FeatureSetState::kActive);
  EXPECT_TRUE(d.make_active);
  EXPECT_THAT(d.reason, HasSubstr("no active version"));
}

TEST(PromotionTest, WithinMaxRegressionIsPromoted) {
  PromotionDecision d = DecidePromotion(Input(0.795, 0.80));
  EXPECT_EQ(d.state, FeatureSetState::kActive);
  EXPECT_THAT(d.reason, HasSubstr("accuracy 0.7950 vs active 0.8000"));
}

TEST(PromotionTest, WorseThanMaxRegressionIsRejectedWithReason) {
  PromotionDecision d = DecidePromotion(Input(0.78, 0.80));
  EXPECT_EQ(d.state, FeatureSetState::kRejected);
  EXPECT_FALSE(d.make_active);
  EXPECT_FALSE(d.make_candidate);
  EXPECT_THAT(d.reason, HasSubstr("v3 stays active"));
}

TEST(PromotionTest, OverBudgetIsRejectedEvenIfBetter) {
  PromotionInput in = Input(0.95, 0.80);
  in.exceeded_budgets = {"latency_us", "memory_bytes"};
  PromotionDecision d = DecidePromotion(in);
  EXPECT_EQ(d.state, FeatureSetState::kRejected);
  EXPECT_THAT(d.reason, HasSubstr("exceeds budget latency_us, memory_bytes"));
}

TEST(PromotionTest, WithoutAutoPromoteAPassingVersionStaysCandidate) {
  PromotionInput in = Input(0.85, 0.80);
  in.auto_promote = false;
  PromotionDecision d = DecidePromotion(in);
  EXPECT_EQ(d.state, FeatureSetState::kCandidate);
  EXPECT_TRUE(d.make_candidate);
  EXPECT_FALSE(d.make_active);
  EXPECT_THAT(d.reason, HasSubstr("auto_promote is off"));
}

}  // namespace
}  // namespace sieve
