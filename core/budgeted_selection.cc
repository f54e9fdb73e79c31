#include "core/budgeted_selection.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/budget.h"
#include "core/selector.h"
#include "core/structured_model.h"

namespace sieve {

Status ValidateBudgetedSelectionOptions(const BudgetedSelectionOptions& o, size_t num_units) {
  const int n = static_cast<int>(num_units);
  if (o.k < 0) return Status::InvalidArgument("k must be >= 0, got " + std::to_string(o.k));
  if (o.k > n) {
    return Status::InvalidArgument("k = " + std::to_string(o.k) +
                                   " is larger than the number of features (" + std::to_string(n) + ")");
  }
  if (o.max_features < 0) return Status::InvalidArgument("max_features must be >= 0");
  for (const auto& [resource, budget] : o.budgets) {
    if (!std::isfinite(budget) || budget < 0) {
      return Status::InvalidArgument("budgets." + resource + " must be a finite non-negative number");
    }
  }
  auto check_indices = [&](const std::vector<int>& v, const char* field) -> Status {
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] < 0 || v[i] >= n) {
        return Status::InvalidArgument(std::string(field) + "[" + std::to_string(i) + "]: index " +
                                       std::to_string(v[i]) + " is out of range");
      }
      if (std::count(v.begin(), v.end(), v[i]) > 1) {
        return Status::InvalidArgument(std::string(field) + ": feature " + std::to_string(v[i]) +
                                       " is listed twice");
      }
    }
    return Status::Ok();
  };
  SIEVE_RETURN_IF_ERROR(check_indices(o.must_include, "must_include"));
  SIEVE_RETURN_IF_ERROR(check_indices(o.exclude, "exclude"));
  for (int i : o.must_include) {
    if (std::count(o.exclude.begin(), o.exclude.end(), i)) {
      return Status::InvalidArgument("must_include: feature " + std::to_string(i) + " is also excluded");
    }
  }
  if (o.k > 0 && o.must_include.size() > static_cast<size_t>(o.k)) {
    return Status::InvalidArgument("must_include names more features than k = " + std::to_string(o.k));
  }
  if (!o.depends_on.empty() && o.depends_on.size() != num_units) {
    return Status::InvalidArgument("depends_on must be empty or have one entry per feature");
  }
  for (const auto& r : o.depends_on) {
    for (int v : r) {
      if (v < 0 || v >= n) return Status::InvalidArgument("depends_on: index out of range");
    }
  }
  if (!(o.cost_exponent >= 0) || !std::isfinite(o.cost_exponent)) {
    return Status::InvalidArgument("cost_exponent must be a finite number >= 0");
  }
  for (int h : o.hidden) {
    if (h < 1) return Status::InvalidArgument("hidden layer widths must be at least 1");
  }
  if (o.batch_size < 1) return Status::InvalidArgument("batch_size must be at least 1");
  if (!(o.learning_rate > 0)) return Status::InvalidArgument("learning_rate must be positive");
  if (o.steps_per_round < 0) return Status::InvalidArgument("steps_per_round must be >= 0");
  if (!(o.warmup_fraction >= 0 && o.warmup_fraction < 1)) {
    return Status::InvalidArgument("warmup_fraction must be in [0, 1)");
  }
  if (!(o.l2 >= 0)) return Status::InvalidArgument("l2 must be >= 0");
  if (!(o.attention_learning_rate > 0)) {
    return Status::InvalidArgument("attention_learning_rate must be positive");
  }
  if (o.threads < 1) return Status::InvalidArgument("threads must be at least 1");
  return ValidateFinalCandidateAttention(o.final_candidate_attention);
}

std::vector<int> UnitIndices(const BudgetedSelection& selection) {
  std::vector<int> out;
  for (const auto& u : selection.units) out.push_back(u.index);
  return out;
}

