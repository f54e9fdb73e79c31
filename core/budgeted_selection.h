// Budget-aware Sequential Attention over selectable units (numeric columns,
// categorical embeddings, feature crosses): DESIGN §3 "Budgets".
//
// The network and the attention are those of SequentialAttentionSelector: one logit
// per unit, unselected units weighted by a mean-one softmax over their logits (a
// categorical's whole embedding vector is scaled by its one weight), selected units by
// 1, picks at the END of each round, logits and their optimiser reset after a pick,
// the same network weights train on. What budgets change is the pick: only units
// whose cost keeps every budget and max_features satisfied are eligible, and among
// them the one with the best value for cost wins (ValueForCost in core/budget.h:
// attention / (fair shares of the remaining budgets taken)^cost_exponent; 0 = cost-blind). Selection stops
// when k units are selected or no remaining unit fits. No result ever exceeds a budget.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/feature_set.h"
#include "core/status.h"
#include "core/structured_data.h"

namespace sieve {

struct BudgetedSelectionOptions {
  // What to select.
  int k = 0;                              // units to select, must_include counted; 0 = until
                                          // max_features or a budget stops it
  int max_features = 0;                   // cap on selected units; 0 = no cap
  std::map<std::string, double> budgets;  // per resource: upper bound on the summed cost
  std::vector<int> must_include;          // unit indices selected first (counted in budgets)
  std::vector<int> exclude;               // unit indices never selected (nor seen by the model)
  double cost_exponent = 1.0;             // 0 = pick by attention alone; higher favours cheap units
  std::vector<std::vector<int>> depends_on; // per unit (or empty): units whose cost it also pays
                                          // once, e.g. a cross's components

  // The selection network, as in SelectorOptions.
  std::vector<int> hidden = {64};         // hidden ReLU layer widths
  int batch_size = 256;                   // rows per Adam step
  float learning_rate = 2e-3f;            // Adam step size of network and embeddings
  int steps_per_round = 0;                // steps between picks; 0 = about one epoch, >= 100
  double warmup_fraction = 0.1;           // share of all steps trained before the first pick
  float l2 = 0.05f;                       // weight decay of the network
  float attention_learning_rate = 0.05f;  // Adam step size of the attention logits
  float final_candidate_attention = 0.0f; // candidates' mean attention in the last planned
                                          // round, falling from 1 (0 = 1 / candidates)
  uint64_t seed = 0;                      // every random choice derives from it
  int threads = 1;                        // math threads
};

// Checks the options against `num_units` units (names the option on failure).
Status ValidateBudgetedSelectionOptions(const BudgetedSelectionOptions& options, size_t num_units);

struct SelectedUnit {
  int index = 0;              // unit of the training set
  float attention = 0.0f;     // attention at pick time relative to the candidates' mean
                              // (1 for must_include)
  double value_for_cost = 0;  // the score it won its round with
};

struct BudgetedSelection {
  std::vector<SelectedUnit> units;               // in pick order, must_include first
  std::map<std::string, BudgetUse> budget_use;   // per budgeted resource, + "features"
  int64_t training_steps = 0;
  std::string stop_reason;                       // "k reached", "nothing fits", "no candidates"
};

// Runs budget-aware Sequential Attention on `train` (numeric units standardised).
// Fails with InvalidArgument when must_include alone breaks a budget or max_features
// (naming the resource), or on invalid options / data.
Result<BudgetedSelection> SelectUnderBudgets(const StructuredDataset& train,
                                             const BudgetedSelectionOptions& options,
                                             const std::function<void(int selected)>& progress = {});

// The unit indices of a selection, in pick order.
std::vector<int> UnitIndices(const BudgetedSelection& selection);

}  // namespace sieve
