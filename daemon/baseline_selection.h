// Baseline selectors (omp, group_lasso, mutual_info, f_test, random) for pipelines
// whose config picks one instead of Sequential Attention. They work on numeric
// columns only. Kept apart from trainer.cc because core's Selector interface and the
// feature-set types live in headers that do not mix; this header speaks std types.
//
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace sieve {

struct BaselineInput {
  std::vector<std::vector<float>> columns;  // standardised training columns, equal lengths
  std::vector<float> labels;                // class index or target value
  bool classification = true;
  int num_classes = 2;
  std::string algorithm;  // core's name: "omp", "f_test", ...
  int k = 1;
  std::vector<int> must_include;
  uint64_t seed = 0;
  int threads = 1;
};

struct BaselineRun {
  std::vector<int> order;      // selected columns, in pick order
  std::vector<float> weights;  // the selector's score of each pick
  int64_t training_steps = 0;
};

Result<BaselineRun> RunBaselineSelector(const BaselineInput& input);

}  // namespace sieve