Result<BudgetedSelection> SelectUnderBudgets(const StructuredDataset& train,
                                             const BudgetedSelectionOptions& options,
                                             const std::function<void(int selected)>& progress) {
  SIEVE_RETURN_IF_ERROR(ValidateStructuredDataset(train));
  SIEVE_RETURN_IF_ERROR(ValidateBudgetedSelectionOptions(options, train.units.size()));
  Eigen::setNbThreads(options.threads);
  const int d = static_cast<int>(train.units.size());

  std::vector<UnitCost> costs = UnitCostsFor(train.units, options.budgets);
  if (!options.depends_on.empty()) {
    for (int u = 0; u < d; ++u) costs[u].depends_on = options.depends_on[u];
  }
  BudgetTracker tracker(costs, options.max_features, options.budgets, train.names());
  SIEVE_RETURN_IF_ERROR(tracker.AddRequired(options.must_include));

  BudgetedSelection result;
  // 1 = selected, -1 = out of the pool (excluded, or can never fit), 0 = candidate.
  std::vector<int> state(d, 0);
  for (int i : options.exclude) state[i] = -1;
  for (int i : options.must_include) {
    state[i] = 1;
    result.units.push_back({i, 1.0f, 0.0});
  }
  auto drop_hopeless = [&] {
    for (int u = 0; u < d; ++u) {
      if (state[u] != 0 || tracker.Fits(u)) continue;
      // A unit's cost only falls when units it depends_on get paid for by others.
      bool may_get_cheaper = false;
      for (int v : costs[u].depends_on) may_get_cheaper = may_get_cheaper || state[v] != 1;
      const bool full =
          options.max_features > 0 && tracker.selected_count() >= options.max_features;
      if (!may_get_cheaper || full) state[u] = -1;
    }
  };
  drop_hopeless();
  auto candidates = [&] {
    int n = 0;
    for (int s : state) n += s == 0;
    return n;
  };
  const int target = options.k > 0 ? options.k : d;
  auto done = [&] { return static_cast<int>(result.units.size()) >= target; };
  if (done()) {
    result.stop_reason = "k reached";
    result.budget_use = tracker.Use();
    return result;
  }
  if (candidates() == 0) {
    result.stop_reason = "no candidates";
    result.budget_use = tracker.Use();
    return result;
  }

  int rounds = std::min(target - static_cast<int>(result.units.size()), candidates());
  if (options.max_features > 0) rounds = std::min(rounds, options.max_features - tracker.selected_count());
  const int steps_per_round =
      options.steps_per_round > 0
          ? options.steps_per_round
          : static_cast<int>(std::max<size_t>(100, (train.rows + options.batch_size - 1) / options.batch_size));
  const double w = options.warmup_fraction;
  // Warm-up as a share of the rounds expected; capped when k is open-ended.
  const int64_t warmup_steps = static_cast<int64_t>(
      std::llround(w / (1.0 - w) * std::min(rounds, 20) * steps_per_round));

  const Dataset labels = train.LabelsOnly();
  StructuredNet net(train.units, {}, options.hidden, OutputsFor(labels), HeadFor(labels), options.seed);
  Adam adam(net.Params(), {.learning_rate = options.learning_rate});
  Eigen::VectorXf logits = Eigen::VectorXf::Zero(d), logit_grad = Eigen::VectorXf::Zero(d);
  Adam logit_adam({{logits.data(), logit_grad.data(), static_cast<size_t>(d)}},
                  {.learning_rate = options.attention_learning_rate});
  BatchSampler sampler(train.rows, static_cast<size_t>(options.batch_size), options.seed + 17);

  std::vector<float> attention(d, 0.0f);
  RowVec scale(net.width()), scale_grad(net.width());
  std::vector<double> unit_grad(d);
  // The candidates fade as in SequentialAttentionSelector (CandidateMeanAttention).
  const int initial_candidates = candidates();
  double mean = 1.0;
  double pool = 1;
  auto compute_attention = [&] {
    float max_logit = -std::numeric_limits<float>::infinity();
    for (int u = 0; u < d; ++u) {
      if (state[u] == 0) max_logit = std::max(max_logit, logits[u]);
    }
    double sum = 0;
    int n = 0;
    for (int u = 0; u < d; ++u) {
      attention[u] = state[u] == 0 ? std::exp(logits[u] - max_logit) : 0.0f;
      sum += attention[u];
      n += state[u] == 0;
    }
    pool = std::max(1, n) * mean;
    const double inv = sum > 0 ? pool / sum : 0.0;
    for (int u = 0; u < d; ++u) {
      attention[u] = state[u] == 1 ? 1.0f : static_cast<float>(attention[u] * inv);
      scale.segment(net.offset(u), net.unit_width(u)).setConstant(attention[u]);
    }
  };

  MatrixRM raw;
  std::vector<float> yb;
  auto train_step = [&] {
    compute_attention();
    const auto& idx = sampler.Next();
    net.Gather(train, idx, raw);
    yb.resize(idx.size());
    for (size_t i = 0; i < idx.size(); ++i) yb[i] = train.labels[idx[i]];
    net.ForwardBackward(raw, yb.data(), scale, &scale_grad, options.l2);
    double dot = 0;
    for (int u = 0; u < d; ++u) {
      unit_grad[u] = scale_grad.segment(net.offset(u), net.unit_width(u)).sum();
      if (state[u] == 0) dot += attention[u] * unit_grad[u];
    }
    dot /= pool;
    for (int u = 0; u < d; ++u) {
      logit_grad[u] = state[u] == 0 ? static_cast<float>(attention[u] * (unit_grad[u] - dot)) : 0.0f;
    }
    adam.Step();
    logit_adam.Step();
    ++result.training_steps;
  };

  for (int64_t s = 0; s < warmup_steps; ++s) train_step();
  result.stop_reason = "k reached";
  for (int round = 0; !done(); ++round) {
    if (candidates() == 0) {
      result.stop_reason = "nothing fits";
      break;
    }
    mean = CandidateMeanAttention(options.final_candidate_attention, initial_candidates, round,
                                  rounds);
    for (int s = 0; s < steps_per_round; ++s) train_step();
    compute_attention();
    // Pick the eligible unit with the best value for cost.
    int remaining_picks = target - static_cast<int>(result.units.size());
    if (options.max_features > 0) {
      remaining_picks = std::min(remaining_picks, options.max_features - tracker.selected_count());
    }
    remaining_picks = std::min(remaining_picks, candidates());
    int best = -1;
    double best_value = -1;
    for (int u = 0; u < d; ++u) {
      if (state[u] != 0 || !tracker.Fits(u)) continue;
      const double relative = tracker.FairShareRatio(u, remaining_picks);
      const double value = ValueForCost(attention[u] / mean, relative, options.cost_exponent);
      if (value > best_value) {
        best_value = value;
        best = u;
      }
    }
    if (best < 0) {
      result.stop_reason = "nothing fits";
      break;
    }
    tracker.Add(best);
    state[best] = 1;
    result.units.push_back({best, static_cast<float>(attention[best] / mean), best_value});
    drop_hopeless();
    logits.setZero();
    logit_adam.ResetAll();
    if (progress) progress(static_cast<int>(result.units.size()));
  }
  result.budget_use = tracker.Use();
  return result;
}

}  // namespace sieve
