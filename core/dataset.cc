#include "core/dataset.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/rng.h"

namespace sieve {

std::string_view TaskName(Task task) {
  switch (task) {
    case Task::kAuto: return "auto";
    case Task::kClassification: return "classification";
    case Task::kRegression: return "regression";
  }
  return "auto";
}

Result<Task> ParseTask(std::string_view name) {
  if (name == "auto") return Task::kAuto;
  if (name == "classification") return Task::kClassification;
  if (name == "regression") return Task::kRegression;
  return Err(Status::InvalidArgument("unknown task '" + std::string(name) +
                                     "' (expected auto, classification or regression)"));
}

std::string_view SplitModeName(SplitMode mode) {
  return mode == SplitMode::kTail ? "tail" : "stratified";
}

Result<SplitMode> ParseSplitMode(std::string_view name) {
  if (name == "tail") return SplitMode::kTail;
  if (name == "stratified") return SplitMode::kStratified;
  return Err(Status::InvalidArgument("unknown split '" + std::string(name) +
                                     "' (expected tail or stratified)"));
}

Dataset Dataset::Rows(const std::vector<size_t>& row_indices) const {
  Dataset out;
  out.rows = row_indices.size();
  out.cols = cols;
  out.feature_names = feature_names;
  out.task = task;
  out.num_classes = num_classes;
  out.class_names = class_names;
  out.values.resize(out.rows * cols);
  out.labels.resize(out.rows);
  for (size_t i = 0; i < row_indices.size(); ++i) {
    const size_t r = row_indices[i];
    std::copy_n(values.begin() + r * cols, cols, out.values.begin() + i * cols);
    out.labels[i] = labels[r];
  }
  return out;
}

Dataset Dataset::Columns(const std::vector<int>& col_indices) const {
  Dataset out;
  out.rows = rows;
  out.cols = col_indices.size();
  out.task = task;
  out.num_classes = num_classes;
  out.class_names = class_names;
  out.labels = labels;
  out.values.resize(rows * out.cols);
  for (int c : col_indices) out.feature_names.push_back(feature_names[c]);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < out.cols; ++j) out.values[r * out.cols + j] = values[r * cols + col_indices[j]];
  }
  return out;
}

Result<Split> SplitRows(const Dataset& data, double validation_fraction, SplitMode mode,
                        uint64_t seed) {
  if (!(validation_fraction > 0.0 && validation_fraction < 1.0)) {
    return Err(Status::InvalidArgument("validation fraction must be in (0, 1), got " +
                                       std::to_string(validation_fraction)));
  }
  Split split;
  if (mode == SplitMode::kTail) {
    const size_t n_val = static_cast<size_t>(std::round(data.rows * validation_fraction));
    for (size_t r = 0; r < data.rows; ++r) {
      (r + n_val < data.rows ? split.train : split.validation).push_back(r);
    }
  } else {
    Rng rng(seed ^ 0x5eed5b1175ULL);
    std::map<int, std::vector<size_t>> strata;
    for (size_t r = 0; r < data.rows; ++r) {
      const int key = data.task == Task::kClassification ? static_cast<int>(data.labels[r]) : 0;
      strata[key].push_back(r);
    }
    for (auto& [key, rows] : strata) {
      rng.Shuffle(rows);
      const size_t n_val = static_cast<size_t>(std::round(rows.size() * validation_fraction));
      for (size_t i = 0; i < rows.size(); ++i) {
        (i < n_val ? split.validation : split.train).push_back(rows[i]);
      }
    }
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.validation.begin(), split.validation.end());
  }
  if (split.train.empty() || split.validation.empty()) {
    return Err(Status::InvalidArgument(
        "too few rows (" + std::to_string(data.rows) + ") for a validation fraction of " +
        std::to_string(validation_fraction) + ": one side of the split is empty"));
  }
  return split;
}

Standardizer Standardizer::Fit(const Dataset& data) {
  Standardizer s;
  std::vector<double> sum(data.cols, 0.0), sum_sq(data.cols, 0.0);
  std::vector<size_t> count(data.cols, 0);
  for (size_t r = 0; r < data.rows; ++r) {
    const float* row = data.values.data() + r * data.cols;
    for (size_t c = 0; c < data.cols; ++c) {
      const float v = row[c];
      if (std::isnan(v)) continue;
      sum[c] += v;
      sum_sq[c] += static_cast<double>(v) * v;
      ++count[c];
    }
  }
  s.mean_.resize(data.cols);
  s.scale_.resize(data.cols);
  for (size_t c = 0; c < data.cols; ++c) {
    const double n = static_cast<double>(count[c]);
    const double mean = n > 0 ? sum[c] / n : 0.0;
    const double var = n > 0 ? std::max(0.0, sum_sq[c] / n - mean * mean) : 0.0;
    const double sd = std::sqrt(var);
    s.mean_[c] = static_cast<float>(mean);
    s.scale_[c] = sd > 1e-12 * std::max(1.0, std::abs(mean)) ? static_cast<float>(sd) : 1.0f;
  }
  return s;
}

size_t Standardizer::Apply(Dataset& data) const {
  size_t imputed = 0;
  for (size_t r = 0; r < data.rows; ++r) {
    float* row = data.values.data() + r * data.cols;
    for (size_t c = 0; c < data.cols; ++c) {
      if (std::isnan(row[c])) {
        row[c] = 0.0f;
        ++imputed;
      } else {
        row[c] = (row[c] - mean_[c]) / scale_[c];
      }
    }
  }
  return imputed;
}

Status ValidateDataset(const Dataset& data) {
  if (data.rows == 0) return Status::InvalidArgument("the data has no rows");
  if (data.cols == 0) return Status::InvalidArgument("the data has no feature columns");
  if (data.values.size() != data.rows * data.cols || data.labels.size() != data.rows ||
      data.feature_names.size() != data.cols) {
    return Status::Internal("dataset sizes are inconsistent");
  }
  for (size_t r = 0; r < data.rows; ++r) {
    if (!std::isfinite(data.labels[r])) {
      return Status::InvalidArgument("label of row " + std::to_string(r + 1) + " is not finite");
    }
    for (size_t c = 0; c < data.cols; ++c) {
      if (std::isinf(data.values[r * data.cols + c])) {
        return Status::InvalidArgument("infinite value in column '" + data.feature_names[c] +
                                       "' at row " + std::to_string(r + 1));
      }
    }
  }
  if (data.task == Task::kClassification) {
    if (data.num_classes < 2) {
      return Status::InvalidArgument("the label has only one class; classification needs two or more");
    }
    for (float y : data.labels) {
      if (y < 0 || y >= data.num_classes || y != std::floor(y)) {
        return Status::Internal("class index out of range");
      }
    }
  }
  return Status::Ok();
}

}  // namespace sieve
