// FeatureSetDiff: what changes between two feature-set versions, shown before a
// promotion or a rollback.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/feature_set.h"

namespace sieve {

// A feature present in both versions whose rank or attention weight changed.
struct FeatureChange {
  std::string name;
  int32_t from_rank = 0;
  int32_t to_rank = 0;
  double from_weight = 0.0;
  double to_weight = 0.0;

  friend bool operator==(const FeatureChange&, const FeatureChange&) = default;
};

// Change of one number between the two versions.
struct Delta {
  double from = 0.0;
  double to = 0.0;
  double change() const { return to - from; }

  friend bool operator==(const Delta&, const Delta&) = default;
};

struct FeatureSetDiff {
  std::string pipeline;
  uint64_t from_version = 0;
  uint64_t to_version = 0;
  // Feature names only in `to` / only in `from`, in the rank order of their version.
  std::vector<std::string> added;
  std::vector<std::string> removed;
  // Features in both whose rank or weight differs, in `to`'s rank order.
  std::vector<FeatureChange> changed;
  // Per resource: total cost of the selected features (sum of `costs`), from -> to.
  // A resource missing on one side counts as 0 there.
  std::map<std::string, Delta> cost;
  // Per budget resource: `used`, from -> to (0 where the budget is not declared).
  std::map<std::string, Delta> budget_use;
  // |from ∩ to| / |from ∪ to| over feature names; 1 when both are empty.
  double jaccard = 1.0;

  friend bool operator==(const FeatureSetDiff&, const FeatureSetDiff&) = default;
};

// Jaccard similarity of the selected feature names of `a` and `b`
// (1.0 when both are empty).
double FeatureSetJaccard(const FeatureSetVersion& a, const FeatureSetVersion& b);

// Diff from `from` to `to`. Pure; versions of different pipelines may be compared
// (pipeline is then taken from `to`).
FeatureSetDiff DiffFeatureSets(const FeatureSetVersion& from, const FeatureSetVersion& to);

}  // namespace sieve
