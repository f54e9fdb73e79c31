#include "core/feature_set_diff.h"

#include <algorithm>
#include <unordered_map>

namespace sieve {
namespace {

// Features ordered by rank (the order they were picked in).
std::vector<const SelectedFeature*> ByRank(const FeatureSetVersion& v) {
  std::vector<const SelectedFeature*> out;
  out.reserve(v.features.size());
  for (const SelectedFeature& f : v.features) out.push_back(&f);
  std::stable_sort(out.begin(), out.end(), [](const SelectedFeature* a, const SelectedFeature* b) {
    return a->rank < b->rank;
  });
  return out;
}

std::unordered_map<std::string, const SelectedFeature*> ByName(const FeatureSetVersion& v) {
  std::unordered_map<std::string, const SelectedFeature*> out;
  for (const SelectedFeature& f : v.features) out.emplace(f.name, &f);
  return out;
}

std::map<std::string, double> TotalCosts(const FeatureSetVersion& v) {
  std::map<std::string, double> out;
  for (const SelectedFeature& f : v.features) {
    for (const auto& [resource, c] : f.costs) out[resource] += c;
  }
  return out;
}

}  // namespace

double FeatureSetJaccard(const FeatureSetVersion& a, const FeatureSetVersion& b) {
  auto in_a = ByName(a);
  auto in_b = ByName(b);
  size_t common = 0;
  for (const auto& [name, f] : in_a) common += in_b.count(name);
  size_t united = in_a.size() + in_b.size() - common;
  if (united == 0) return 1.0;
  return static_cast<double>(common) / static_cast<double>(united);
}

FeatureSetDiff DiffFeatureSets(const FeatureSetVersion& from, const FeatureSetVersion& to) {
  FeatureSetDiff diff;
  diff.pipeline = to.pipeline;
  diff.from_version = from.version;
  diff.to_version = to.version;

  auto from_by_name = ByName(from);
  auto to_by_name = ByName(to);
  for (const SelectedFeature* f : ByRank(to)) {
    auto it = from_by_name.find(f->name);
    if (it == from_by_name.end()) {
      diff.added.push_back(f->name);
      continue;
    }
    const SelectedFeature* old = it->second;
    if (old->rank != f->rank || old->attention_weight != f->attention_weight) {
      diff.changed.push_back(
          {f->name, old->rank, f->rank, old->attention_weight, f->attention_weight});
    }
  }
  for (const SelectedFeature* f : ByRank(from)) {
    if (!to_by_name.contains(f->name)) diff.removed.push_back(f->name);
  }

  for (const auto& [resource, total] : TotalCosts(from)) diff.cost[resource].from = total;
  for (const auto& [resource, total] : TotalCosts(to)) diff.cost[resource].to = total;
  for (const auto& [resource, use] : from.budgets) diff.budget_use[resource].from = use.used;
  for (const auto& [resource, use] : to.budgets) diff.budget_use[resource].to = use.used;

  diff.jaccard = FeatureSetJaccard(from, to);
  return diff;
}

}  // namespace sieve
