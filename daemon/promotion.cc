#include "daemon/promotion.h"

#include <cstdio>

namespace sieve {
namespace {

std::string Format(const char* format, double a, double b, double c) {
  char text[256];
  std::snprintf(text, sizeof text, format, a, b, c);
  return text;
}

}  // namespace

PromotionDecision DecidePromotion(const PromotionInput& input) {
  PromotionDecision decision;
  if (!input.exceeded_budgets.empty()) {
    std::string names;
    for (const auto& name : input.exceeded_budgets) names += (names.empty() ? "" : ", ") + name;
    decision.state = FeatureSetState::kRejected;
    decision.reason = "rejected: exceeds budget " + names;
    return decision;
  }
  std::string comparison;
  if (input.active_metric.has_value()) {
    const double drop = *input.active_metric - input.candidate_metric;
    comparison = Format("%.4f vs active %.4f re-scored on the same slice (max_regression %.4f)",
                        input.candidate_metric, *input.active_metric, input.max_regression);
    comparison = input.metric_name + " " + comparison;
    if (drop > input.max_regression) {
      decision.state = FeatureSetState::kRejected;
      decision.reason =
          "rejected: " + comparison + " v" + std::to_string(input.active_version) + " stays active";
      return decision;
    }
  } else {
    comparison = input.metric_name +
                 Format(" %.4f, no active version to compare with", input.candidate_metric, 0, 0);
  }
  if (!input.auto_promote) {
    decision.state = FeatureSetState::kCandidate;
    decision.make_candidate = true;
    decision.reason = "candidate: passes (" + comparison + "), auto_promote is off";
    return decision;
  }
  decision.state = FeatureSetState::kActive;
  decision.make_active = true;
  decision.reason = "promoted: " + comparison;
  return decision;
}

}  // namespace sieve
