// The budgeted side of `sievectl select`: --schema, --budget, --cost-exponent,
// --embedding-search, --cross-search, --max-crosses and --prune-hidden. When any of
// them is given, select_command.cc hands the loaded table to RunBudgetedSelect, which
// runs core's RunBudgetedSelection and prints (and optionally writes as JSON) the
// selection with its budget use, per-feature costs, embedding sizes and crosses.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/dataset.h"
#include "core/status.h"

namespace sieve::cli {

struct BudgetedSelectFlags {
  std::string schema;                // YAML feature schema (config/schema_loader.h)
  std::vector<std::string> budgets;  // "resource=amount", repeatable; override the schema's
  double cost_exponent = 1.0;        // 0 = cost-blind pick order (budgets still hold)
  bool embedding_search = false;     // size the selected embeddings within memory_bytes
  bool cross_search = false;         // add hashed crosses of categoricals in a second pass
  int max_crosses = 1;               // crosses added at most
  double prune_hidden = 0;           // multiply-adds per sample of the pruned model; 0 = off
};

// Registers the flags above on `cmd`.
void AddBudgetedSelectFlags(CLI::App* cmd, BudgetedSelectFlags* flags);

// True when any budgeted flag was given.
bool BudgetedSelectRequested(const BudgetedSelectFlags& flags);

// "memory_bytes=64MiB" -> {"memory_bytes", 67108864}. Resources named *_bytes take byte
// sizes, others plain non-negative numbers. InvalidArgument quoting the text otherwise.
Result<std::pair<std::string, double>> ParseBudgetFlag(std::string_view text);

// The plain `select` flags the budgeted run uses.
struct SelectBasics {
  std::string input;
  std::string label;
  int k = 0;
  uint64_t seed = 0;
  int threads = 1;
  std::vector<int> hidden = {64};
  int steps_per_round = 0;
  double validation_fraction = 0.2;
  std::string split = "stratified";
  std::string output;  // JSON file; empty = none
  float attention_learning_rate = 0.05f;
  float final_candidate_attention = 0.0f;
};

// Runs the budgeted selection on `data` and prints it; returns the process exit code.
int RunBudgetedSelect(const BudgetedSelectFlags& flags, const SelectBasics& basics, const Dataset& data);

}  // namespace sieve::cli
