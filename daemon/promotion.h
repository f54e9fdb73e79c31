// Promotion policy (DESIGN §4): whether a freshly trained candidate becomes active.
//
// A candidate is promoted when (1) it satisfies every budget, (2) auto promotion is
// on, and (3) its validation metric is not worse than the active version's metric,
// re-scored on the same validation slice, by more than max_regression. With no
// active version (or an active one that could not be re-scored) only (1) and (2)
// apply. Every decision carries a reason that is stored with the version.
//
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/feature_set.h"

namespace sieve {

struct PromotionInput {
  std::string metric_name;                    // e.g. "accuracy"; higher is better
  double candidate_metric = 0;                // candidate, on the validation slice
  std::optional<double> active_metric;        // active version re-scored on the same slice
  uint64_t active_version = 0;                // 0 = none
  std::vector<std::string> exceeded_budgets;  // resources the candidate exceeds
  double max_regression = 0.01;
  bool auto_promote = true;
};

struct PromotionDecision {
  FeatureSetState state = FeatureSetState::kCandidate;  // kActive, kCandidate or kRejected
  bool make_active = false;
  bool make_candidate = false;
  std::string reason;
};

PromotionDecision DecidePromotion(const PromotionInput& input);

}  // namespace sieve
