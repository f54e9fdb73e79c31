#include "core/structured_model.h"

#include <algorithm>
#include <cmath>

#include "core/rng.h"

namespace sieve {

StructuredNet::StructuredNet(const std::vector<FeatureSpec>& units,
                             const std::vector<int>& embedding_dims,
                             const std::vector<int>& hidden, int outputs, Head head, uint64_t seed)
    : mlp_([&] {
        int w = 0;
        for (size_t u = 0; u < units.size(); ++u) {
          w += units[u].kind == FeatureKind::kNumeric
                   ? 1
                   : (embedding_dims.empty() ? units[u].embedding_dim : embedding_dims[u]);
        }
        Rng rng(seed ^ 0x57c7ed0e7ULL);
        return Mlp(w, hidden, outputs, head, rng);
      }()) {
  Rng rng(seed ^ 0xe3bedd1e5ULL);
  for (size_t u = 0; u < units.size(); ++u) {
    offsets_.push_back(width_);
    if (units[u].kind == FeatureKind::kNumeric) {
      widths_.push_back(1);
    } else {
      const int dim = embedding_dims.empty() ? units[u].embedding_dim : embedding_dims[u];
      widths_.push_back(dim);
      MatrixRM table(units[u].buckets, dim);
      // Unit variance per column, like a standardised numeric input.
      for (Eigen::Index i = 0; i < table.size(); ++i) table.data()[i] = static_cast<float>(rng.Normal());
      tables_.push_back(std::move(table));
      table_grads_.push_back(MatrixRM::Zero(units[u].buckets, dim));
      categorical_.push_back(static_cast<int>(u));
    }
    width_ += widths_.back();
  }
  last_ids_.resize(tables_.size());
}

void StructuredNet::Gather(const StructuredDataset& data, const std::vector<size_t>& idx,
                           MatrixRM& raw) {
  raw.resize(static_cast<Eigen::Index>(idx.size()), width_);
  size_t t = 0;
  for (int u = 0; u < num_units(); ++u) {
    if (t < categorical_.size() && categorical_[t] == u) {
      auto& ids = last_ids_[t];
      ids.resize(idx.size());
      for (size_t i = 0; i < idx.size(); ++i) {
        ids[i] = data.buckets[u][idx[i]];
        raw.row(static_cast<Eigen::Index>(i)).segment(offsets_[u], widths_[u]) = tables_[t].row(ids[i]);
      }
      ++t;
    } else {
      for (size_t i = 0; i < idx.size(); ++i) {
        raw(static_cast<Eigen::Index>(i), offsets_[u]) = data.numeric[u][idx[i]];
      }
    }
  }
}

float StructuredNet::ForwardBackward(const MatrixRM& raw, const float* targets, const RowVec& scale,
                                     RowVec* scale_grad, float l2) {
  xa_ = raw.array().rowwise() * scale.array();
  mlp_.Forward(xa_);
  const float loss = mlp_.Loss(targets);
  mlp_.Backward(xa_, targets, &input_grad_);
  mlp_.AddWeightDecay(l2);
  if (scale_grad != nullptr) *scale_grad = (input_grad_.array() * raw.array()).colwise().sum().matrix();
  for (size_t t = 0; t < tables_.size(); ++t) {
    const int u = categorical_[t];
    table_grads_[t].setZero();
    const auto& ids = last_ids_[t];
    for (size_t i = 0; i < ids.size(); ++i) {
      table_grads_[t].row(ids[i]) +=
          input_grad_.row(static_cast<Eigen::Index>(i)).segment(offsets_[u], widths_[u]).cwiseProduct(
              scale.segment(offsets_[u], widths_[u]));
    }
  }
  return loss;
}

std::vector<ParamRef> StructuredNet::Params() {
  std::vector<ParamRef> out = mlp_.Params();
  for (size_t t = 0; t < tables_.size(); ++t) {
    out.push_back({tables_[t].data(), table_grads_[t].data(), static_cast<size_t>(tables_[t].size())});
  }
  return out;
}

Metrics StructuredNet::Evaluate(const StructuredDataset& data, const RowVec& scale) {
  Dataset scaled = data.LabelsOnly();
  scaled.cols = static_cast<size_t>(width_);
  scaled.values.resize(data.rows * scaled.cols);
  std::vector<size_t> idx;
  MatrixRM raw;
  constexpr size_t kChunk = 4096;
  for (size_t start = 0; start < data.rows; start += kChunk) {
    idx.clear();
    for (size_t r = start; r < std::min(data.rows, start + kChunk); ++r) idx.push_back(r);
    Gather(data, idx, raw);
    Eigen::Map<MatrixRM> out(scaled.values.data() + start * scaled.cols,
                             static_cast<Eigen::Index>(idx.size()), width_);
    out = raw.array().rowwise() * scale.array();
  }
  return sieve::Evaluate(mlp_, scaled);
}

double StructuredNet::ParameterCount() const {
  double n = 0;
  for (int l = 0; l < mlp_.num_layers(); ++l) {
    n += static_cast<double>(mlp_.weights(l).size()) + mlp_.weights(l).cols();
  }
  for (const auto& t : tables_) n += static_cast<double>(t.size());
  return n;
}

Metrics FitAndScore(const StructuredDataset& train, const StructuredDataset& validation,
                    const std::vector<int>& embedding_dims, const StructuredTrainOptions& options) {
  const Dataset labels = train.LabelsOnly();
  StructuredNet net(train.units, embedding_dims, options.hidden, OutputsFor(labels), HeadFor(labels),
                    options.seed);
  Adam adam(net.Params(), {.learning_rate = options.learning_rate});
  BatchSampler sampler(train.rows, static_cast<size_t>(options.batch_size), options.seed + 1);
  const RowVec scale = RowVec::Ones(net.width());
  MatrixRM raw;
  std::vector<float> yb;
  for (int64_t s = 0; s < options.steps; ++s) {
    const auto& idx = sampler.Next();
    net.Gather(train, idx, raw);
    yb.resize(idx.size());
    for (size_t i = 0; i < idx.size(); ++i) yb[i] = train.labels[idx[i]];
    net.ForwardBackward(raw, yb.data(), scale, nullptr, 0.0f);
    adam.Step();
  }
  return net.Evaluate(validation, scale);
}

}  // namespace sieve
