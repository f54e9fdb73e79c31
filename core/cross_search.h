// Feature-cross search, DESIGN §3: hashed crosses of pairs of categorical units become
// selectable units in a second budget-aware Sequential Attention pass, with the base
// selection fixed (selected first, as must_include). A cross costs its own embedding
// memory (and any cost its spec lists) plus the cost of each component that is not
// already selected; a component is paid for once however many crosses use it.
#pragma once

#include <utility>
#include <vector>

#include "core/budgeted_selection.h"
#include "core/structured_data.h"

namespace sieve {

struct CrossSearchOptions {
  int max_crosses = 1;              // crosses to add at most
  int64_t cross_buckets = 1024;     // hash buckets of each cross
  int cross_embedding_dim = 8;      // embedding width of each cross
  std::vector<int> components;      // categorical units to pair; empty = every categorical
  // Network, budgets, max_features and cost_exponent of the second pass; its k,
  // must_include, exclude and depends_on are set by the search.
  BudgetedSelectionOptions selection;
};

struct CrossSearchResult {
  std::vector<std::pair<int, int>> crosses;  // selected crosses (component units), pick order
  BudgetedSelection selection;               // the second pass over base units + candidates;
                                             // its indices >= train.units.size() are crosses,
                                             // numbered in the order AppendCrosses would add
                                             // every candidate pair
  std::vector<std::pair<int, int>> candidates;  // every candidate pair, in unit order
};

// Runs the search with `base` (unit indices, e.g. a first pass's selection) fixed.
// Fails with InvalidArgument on a component that is not categorical, or when the base
// alone breaks a budget.
Result<CrossSearchResult> SearchCrosses(const StructuredDataset& train, const std::vector<int>& base,
                                        const CrossSearchOptions& options);

// Appends the given crosses to `data` as new units (see AddCross); returns their indices.
std::vector<int> AppendCrosses(StructuredDataset& data, const std::vector<std::pair<int, int>>& crosses,
                               int64_t buckets, int embedding_dim);

}  // namespace sieve
