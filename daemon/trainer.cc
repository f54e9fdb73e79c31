#include "daemon/trainer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/budget.h"
#include "core/budgeted_selection.h"
#include "core/feature_schema.h"
#include "core/structured_data.h"
#include "core/structured_model.h"
#include "daemon/baseline_selection.h"

namespace sieve {
namespace {

// Reads units and labels out of the window in the pipeline's declared order.
Result<StructuredDataset> BuildDataset(const WindowSnapshot& window, const PipelineConfig& config) {
  StructuredDataset data;
  data.rows = window.num_rows;
  auto column_of = [](const std::vector<std::string>& names, const std::string& name) -> int {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
  };
  std::vector<FeatureConfig> features = config.features;
  if (config.discovery) {
    features.clear();
    for (const auto& name : window.float_columns) features.push_back({.name = name});
  }
  const size_t nf = window.float_columns.size(), nb = window.bucket_columns.size();
  for (const auto& feature : features) {
    FeatureSpec spec;
    spec.name = feature.name;
    spec.costs = feature.costs;
    if (feature.kind == FeatureConfig::Kind::kCategorical) {
      const int c = column_of(window.bucket_columns, feature.name);
      if (c < 0)
        return std::unexpected(
            Status::FailedPrecondition("feature '" + feature.name + "' is not in the window"));
      spec.kind = FeatureKind::kCategorical;
      spec.buckets = feature.buckets;
      spec.embedding_dim = static_cast<int>(feature.embedding_dim);
      std::vector<int32_t> ids(data.rows);
      for (size_t r = 0; r < data.rows; ++r) {
        ids[r] = std::clamp<int32_t>(window.buckets[r * nb + c], 0,
                                     static_cast<int32_t>(feature.buckets - 1));
      }
      data.numeric.emplace_back();
      data.buckets.push_back(std::move(ids));
    } else {
      const int c = column_of(window.float_columns, feature.name);
      if (c < 0)
        return std::unexpected(
            Status::FailedPrecondition("feature '" + feature.name + "' is not in the window"));
      std::vector<float> values(data.rows);
      for (size_t r = 0; r < data.rows; ++r) values[r] = window.floats[r * nf + c];
      data.numeric.push_back(std::move(values));
      data.buckets.emplace_back();
    }
    data.units.push_back(std::move(spec));
  }
  // Task and labels.
  std::set<float> distinct;
  bool integral = true;
  for (float y : window.labels) {
    if (!std::isfinite(y))
      return std::unexpected(Status::InvalidArgument("window holds a non-finite label"));
    if (y != std::floor(y)) integral = false;
    if (distinct.size() <= 64) distinct.insert(y);
  }
  Task task = Task::kRegression;
  if (config.label.task == LabelConfig::Task::kClassification) task = Task::kClassification;
  if (config.label.task == LabelConfig::Task::kAuto && integral && distinct.size() <= 20) {
    task = Task::kClassification;
  }
  data.task = task;
  data.labels = window.labels;
  if (task == Task::kClassification) {
    if (distinct.size() < 2) {
      return std::unexpected(Status::FailedPrecondition(
          "the window holds a single label value; classification needs two"));
    }
    if (distinct.size() > 64)
      return std::unexpected(Status::InvalidArgument("too many label values for classification"));
    std::map<float, int> index;
    for (float y : distinct) index.emplace(y, static_cast<int>(index.size()));
    for (float& y : data.labels) y = static_cast<float>(index[y]);
    data.num_classes = static_cast<int>(index.size());
  }
  return data;
}

std::vector<int> IndicesOf(const std::vector<std::string>& names, const StructuredDataset& data) {
  std::vector<int> out;
  for (const auto& name : names) {
    for (size_t u = 0; u < data.units.size(); ++u) {
      if (data.units[u].name == name) out.push_back(static_cast<int>(u));
    }
  }
  return out;
}

// A baseline selector on the numeric units, then the cost-blind repair that drops
// units until every budget and max_features hold.
Result<BudgetedSelection> SelectWithBaseline(const StructuredDataset& train,
                                             const BudgetedSelectionOptions& options,
                                             const std::string& algorithm) {
  BaselineInput input;
  for (const auto& unit : train.units) {
    if (unit.kind != FeatureKind::kNumeric) {
      return std::unexpected(Status::FailedPrecondition(
          "selector " + algorithm + " works on numeric features only; categorical feature '" +
          unit.name + "' needs sequential_attention"));
    }
  }
  std::vector<int> candidates;  // units the baseline sees (exclude removed)
  for (size_t u = 0; u < train.units.size(); ++u) {
    if (std::find(options.exclude.begin(), options.exclude.end(), static_cast<int>(u)) ==
        options.exclude.end()) {
      candidates.push_back(static_cast<int>(u));
      input.columns.push_back(train.numeric[u]);
    }
  }
  for (int m : options.must_include) {
    input.must_include.push_back(
        static_cast<int>(std::find(candidates.begin(), candidates.end(), m) - candidates.begin()));
  }
  input.labels = train.labels;
  input.classification = train.task == Task::kClassification;
  input.num_classes = train.num_classes;
  input.algorithm = algorithm;
  const int limit = options.k > 0 ? options.k : static_cast<int>(candidates.size());
  input.k = std::min<int>(limit, static_cast<int>(candidates.size()));
  input.seed = options.seed;
  input.threads = options.threads;
  SIEVE_ASSIGN_OR_RETURN(BaselineRun run, RunBaselineSelector(input));
  std::vector<int> order;
  for (int i : run.order) order.push_back(candidates[i]);
  const std::vector<UnitCost> costs = UnitCostsFor(train.units, options.budgets);
  const std::vector<int> kept =
      TruncateToBudget(order, costs, options.max_features, options.budgets, options.must_include);
  BudgetTracker tracker(costs, options.max_features, options.budgets, train.names());
  BudgetedSelection selection;
  selection.training_steps = run.training_steps;
  selection.stop_reason = kept.size() < order.size() ? "truncated to the budgets" : "k reached";
  for (int u : kept) {
    const size_t at = std::find(order.begin(), order.end(), u) - order.begin();
    selection.units.push_back({.index = u, .attention = run.weights[at], .value_for_cost = 0});
    if (tracker.Fits(u)) tracker.Add(u);
  }
  selection.budget_use = tracker.Use();
  return selection;
}

}  // namespace

Result<TrainResult> TrainCandidate(const TrainRequest& request, const Clock& clock) {
  const int64_t start = clock.MonotonicMicros();
  auto cancelled = [&] { return request.cancel != nullptr && request.cancel->load(); };
  const PipelineConfig& config = request.pipeline;
  if (request.window == nullptr || request.window->num_rows < 4) {
    return std::unexpected(Status::FailedPrecondition("window too small to train"));
  }
  SIEVE_ASSIGN_OR_RETURN(StructuredDataset data, BuildDataset(*request.window, config));

  // Tail split: the newest rows validate.
  const size_t validation_rows = std::max<size_t>(
      1, static_cast<size_t>(std::llround(data.rows * config.window.validation_fraction)));
  if (validation_rows >= data.rows)
    return std::unexpected(Status::FailedPrecondition("window too small to split"));
  std::vector<size_t> train_idx(data.rows - validation_rows), validation_idx(validation_rows);
  for (size_t i = 0; i < train_idx.size(); ++i) train_idx[i] = i;
  for (size_t i = 0; i < validation_rows; ++i) validation_idx[i] = train_idx.size() + i;
  StructuredDataset train = data.Rows(train_idx);
  StructuredDataset validation = data.Rows(validation_idx);
  data = StructuredDataset();
  StandardizeNumericUnits(train, validation);
  SIEVE_RETURN_IF_ERROR(ValidateStructuredDataset(train));

  const SelectorConfig& sel = config.selector;
  BudgetedSelectionOptions options;
  options.k = static_cast<int>(sel.k);
  options.max_features = static_cast<int>(config.constraints.max_features);
  options.budgets = config.constraints.budgets;
  options.must_include = IndicesOf(config.constraints.must_include, train);
  options.exclude = IndicesOf(config.constraints.exclude, train);
  options.cost_exponent = sel.cost_exponent;
  options.hidden.assign(sel.hidden_units.begin(), sel.hidden_units.end());
  options.batch_size = static_cast<int>(sel.batch_size);
  options.learning_rate = static_cast<float>(sel.learning_rate);
  options.steps_per_round = static_cast<int>(sel.steps_per_round);
  options.warmup_fraction = sel.warmup_fraction;
  options.seed = sel.seed;
  options.threads = std::max(1, request.threads);
  if (options.k == 0 && options.max_features == 0 && options.budgets.empty()) {
    options.k = static_cast<int>(train.units.size());
  }
  SIEVE_RETURN_IF_ERROR(ValidateBudgetedSelectionOptions(options, train.units.size()));
  if (cancelled()) return std::unexpected(Status::Cancelled("training abandoned"));
  const bool sequential_attention =
      sel.algorithm == SelectorConfig::Algorithm::kSequentialAttention;
  BudgetedSelection selection;
  if (sequential_attention) {
    SIEVE_ASSIGN_OR_RETURN(selection, SelectUnderBudgets(train, options));
  } else {
    SIEVE_ASSIGN_OR_RETURN(
        selection, SelectWithBaseline(train, options, std::string(ConfigName(sel.algorithm))));
  }
  if (selection.units.empty()) {
    return std::unexpected(
        Status::FailedPrecondition("nothing selected: " + selection.stop_reason));
  }
  if (cancelled()) return std::unexpected(Status::Cancelled("training abandoned"));

  StructuredTrainOptions fit;
  fit.hidden = options.hidden;
  fit.batch_size = options.batch_size;
  fit.learning_rate = options.learning_rate;
  fit.seed = sel.seed;
  const int64_t per_epoch =
      static_cast<int64_t>((train.rows + fit.batch_size - 1) / fit.batch_size);
  fit.steps = std::clamp<int64_t>(10 * per_epoch, 300, 1500);

  const std::vector<int> chosen = UnitIndices(selection);
  const Metrics metrics = FitAndScore(train.Units(chosen), validation.Units(chosen), {}, fit);

  TrainResult result;
  result.metric_name = metrics.primary_name();
  result.candidate_metric = metrics.primary();
  if (!std::isfinite(result.candidate_metric)) result.candidate_metric = 0;
  result.train_rows = train.rows;
  result.validation_rows = validation.rows;

  if (request.active.has_value() && !request.active->features.empty()) {
    std::vector<std::string> names;
    for (const auto& f : request.active->features) names.push_back(f.name);
    const std::vector<int> active_units = IndicesOf(names, train);
    if (active_units.size() == names.size()) {
      if (cancelled()) return std::unexpected(Status::Cancelled("training abandoned"));
      const Metrics active =
          FitAndScore(train.Units(active_units), validation.Units(active_units), {}, fit);
      if (std::isfinite(active.primary())) result.active_metric = active.primary();
    }
  }

  FeatureSetVersion& v = result.candidate;
  v.pipeline = config.name;
  v.algorithm = std::string(ConfigName(sel.algorithm));
  v.seed = sel.seed;
  v.config_hash = PipelineConfigHash(config);
  v.hyperparameters = {
      {"k", std::to_string(options.k)},
      {"hidden_units",
       [&] {
         std::string s;
         for (int h : options.hidden) s += (s.empty() ? "" : ",") + std::to_string(h);
         return s;
       }()},
      {"batch_size", std::to_string(options.batch_size)},
      {"learning_rate", std::to_string(options.learning_rate)},
      {"steps_per_round", std::to_string(options.steps_per_round)},
      {"cost_exponent", std::to_string(options.cost_exponent)},
      {"training_steps", std::to_string(selection.training_steps)},
      {"final_fit_steps", std::to_string(fit.steps)},
      {"stop_reason", selection.stop_reason},
      {"split", "tail"},
      {"train_rows", std::to_string(train.rows)},
      {"validation_rows", std::to_string(validation.rows)},
  };
  int rank = 0;
  for (const auto& unit : selection.units) {
    const FeatureSpec& spec = train.units[unit.index];
    SelectedFeature f;
    f.name = spec.name;
    f.kind = spec.kind;
    f.rank = ++rank;
    f.attention_weight = unit.attention;
    f.costs = spec.costs;
    if (spec.kind != FeatureKind::kNumeric) {
      f.embedding_size = spec.embedding_dim;
      if (!f.costs.contains(std::string(kMemoryBytes))) {
        f.costs[std::string(kMemoryBytes)] = CostOf(spec, kMemoryBytes);
      }
    }
    v.features.push_back(std::move(f));
  }
  v.budgets = selection.budget_use;
  v.validation_metrics[result.metric_name] = result.candidate_metric;
  if (std::isfinite(metrics.loss)) v.validation_metrics["loss"] = metrics.loss;
  if (metrics.task == Task::kRegression && std::isfinite(metrics.rmse)) {
    v.validation_metrics["rmse"] = metrics.rmse;
  }
  result.seconds = (clock.MonotonicMicros() - start) / 1e6;
  return result;
}

}  // namespace sieve
