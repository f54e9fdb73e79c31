// Dataset: a dense table of float features and one label, the input of every selector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace sieve {

enum class Task { kAuto, kClassification, kRegression };

// "classification" / "regression" / "auto".
std::string_view TaskName(Task task);
Result<Task> ParseTask(std::string_view name);

// Row-major float table. Missing values are NaN until imputed.
struct Dataset {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<float> values;               // rows * cols, row-major
  std::vector<float> labels;               // rows; class index (0..K-1) or target value
  std::vector<std::string> feature_names;  // cols
  Task task = Task::kClassification;
  int num_classes = 0;                     // classification only
  std::vector<std::string> class_names;    // classification only, index -> original label

  float at(size_t r, size_t c) const { return values[r * cols + c]; }
  float& at(size_t r, size_t c) { return values[r * cols + c]; }

  // Copies the given rows (in order) into a new dataset with the same columns.
  Dataset Rows(const std::vector<size_t>& row_indices) const;
  // Copies the given columns (in order) into a new dataset with the same rows.
  Dataset Columns(const std::vector<int>& col_indices) const;
};

// How the validation rows are chosen.
enum class SplitMode {
  kTail,        // the last fraction of rows (arrival order): honest for streams
  kStratified,  // a seeded shuffle that keeps class proportions (regression: plain shuffle)
};

std::string_view SplitModeName(SplitMode mode);
Result<SplitMode> ParseSplitMode(std::string_view name);

struct Split {
  std::vector<size_t> train;
  std::vector<size_t> validation;
};

// Splits row indices 0..rows-1. REQUIRES: 0 < fraction < 1.
// Fails if either side would be empty.
Result<Split> SplitRows(const Dataset& data, double validation_fraction, SplitMode mode,
                        uint64_t seed);

// Per-column statistics of the training rows, applied to any rows afterwards.
// Missing values (NaN) are imputed with the training mean, i.e. 0 after scaling.
class Standardizer {
 public:
  // Computes mean and standard deviation of each column over `data` (NaNs ignored).
  // Constant columns get a scale of 1 so they map to 0.
  static Standardizer Fit(const Dataset& data);

  // x -> (x - mean) / std in place; NaN -> 0. Returns the number of imputed cells.
  size_t Apply(Dataset& data) const;

  const std::vector<float>& mean() const { return mean_; }
  const std::vector<float>& scale() const { return scale_; }

 private:
  std::vector<float> mean_;
  std::vector<float> scale_;
};

// Checks the dataset's shape and labels: consistent sizes, at least two classes for
// classification, finite labels, no infinite feature values.
Status ValidateDataset(const Dataset& data);

}  // namespace sieve
