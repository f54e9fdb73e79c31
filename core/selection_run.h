// RunSelection: the whole offline selection on one table — split, standardise on the
// training rows, select, fit a fresh model on the selected features, score it on the
// validation rows. `sievectl select` and the daemon's trainer both call it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/dataset.h"
#include "core/metrics.h"
#include "core/selector.h"

namespace sieve {

struct SelectionRunOptions {
  SelectorOptions selector;
  double validation_fraction = 0.2;          // share of rows held out for the metric; 0 =
                                             // select on every row, no metric, no final fit
  SplitMode split = SplitMode::kStratified;  // kTail for streams (arrival order)
  int64_t final_fit_steps = 0;               // Adam steps of the final model; 0 = ~20 epochs
};

struct ReportedFeature {
  std::string name;
  int index = 0;   // column in the input table
  int rank = 0;    // 1 = picked first
  float weight = 0;
};

struct SelectionReport {
  std::string algorithm;
  std::vector<ReportedFeature> features;
  Metrics validation;           // fresh model on the selected features, validation rows
                                // (NaN figures when there are no validation rows)
  size_t train_rows = 0;
  size_t validation_rows = 0;
  size_t imputed_cells = 0;     // missing cells filled with training means (both splits)
  int64_t training_steps = 0;   // selector steps
  int64_t final_fit_steps = 0;
  double select_seconds = 0;
  double final_fit_seconds = 0;
};

// REQUIRES: ValidateDataset(data).ok(). Fails on invalid options (naming the option).
Result<SelectionReport> RunSelection(const Dataset& data, const SelectionRunOptions& options,
                                     const Clock& clock, const ProgressCallback& progress);

// Steps used when final_fit_steps is 0: 20 passes over the data, within [500, 4000].
int64_t AutoFinalFitSteps(size_t train_rows, int batch_size);

}  // namespace sieve
