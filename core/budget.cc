#include "core/budget.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sieve {

std::vector<UnitCost> UnitCostsFor(const std::vector<FeatureSpec>& specs,
                                   const std::map<std::string, double>& budgets) {
  std::vector<UnitCost> out(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    for (const auto& [resource, budget] : budgets) {
      const double c = CostOf(specs[i], resource);
      if (c != 0) out[i].own[resource] = c;
    }
  }
  return out;
}

BudgetTracker::BudgetTracker(std::vector<UnitCost> costs, int max_units,
                             std::map<std::string, double> budgets, std::vector<std::string> names)
    : costs_(std::move(costs)),
      max_units_(max_units),
      budgets_(std::move(budgets)),
      names_(std::move(names)),
      paid_(costs_.size(), 0) {
  for (const auto& [resource, budget] : budgets_) used_[resource] = 0.0;
}

namespace {
std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
}  // namespace

Status BudgetTracker::AddRequired(const std::vector<int>& units) {
  for (int u : units) {
    if (max_units_ > 0 && selected_count_ + 1 > max_units_) {
      return Status::InvalidArgument("must_include is infeasible: " +
                                     std::to_string(units.size()) +
                                     " features exceed max_features = " +
                                     std::to_string(max_units_));
    }
    for (const auto& [resource, budget] : budgets_) {
      const double after = used_[resource] + IncrementalCost(u, resource);
      if (after > budget) {
        return Status::InvalidArgument("must_include is infeasible: with '" + names_[u] +
                                       "' the " + resource + " used is " + Number(after) +
                                       ", over its budget of " + Number(budget));
      }
    }
    Add(u);
  }
  return Status::Ok();
}

double BudgetTracker::IncrementalCost(int u, const std::string& resource) const {
  auto own = [&](int v) {
    const auto it = costs_[v].own.find(resource);
    return it == costs_[v].own.end() ? 0.0 : it->second;
  };
  double c = paid_[u] ? 0.0 : own(u);
  for (int v : costs_[u].depends_on) {
    if (!paid_[v] && v != u) c += own(v);
  }
  return c;
}

bool BudgetTracker::Fits(int u) const {
  if (max_units_ > 0 && selected_count_ + 1 > max_units_) return false;
  for (const auto& [resource, budget] : budgets_) {
    if (used_.at(resource) + IncrementalCost(u, resource) > budget) return false;
  }
  return true;
}

double BudgetTracker::BudgetShare(int u) const {
  double share = 0;
  for (const auto& [resource, budget] : budgets_) {
    const double c = IncrementalCost(u, resource);
    if (c > 0) share += budget > 0 ? c / budget : 1.0;
  }
  return share;
}

double BudgetTracker::FairShareRatio(int u, int remaining_picks) const {
  double ratio = 0;
  for (const auto& [resource, budget] : budgets_) {
    const double c = IncrementalCost(u, resource);
    if (c <= 0) continue;
    const double left = budget - used_.at(resource);
    if (left <= 0) return std::numeric_limits<double>::infinity();
    ratio = std::max(ratio, c / (left / std::max(1, remaining_picks)));
  }
  return ratio;
}

void BudgetTracker::Add(int u) {
  for (auto& [resource, used] : used_) used += IncrementalCost(u, resource);
  paid_[u] = 1;
  for (int v : costs_[u].depends_on) paid_[v] = 1;
  ++selected_count_;
}

std::map<std::string, BudgetUse> BudgetTracker::Use() const {
  std::map<std::string, BudgetUse> out;
  for (const auto& [resource, budget] : budgets_) out[resource] = {budget, used_.at(resource)};
  if (max_units_ > 0) {
    out["features"] = {static_cast<double>(max_units_), static_cast<double>(selected_count_)};
  }
  return out;
}

double ValueForCost(double attention, double relative_cost, double exponent) {
  if (exponent == 0) return attention;
  return attention / std::pow(std::max(1.0, relative_cost), exponent);
}

std::vector<int> TruncateToBudget(const std::vector<int>& order, const std::vector<UnitCost>& costs,
                                  int max_units, const std::map<std::string, double>& budgets,
                                  const std::vector<int>& protected_units) {
  std::vector<int> kept = order;
  auto within = [&] {
    BudgetTracker t(costs, 0, budgets, {});
    for (int u : kept) t.Add(u);
    if (max_units > 0 && static_cast<int>(kept.size()) > max_units) return false;
    for (const auto& [resource, use] : t.Use()) {
      if (!use.Satisfied()) return false;
    }
    return true;
  };
  while (!kept.empty() && !within()) {
    // The costliest droppable unit, measured against the whole budget.
    BudgetTracker empty(costs, 0, budgets, {});
    int worst = -1;
    double worst_share = -1;
    for (size_t i = 0; i < kept.size(); ++i) {
      if (std::find(protected_units.begin(), protected_units.end(), kept[i]) !=
          protected_units.end()) {
        continue;
      }
      const double share = empty.BudgetShare(kept[i]);
      if (share >= worst_share) {  // ties: drop the later pick
        worst_share = share;
        worst = static_cast<int>(i);
      }
    }
    if (worst < 0) break;
    kept.erase(kept.begin() + worst);
  }
  return kept;
}

}  // namespace sieve
