#include "core/budgeted_run.h"

#include <algorithm>

#include "core/cross_search.h"
#include "core/structured_model.h"

namespace sieve {
namespace {

int64_t AutoSteps(size_t rows, int batch_size) {
  const int64_t per_epoch = static_cast<int64_t>((rows + batch_size - 1) / batch_size);
  return std::clamp<int64_t>(20 * per_epoch, 500, 4000);
}

}  // namespace

Result<BudgetedReport> RunBudgetedSelection(const StructuredDataset& data, const Constraints& constraints,
                                            const BudgetedRunOptions& options, const Clock& clock) {
  SIEVE_RETURN_IF_ERROR(ValidateStructuredDataset(data));
  SIEVE_ASSIGN_OR_RETURN(ResolvedConstraints c, ResolveConstraints(constraints, data.names()));
  const bool has_memory_budget = c.budgets.count(std::string(kMemoryBytes)) > 0;
  if (options.embedding_search && !has_memory_budget) {
    return Err(Status::InvalidArgument("embedding search needs a memory_bytes budget"));
  }
  if (options.embedding_search && options.embedding_block_size < 1) {
    return Err(Status::InvalidArgument("embedding_block_size must be at least 1"));
  }
  SIEVE_ASSIGN_OR_RETURN(Split split, SplitRows(data.LabelsOnly(), options.validation_fraction,
                                                options.split, options.selection.seed));
  StructuredDataset train = data.Rows(split.train), validation = data.Rows(split.validation);
  BudgetedReport report;
  report.imputed_cells = StandardizeNumericUnits(train, validation);
  report.train_rows = train.rows;
  report.validation_rows = validation.rows;

  // With embedding search, a categorical is counted at its smallest size while selecting.
  StructuredDataset selecting = train;
  if (options.embedding_search) {
    for (FeatureSpec& u : selecting.units) {
      if (u.kind != FeatureKind::kNumeric && u.costs.count(std::string(kMemoryBytes)) == 0) {
        u.costs[std::string(kMemoryBytes)] =
            EmbeddingBytes(u.buckets, std::min(u.embedding_dim, options.embedding_block_size));
      }
    }
  }

  BudgetedSelectionOptions so = options.selection;
  so.max_features = c.max_features;
  so.budgets = c.budgets;
  so.must_include = c.must_include;
  so.exclude = c.exclude;
  const int64_t t0 = clock.MonotonicMicros();
  SIEVE_ASSIGN_OR_RETURN(BudgetedSelection selection, SelectUnderBudgets(selecting, so));
  std::vector<int> units = UnitIndices(selection);
  report.training_steps = selection.training_steps;
  report.stop_reason = selection.stop_reason;
  report.budgets = selection.budget_use;
  std::vector<float> attention;
  for (const auto& s : selection.units) attention.push_back(s.attention);

  std::vector<std::pair<int, int>> crosses;
  int categoricals = 0;
  for (const FeatureSpec& u : selecting.units) categoricals += u.kind == FeatureKind::kCategorical;
  if (options.cross_search && categoricals >= 2) {
    CrossSearchOptions cs;
    cs.max_crosses = options.max_crosses;
    cs.cross_buckets = options.cross_buckets;
    cs.cross_embedding_dim = options.cross_embedding_dim;
    cs.selection = so;
    // Every categorical may be a component; one not selected adds its own cost.
    SIEVE_ASSIGN_OR_RETURN(CrossSearchResult found, SearchCrosses(selecting, units, cs));
    crosses = found.crosses;
    report.budgets = found.selection.budget_use;
    for (size_t i = units.size(); i < found.selection.units.size(); ++i) {
      attention.push_back(found.selection.units[i].attention);
    }
    report.training_steps += found.selection.training_steps;
  }
  const std::vector<int> cross_units =
      AppendCrosses(train, crosses, options.cross_buckets, options.cross_embedding_dim);
  AppendCrosses(validation, crosses, options.cross_buckets, options.cross_embedding_dim);
  AppendCrosses(selecting, crosses, options.cross_buckets, options.cross_embedding_dim);
  units.insert(units.end(), cross_units.begin(), cross_units.end());

  StructuredDataset train_sel = train.Units(units), validation_sel = validation.Units(units);
  std::vector<int> dims(units.size(), 0);
  for (size_t i = 0; i < units.size(); ++i) dims[i] = train_sel.units[i].embedding_dim;

  if (options.embedding_search) {
    // Memory of the selected tables as counted while selecting; the rest of the
    // memory use (numerics, components paid for crosses) stays as it is.
    const std::string mem(kMemoryBytes);
    double tables_counted = 0;
    for (size_t i = 0; i < units.size(); ++i) {
      if (train_sel.units[i].kind != FeatureKind::kNumeric) tables_counted += CostOf(selecting.units[units[i]], mem);
    }
    BudgetUse& use = report.budgets[mem];
    EmbeddingSearchOptions es;
    es.memory_budget_bytes = c.budgets.at(mem) - (use.used - tables_counted);
    es.block_size = options.embedding_block_size;
    es.network.hidden = options.selection.hidden;
    es.network.batch_size = options.selection.batch_size;
    es.network.learning_rate = options.selection.learning_rate;
    es.network.l2 = options.selection.l2;
    es.network.seed = options.selection.seed;
    SIEVE_ASSIGN_OR_RETURN(EmbeddingSearchResult sizes, SearchEmbeddingSizes(train_sel, nullptr, es));
    double tables_served = 0;
    for (size_t i = 0; i < units.size(); ++i) {
      if (train_sel.units[i].kind == FeatureKind::kNumeric) continue;
      dims[i] = sizes.embedding_dims[i];
      train_sel.units[i].embedding_dim = dims[i];  // default memory cost follows the size
      validation_sel.units[i].embedding_dim = dims[i];
      tables_served += CostOf(train_sel.units[i], mem);
    }
    use.used += tables_served - tables_counted;
  }
  const int64_t t1 = clock.MonotonicMicros();
  report.select_seconds = (t1 - t0) / 1e6;

  for (size_t i = 0; i < units.size(); ++i) {
    const FeatureSpec& spec = train_sel.units[i];
    BudgetedFeature f;
    f.name = spec.name;
    f.kind = spec.kind;
    f.rank = static_cast<int>(i) + 1;
    f.attention = i < attention.size() ? attention[i] : 0.0f;
    for (const auto& [resource, budget] : c.budgets) {
      f.costs[resource] = CostOf(options.embedding_search ? spec : selecting.units[units[i]], resource);
    }
    f.embedding_size = spec.kind == FeatureKind::kNumeric ? 0 : dims[i];
    if (spec.kind == FeatureKind::kCross) {
      const auto& [a, b] = crosses[i - (units.size() - crosses.size())];
      f.components = {train.units[a].name, train.units[b].name};
    }
    report.features.push_back(std::move(f));
  }

  StructuredTrainOptions fit;
  fit.hidden = options.selection.hidden;
  fit.batch_size = options.selection.batch_size;
  fit.learning_rate = options.selection.learning_rate;
  fit.seed = options.selection.seed;
  fit.steps = options.final_fit_steps > 0 ? options.final_fit_steps : AutoSteps(train.rows, fit.batch_size);
  report.validation = FitAndScore(train_sel, validation_sel, dims, fit);

  if (options.prune_hidden_macs > 0) {
    Dataset tr = train_sel.LabelsOnly(), va = validation_sel.LabelsOnly();
    for (const FeatureSpec& u : train_sel.units) {
      if (u.kind != FeatureKind::kNumeric) {
        return Err(Status::InvalidArgument("hidden-unit pruning supports numeric selections only; '" +
                                           u.name + "' is categorical"));
      }
    }
    auto to_table = [&](const StructuredDataset& s, Dataset& d) {
      d.cols = s.units.size();
      d.values.resize(d.rows * d.cols);
      for (size_t r = 0; r < d.rows; ++r) {
        for (size_t u = 0; u < d.cols; ++u) d.values[r * d.cols + u] = s.numeric[u][r];
      }
      for (const auto& u : s.units) d.feature_names.push_back(u.name);
    };
    to_table(train_sel, tr);
    to_table(validation_sel, va);
    HiddenPruningOptions hp;
    hp.hidden_units = options.selection.hidden.empty() ? 64 : options.selection.hidden[0];
    hp.max_macs_per_sample = options.prune_hidden_macs;
    hp.network.batch_size = options.selection.batch_size;
    hp.network.learning_rate = options.selection.learning_rate;
    hp.network.seed = options.selection.seed;
    SIEVE_ASSIGN_OR_RETURN(report.hidden_pruning, PruneHiddenUnits(tr, va, hp));
  }
  report.final_fit_seconds = (clock.MonotonicMicros() - t1) / 1e6;
  return report;
}

}  // namespace sieve
