#include "core/selection_run.h"

#include <Eigen/Core>
#include <algorithm>
#include <numeric>

#include "core/training.h"

namespace sieve {

int64_t AutoFinalFitSteps(size_t train_rows, int batch_size) {
  const int64_t per_epoch = static_cast<int64_t>((train_rows + batch_size - 1) / batch_size);
  return std::clamp<int64_t>(20 * per_epoch, 500, 4000);
}

Result<SelectionReport> RunSelection(const Dataset& data, const SelectionRunOptions& options,
                                     const Clock& clock, const ProgressCallback& progress) {
  SIEVE_RETURN_IF_ERROR(ValidateDataset(data));
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(options.selector, data.cols));

  // A fraction of 0 selects on every row (the caller scores the selection on data of
  // its own); there is then no validation metric and no final fit.
  Split split;
  if (options.validation_fraction == 0.0) {
    split.train.resize(data.rows);
    std::iota(split.train.begin(), split.train.end(), size_t{0});
  } else {
    SIEVE_ASSIGN_OR_RETURN(split, SplitRows(data, options.validation_fraction, options.split,
                                            options.selector.seed));
  }
  Dataset train = data.Rows(split.train);
  Dataset validation = data.Rows(split.validation);
  const Standardizer standardizer = Standardizer::Fit(train);
  SelectionReport report;
  report.imputed_cells = standardizer.Apply(train) + standardizer.Apply(validation);
  report.train_rows = train.rows;
  report.validation_rows = validation.rows;

  SIEVE_ASSIGN_OR_RETURN(auto selector, MakeSelector(options.selector));
  report.algorithm = std::string(selector->name());
  const int64_t t0 = clock.MonotonicMicros();
  SIEVE_ASSIGN_OR_RETURN(Selection selection, selector->Select(train, progress));
  const int64_t t1 = clock.MonotonicMicros();
  report.select_seconds = (t1 - t0) / 1e6;
  report.training_steps = selection.training_steps;

  std::vector<int> columns;
  for (size_t i = 0; i < selection.features.size(); ++i) {
    const FeaturePick& f = selection.features[i];
    columns.push_back(f.index);
    report.features.push_back({data.feature_names[f.index], f.index, static_cast<int>(i) + 1, f.weight});
  }

  if (validation.rows == 0) return report;

  TrainOptions fit;
  fit.hidden = options.selector.hidden.empty() ? std::vector<int>{} : options.selector.hidden;
  fit.batch_size = options.selector.batch_size;
  fit.learning_rate = options.selector.learning_rate;
  fit.seed = options.selector.seed;
  fit.threads = options.selector.threads;
  fit.steps = options.final_fit_steps > 0 ? options.final_fit_steps
                                          : AutoFinalFitSteps(train.rows, fit.batch_size);
  const Dataset train_sel = train.Columns(columns);
  const Dataset validation_sel = validation.Columns(columns);
  train = Dataset();  // the full-width copies are no longer needed
  validation = Dataset();
  Mlp model = TrainMlp(train_sel, fit);
  report.validation = Evaluate(model, validation_sel);
  report.final_fit_steps = fit.steps;
  report.final_fit_seconds = (clock.MonotonicMicros() - t1) / 1e6;
  return report;
}

}  // namespace sieve
