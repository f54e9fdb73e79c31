#include "daemon/baseline_selection.h"

#include "core/dataset.h"
#include "core/selector.h"

namespace sieve {

Result<BaselineRun> RunBaselineSelector(const BaselineInput& input) {
  Dataset train;
  train.cols = input.columns.size();
  train.rows = input.labels.size();
  train.labels = input.labels;
  train.task = input.classification ? Task::kClassification : Task::kRegression;
  train.num_classes = input.classification ? input.num_classes : 0;
  for (int c = 0; c < input.num_classes && input.classification; ++c) {
    train.class_names.push_back(std::to_string(c));
  }
  train.values.resize(train.rows * train.cols);
  for (size_t c = 0; c < train.cols; ++c) {
    train.feature_names.push_back("f" + std::to_string(c));
    for (size_t r = 0; r < train.rows; ++r) train.values[r * train.cols + c] = input.columns[c][r];
  }
  SIEVE_RETURN_IF_ERROR(ValidateDataset(train));
  SIEVE_ASSIGN_OR_RETURN(Algorithm algorithm, ParseAlgorithm(input.algorithm));
  SelectorOptions options;
  options.algorithm = algorithm;
  options.k = input.k;
  options.must_include = input.must_include;
  options.seed = input.seed;
  options.threads = input.threads;
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(options, train.cols));
  SIEVE_ASSIGN_OR_RETURN(auto selector, MakeSelector(options));
  SIEVE_ASSIGN_OR_RETURN(Selection selection, selector->Select(train, {}));
  BaselineRun run;
  run.training_steps = selection.training_steps;
  for (const auto& f : selection.features) {
    run.order.push_back(f.index);
    run.weights.push_back(f.weight);
  }
  return run;
}

}  // namespace sieve
