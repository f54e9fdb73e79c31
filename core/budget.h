// Budget bookkeeping for budget-aware selection: which units still fit, what adding
// one costs, how its value compares per unit of cost, and what a selection uses.
//
// A unit's cost is its own cost per resource plus the cost of every unit it depends_on
// (a feature cross depends_on its two components) that is not already paid for; each
// unit is paid at most once. A unit is eligible only if adding it keeps every budget
// (and max_units) satisfied, so a selection built through Add() never exceeds one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/feature_schema.h"
#include "core/feature_set.h"
#include "core/status.h"

namespace sieve {

struct UnitCost {
  std::map<std::string, double> own;  // serving cost per resource; unlisted = 0
  std::vector<int> depends_on;          // units served alongside this one (cross components)
};

// The UnitCost of each spec over the resources in `budgets` (memory_bytes of
// categoricals defaults to the embedding table, see CostOf).
std::vector<UnitCost> UnitCostsFor(const std::vector<FeatureSpec>& specs,
                                   const std::map<std::string, double>& budgets);

class BudgetTracker {
 public:
  // `names` (one per unit) are used in error messages only. max_units 0 = no cap.
  BudgetTracker(std::vector<UnitCost> costs, int max_units, std::map<std::string, double> budgets,
                std::vector<std::string> names);

  // Adds the required units first. Fails with InvalidArgument naming the first
  // resource (or max_features) that `units` alone exceed, with used and declared.
  Status AddRequired(const std::vector<int>& units);

  // Extra cost on `resource` of adding unit `u` now.
  double IncrementalCost(int u, const std::string& resource) const;
  // True if adding `u` keeps every budget and max_units satisfied.
  bool Fits(int u) const;
  // Sum over budgeted resources of IncrementalCost / budget (a share of the budgets).
  double BudgetShare(int u) const;
  // How many fair shares of the remaining budgets adding `u` takes, if the remainder
  // were split evenly over `remaining_picks` picks: the largest over budgeted resources
  // of IncrementalCost / (remaining budget / remaining_picks). 0 for a free unit;
  // infinite when a resource with a cost has nothing left.
  double FairShareRatio(int u, int remaining_picks) const;
  // Records `u` as selected and its (and its requirements') costs as paid.
  // REQUIRES: Fits(u).
  void Add(int u);

  int selected_count() const { return selected_count_; }
  // Declared vs used per budgeted resource, and "features" when max_units > 0.
  std::map<std::string, BudgetUse> Use() const;

 private:
  std::vector<UnitCost> costs_;
  int max_units_;
  std::map<std::string, double> budgets_;
  std::vector<std::string> names_;
  std::map<std::string, double> used_;
  std::vector<char> paid_;
  int selected_count_ = 0;
};

// Value for cost of a candidate: attention / max(1, relative_cost)^exponent, where
// relative_cost is its FairShareRatio: a unit that takes no more than its fair share of
// what is left is judged by attention alone, a costlier one needs proportionally more
// attention to win (exponent 0 is cost-blind). Tight budgets thus favour cheap units
// strongly, loose budgets hardly at all.
double ValueForCost(double attention, double relative_cost, double exponent);

// The cost-blind baseline's repair: walks `order` (a selection without regard to
// budgets), then drops the unit with the largest BudgetShare (never one of
// `protected_units`) until every budget and max_units hold. Returns the kept units in
// their original order.
std::vector<int> TruncateToBudget(const std::vector<int>& order, const std::vector<UnitCost>& costs,
                                  int max_units, const std::map<std::string, double>& budgets,
                                  const std::vector<int>& protected_units);

}  // namespace sieve
