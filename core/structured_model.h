// StructuredNet: an MLP over selectable units — numeric values and jointly trained
// embeddings of categorical units — whose input columns can be scaled per column
// (attention weights, block masks). Internal to sieve_core (exposes Eigen).
//
// Input layout: units in order, a numeric unit is one column, a categorical or cross
// unit is `embedding_dim` columns (its embedding row for the sample's bucket).
// Scaling the input by `scale` and differentiating the loss with respect to `scale`
// is what Sequential Attention (one weight per unit) and SequentialAttention++
// (one weight per block of embedding columns) train on.
#pragma once

#include <vector>

#include "core/metrics.h"
#include "core/mlp.h"
#include "core/structured_data.h"
#include "core/training.h"

namespace sieve {

class StructuredNet {
 public:
  // `embedding_dims` gives each unit's embedding width (ignored for numeric units);
  // empty = each spec's embedding_dim. Weights and embeddings are drawn from `seed`.
  StructuredNet(const std::vector<FeatureSpec>& units, const std::vector<int>& embedding_dims,
                const std::vector<int>& hidden, int outputs, Head head, uint64_t seed);

  int width() const { return width_; }
  int offset(int unit) const { return offsets_[unit]; }
  int unit_width(int unit) const { return widths_[unit]; }
  int num_units() const { return static_cast<int>(widths_.size()); }

  // Fills `raw` (idx.size() x width) with the rows' numeric values and embedding rows,
  // and remembers the rows' bucket ids for the next ForwardBackward.
  // REQUIRES: `data` has the units this net was built for.
  void Gather(const StructuredDataset& data, const std::vector<size_t>& idx, MatrixRM& raw);

  // Forward and backward pass of (raw ⊙ scale) against `targets`: sets every
  // parameter's gradient (weight decay `l2` on the MLP weights), and, if not null,
  // scale_grad = d loss / d scale per column. Returns the mean loss of the batch.
  // REQUIRES: `raw` came from the last Gather.
  float ForwardBackward(const MatrixRM& raw, const float* targets, const RowVec& scale,
                        RowVec* scale_grad, float l2);

  // MLP parameters, then one embedding table per categorical unit.
  std::vector<ParamRef> Params();

  // Metrics of the model on `data` with input scale `scale`.
  Metrics Evaluate(const StructuredDataset& data, const RowVec& scale);

  Mlp& mlp() { return mlp_; }
  // Parameters of the served model: MLP weights and biases plus embedding tables.
  double ParameterCount() const;

 private:
  std::vector<int> offsets_, widths_;
  int width_ = 0;
  std::vector<int> categorical_;         // unit index of each embedding table
  std::vector<MatrixRM> tables_;         // buckets x dim, per categorical unit
  std::vector<MatrixRM> table_grads_;
  std::vector<std::vector<int32_t>> last_ids_;  // per table: bucket id of each batch row
  Mlp mlp_;
  MatrixRM xa_, input_grad_;
};

struct StructuredTrainOptions {
  std::vector<int> hidden = {64};  // hidden layer widths
  int batch_size = 256;            // rows per step
  float learning_rate = 2e-3f;     // Adam step size (network and embeddings)
  int64_t steps = 2000;            // Adam steps
  uint64_t seed = 0;               // initialisation and batch order
};

// Trains a fresh StructuredNet on every unit of `train` (scale 1) and scores it on
// `validation`. `embedding_dims` as in the StructuredNet constructor.
Metrics FitAndScore(const StructuredDataset& train, const StructuredDataset& validation,
                    const std::vector<int>& embedding_dims, const StructuredTrainOptions& options);

}  // namespace sieve
