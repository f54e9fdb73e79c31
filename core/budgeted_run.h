// RunBudgetedSelection: the whole offline selection under serving budgets, the
// counterpart of RunSelection for tables with categorical features and costs — split,
// standardise numerics on the training rows, budget-aware Sequential Attention, then
// optionally cross search, embedding-size search and hidden-unit pruning, a fresh
// model on the result, its validation metric and the budget use per resource.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/block_pruning.h"
#include "core/budgeted_selection.h"
#include "core/clock.h"
#include "core/feature_schema.h"
#include "core/metrics.h"
#include "core/structured_data.h"

namespace sieve {

struct BudgetedRunOptions {
  // k, cost_exponent and the network; budgets, max_features, must_include and exclude
  // come from the Constraints argument.
  BudgetedSelectionOptions selection;
  double validation_fraction = 0.2;          // share of rows held out for the metric
  SplitMode split = SplitMode::kStratified;  // kTail for streams (arrival order)
  int64_t final_fit_steps = 0;               // Adam steps of the final model; 0 = ~20 epochs

  // Cross search: a second pass adding up to max_crosses hashed crosses of categoricals.
  bool cross_search = false;
  int max_crosses = 1;
  int64_t cross_buckets = 1024;
  int cross_embedding_dim = 8;

  // Embedding-size search: selection counts each categorical's memory at one block
  // (unless its costs list memory_bytes), then SequentialAttention++ sizes the selected
  // embeddings within the memory_bytes budget (REQUIRES that budget).
  bool embedding_search = false;
  int embedding_block_size = 2;

  // Hidden-unit pruning of the final model to this many multiply-adds per sample
  // (0 = off). Supported when every selected feature is numeric.
  double prune_hidden_macs = 0;
};

struct BudgetedFeature {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  int rank = 0;                          // 1 = picked first
  float attention = 0;                   // attention weight at pick time
  std::map<std::string, double> costs;   // over the budgeted resources, as counted
  int embedding_size = 0;                // categorical / cross; 0 for numeric
  std::vector<std::string> components;   // crosses: the two categoricals
};

struct BudgetedReport {
  std::vector<BudgetedFeature> features;        // pick order; crosses last
  std::map<std::string, BudgetUse> budgets;     // declared vs used (+ "features")
  std::string stop_reason;
  Metrics validation;                           // fresh model on the selection
  size_t train_rows = 0, validation_rows = 0, imputed_cells = 0;
  int64_t training_steps = 0;
  double select_seconds = 0, final_fit_seconds = 0;
  std::optional<HiddenPruningResult> hidden_pruning;  // when prune_hidden_macs > 0
};

// Fails with InvalidArgument naming the field on unknown names in `constraints`, an
// infeasible must_include, embedding search without a memory_bytes budget, or
// hidden-unit pruning of a selection with categoricals.
Result<BudgetedReport> RunBudgetedSelection(const StructuredDataset& data, const Constraints& constraints,
                                            const BudgetedRunOptions& options, const Clock& clock);

}  // namespace sieve
