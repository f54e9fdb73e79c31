// Builders of small synthetic datasets with planted structure, for selector tests.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/rng.h"

namespace sieve::testing {

// Standard-normal features named f0..f{d-1}; labels left zero.
inline Dataset GaussianFeatures(size_t rows, size_t cols, uint64_t seed) {
  Dataset data;
  data.rows = rows;
  data.cols = cols;
  data.values.resize(rows * cols);
  data.labels.assign(rows, 0.0f);
  Rng rng(seed);
  for (auto& v : data.values) v = static_cast<float>(rng.Normal());
  for (size_t c = 0; c < cols; ++c) data.feature_names.push_back("f" + std::to_string(c));
  return data;
}

// Binary classification where the label depends non-linearly on five features:
// an XOR pair (f{a}, f{b}) that no univariate test can see, a quadratic, a linear and a
// periodic term. Returns the planted indices in `planted`. REQUIRES: cols >= 10.
inline Dataset PlantedNonlinear(size_t rows, size_t cols, uint64_t seed, std::vector<int>* planted) {
  Dataset data = GaussianFeatures(rows, cols, seed);
  const auto at = [&](double f) { return static_cast<int>(f * static_cast<double>(cols)); };
  const std::vector<int> p = {at(0.085), at(0.21), at(0.44), at(0.615), at(0.8)};
  if (planted) *planted = p;
  Rng noise(seed + 99);
  for (size_t r = 0; r < rows; ++r) {
    auto x = [&](int c) { return static_cast<double>(data.at(r, c)); };
    const double xor_term = (x(p[0]) > 0) == (x(p[1]) > 0) ? 1.0 : -1.0;
    const double z = 2.5 * xor_term + 1.2 * (x(p[2]) * x(p[2]) - 1.0) + 1.2 * x(p[3]) +
                     1.5 * std::sin(2.0 * x(p[4])) + 0.3 * noise.Normal();
    data.labels[r] = z > 0 ? 1.0f : 0.0f;
  }
  data.task = Task::kClassification;
  data.num_classes = 2;
  data.class_names = {"0", "1"};
  return data;
}

// Linear regression y = sum_i beta_i x_{idx_i} + small noise on independent features.
inline Dataset PlantedLinear(size_t rows, size_t cols, uint64_t seed, const std::vector<int>& idx,
                             const std::vector<double>& beta) {
  Dataset data = GaussianFeatures(rows, cols, seed);
  Rng noise(seed + 7);
  for (size_t r = 0; r < rows; ++r) {
    double y = 0.05 * noise.Normal();
    for (size_t i = 0; i < idx.size(); ++i) y += beta[i] * data.at(r, idx[i]);
    data.labels[r] = static_cast<float>(y);
  }
  data.task = Task::kRegression;
  return data;
}

}  // namespace sieve::testing
