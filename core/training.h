// Training and scoring an MLP on a Dataset: the final fit of a selection, and the
// metrics that versions are compared by. Internal to sieve_core.
#pragma once

#include <cstdint>
#include <vector>

#include "core/dataset.h"
#include "core/metrics.h"
#include "core/mlp.h"

namespace sieve {

// The head that fits the dataset's task: softmax for 3+ classes, sigmoid for two,
// linear for regression.
Head HeadFor(const Dataset& data);
int OutputsFor(const Dataset& data);

// A read-only matrix view of the dataset's values.
ConstMatrixMap MatrixOf(const Dataset& data);

// Threads worth using for steps of `macs_per_step` multiply-adds: small steps run on
// one thread, where thread hand-offs would cost more than they save.
int MathThreads(int requested, double macs_per_step);

struct TrainOptions {
  std::vector<int> hidden = {64};  // hidden layer widths
  int batch_size = 256;            // rows per step
  float learning_rate = 2e-3f;     // Adam step size
  int64_t steps = 2000;            // Adam steps
  uint64_t seed = 0;               // initialisation and batch order
  int threads = 1;                 // math threads (fewer are used for small models)
};

// Trains a fresh MLP on every column of `train` (standardised, no missing values).
Mlp TrainMlp(const Dataset& train, const TrainOptions& options);

// Scores `model` on `data` (same columns it was trained on).
Metrics Evaluate(Mlp& model, const Dataset& data);

}  // namespace sieve
