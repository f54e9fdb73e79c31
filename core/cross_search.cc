#include "core/cross_search.h"

#include <algorithm>

namespace sieve {

std::vector<int> AppendCrosses(StructuredDataset& data, const std::vector<std::pair<int, int>>& crosses,
                               int64_t buckets, int embedding_dim) {
  std::vector<int> out;
  for (const auto& [a, b] : crosses) out.push_back(AddCross(data, a, b, buckets, embedding_dim));
  return out;
}

Result<CrossSearchResult> SearchCrosses(const StructuredDataset& train, const std::vector<int>& base,
                                        const CrossSearchOptions& options) {
  SIEVE_RETURN_IF_ERROR(ValidateStructuredDataset(train));
  if (options.max_crosses < 1) return Err(Status::InvalidArgument("max_crosses must be at least 1"));
  if (options.cross_buckets < 1 || options.cross_embedding_dim < 1) {
    return Err(Status::InvalidArgument("cross buckets and embedding size must be at least 1"));
  }
  const int n = static_cast<int>(train.units.size());
  std::vector<int> components = options.components;
  if (components.empty()) {
    for (int u = 0; u < n; ++u) {
      if (train.units[u].kind == FeatureKind::kCategorical) components.push_back(u);
    }
  }
  for (int u : components) {
    if (u < 0 || u >= n || train.units[u].kind != FeatureKind::kCategorical) {
      return Err(Status::InvalidArgument("cross component " + std::to_string(u) +
                                         " is not a categorical feature"));
    }
  }
  CrossSearchResult result;
  for (size_t i = 0; i < components.size(); ++i) {
    for (size_t j = i + 1; j < components.size(); ++j) {
      result.candidates.emplace_back(components[i], components[j]);
    }
  }
  if (result.candidates.empty()) {
    return Err(Status::InvalidArgument("cross search needs at least two categorical features"));
  }
  StructuredDataset augmented = train;
  const std::vector<int> cross_units =
      AppendCrosses(augmented, result.candidates, options.cross_buckets, options.cross_embedding_dim);

  BudgetedSelectionOptions o = options.selection;
  o.must_include = base;
  o.exclude.clear();
  for (int u = 0; u < n; ++u) {
    if (std::find(base.begin(), base.end(), u) == base.end()) o.exclude.push_back(u);
  }
  o.k = static_cast<int>(base.size()) +
        std::min<int>(options.max_crosses, static_cast<int>(cross_units.size()));
  o.depends_on.assign(augmented.units.size(), {});
  for (size_t c = 0; c < cross_units.size(); ++c) {
    o.depends_on[cross_units[c]] = {result.candidates[c].first, result.candidates[c].second};
  }
  SIEVE_ASSIGN_OR_RETURN(result.selection, SelectUnderBudgets(augmented, o));
  for (const SelectedUnit& s : result.selection.units) {
    if (s.index >= n) result.crosses.push_back(result.candidates[s.index - n]);
  }
  return result;
}

}  // namespace sieve
