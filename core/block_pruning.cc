#include "core/block_pruning.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/mlp.h"
#include "core/rng.h"
#include "core/structured_model.h"
#include "core/training.h"

namespace sieve {
namespace {

// One logit per block; live blocks weighted by a mean-one softmax, dead blocks 0.
class BlockAttention {
 public:
  BlockAttention(int blocks, float learning_rate)
      : logits_(Eigen::VectorXf::Zero(blocks)),
        grad_(Eigen::VectorXf::Zero(blocks)),
        live_(blocks, 1),
        weights_(blocks, 0.0f),
        adam_({{logits_.data(), grad_.data(), static_cast<size_t>(blocks)}},
              {.learning_rate = learning_rate}) {}

  int size() const { return static_cast<int>(live_.size()); }
  bool live(int b) const { return live_[b] != 0; }
  void Kill(int b) { live_[b] = 0; }
  const std::vector<float>& weights() const { return weights_; }

  void Compute() {
    float max_logit = -std::numeric_limits<float>::infinity();
    for (int b = 0; b < size(); ++b) {
      if (live_[b]) max_logit = std::max(max_logit, logits_[b]);
    }
    double sum = 0;
    int n = 0;
    for (int b = 0; b < size(); ++b) {
      weights_[b] = live_[b] ? std::exp(logits_[b] - max_logit) : 0.0f;
      sum += weights_[b];
      n += live_[b];
    }
    live_count_ = std::max(1, n);
    for (float& w : weights_) w = sum > 0 ? static_cast<float>(w * live_count_ / sum) : 0.0f;
  }

  // d loss / d logit from d loss / d weight, through the softmax over live blocks.
  void Backward(const std::vector<double>& weight_grad) {
    double dot = 0;
    for (int b = 0; b < size(); ++b) {
      if (live_[b]) dot += weights_[b] * weight_grad[b];
    }
    dot /= live_count_;
    for (int b = 0; b < size(); ++b) {
      grad_[b] = live_[b] ? static_cast<float>(weights_[b] * (weight_grad[b] - dot)) : 0.0f;
    }
  }
  void Step() { adam_.Step(); }
  void Reset() { adam_.ResetAll(); }

 private:
  Eigen::VectorXf logits_, grad_;
  std::vector<char> live_;
  std::vector<float> weights_;
  int live_count_ = 1;
  Adam adam_;
};

// Removes live blocks, lowest weight first (or at random), until `used` <= target.
// A block is removable when `removable(b)` holds (e.g. not the last of its table).
template <typename Removable>
void PruneTo(BlockAttention& attention, const std::vector<double>& cost, double target, double& used,
             bool random, Rng& rng, Removable removable) {
  while (used > target) {
    std::vector<int> options;
    for (int b = 0; b < attention.size(); ++b) {
      if (attention.live(b) && removable(b)) options.push_back(b);
    }
    if (options.empty()) return;
    int victim = options[0];
    if (random) {
      victim = options[rng.Below(options.size())];
    } else {
      for (int b : options) {
        if (attention.weights()[b] < attention.weights()[victim]) victim = b;
      }
    }
    attention.Kill(victim);
    attention.Compute();
    used -= cost[victim];
  }
}

// The target of stage s (1..stages): full · (budget / full)^(s / stages).
double StageTarget(double full, double budget, int s, int stages) {
  if (full <= 0) return budget;
  if (s >= stages) return budget;
  return full * std::pow(std::max(budget, 1e-12) / full, static_cast<double>(s) / stages);
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

Result<EmbeddingSearchResult> SearchEmbeddingSizes(const StructuredDataset& train,
                                                   const StructuredDataset* validation,
                                                   const EmbeddingSearchOptions& options) {
  SIEVE_RETURN_IF_ERROR(ValidateStructuredDataset(train));
  if (options.block_size < 1) return Err(Status::InvalidArgument("block_size must be at least 1"));
  if (options.schedule.stages < 1) return Err(Status::InvalidArgument("stages must be at least 1"));
  const BlockNetworkOptions& net_options = options.network;
  const Dataset labels = train.LabelsOnly();
  StructuredNet net(train.units, {}, net_options.hidden, OutputsFor(labels), HeadFor(labels), net_options.seed);

  // Blocks: chunks of block_size columns of each embedding.
  std::vector<int> block_unit, block_begin, block_width;
  std::vector<double> cost;
  double full = 0, minimum = 0;
  for (int u = 0; u < net.num_units(); ++u) {
    if (train.units[u].kind == FeatureKind::kNumeric) continue;
    const double row_bytes = static_cast<double>(train.units[u].buckets) * 4.0;
    for (int c = 0; c < net.unit_width(u); c += options.block_size) {
      block_unit.push_back(u);
      block_begin.push_back(net.offset(u) + c);
      block_width.push_back(std::min(options.block_size, net.unit_width(u) - c));
      cost.push_back(row_bytes * block_width.back());
      full += cost.back();
      if (c == 0) minimum += cost.back();
    }
  }
  if (minimum > options.memory_budget_bytes) {
    return Err(Status::InvalidArgument("memory budget of " + Number(options.memory_budget_bytes) +
                                       " bytes is below the " + Number(minimum) +
                                       " bytes that one block per embedding needs"));
  }
  const int nb = static_cast<int>(cost.size());
  BlockAttention attention(nb, net_options.attention_learning_rate);

  Adam adam(net.Params(), {.learning_rate = net_options.learning_rate});
  BatchSampler sampler(train.rows, static_cast<size_t>(net_options.batch_size), net_options.seed + 5);
  RowVec scale = RowVec::Ones(net.width()), scale_grad(net.width());
  std::vector<double> block_grad(nb);
  MatrixRM raw;
  std::vector<float> yb;
  auto set_scale = [&] {
    for (int b = 0; b < nb; ++b) {
      scale.segment(block_begin[b], block_width[b]).setConstant(attention.weights()[b]);
    }
  };
  auto step = [&](bool train_attention) {
    if (train_attention) attention.Compute();
    set_scale();
    const auto& idx = sampler.Next();
    net.Gather(train, idx, raw);
    yb.resize(idx.size());
    for (size_t i = 0; i < idx.size(); ++i) yb[i] = train.labels[idx[i]];
    net.ForwardBackward(raw, yb.data(), scale, train_attention ? &scale_grad : nullptr, net_options.l2);
    adam.Step();
    if (train_attention) {
      for (int b = 0; b < nb; ++b) block_grad[b] = scale_grad.segment(block_begin[b], block_width[b]).sum();
      attention.Backward(block_grad);
      attention.Step();
    }
  };

  attention.Compute();
  for (int64_t s = 0; s < options.schedule.dense_steps; ++s) step(true);
  adam.ResetAll();
  attention.Reset();

  double used = full;
  Rng rng(net_options.seed + 11);
  const int stages = options.schedule.stages;
  for (int stage = 1; stage <= stages; ++stage) {
    const int64_t steps = options.schedule.pruning_steps / stages;
    for (int64_t s = 0; s < steps; ++s) step(true);
    attention.Compute();
    const double target = StageTarget(full, options.memory_budget_bytes, stage, stages);
    // Every table keeps at least one block.
    PruneTo(attention, cost, target, used, false, rng, [&](int b) {
      int live = 0;
      for (int o = 0; o < nb; ++o) live += block_unit[o] == block_unit[b] && attention.live(o);
      return live > 1;
    });
  }
  adam.ResetAll();
  // Sparse phase: the surviving weights are frozen (folded into the network).
  for (int64_t s = 0; s < options.schedule.sparse_steps; ++s) step(false);

  EmbeddingSearchResult result;
  result.embedding_dims.assign(train.units.size(), 0);
  for (int b = 0; b < nb; ++b) {
    if (attention.live(b)) result.embedding_dims[block_unit[b]] += block_width[b];
  }
  for (size_t u = 0; u < train.units.size(); ++u) {
    if (train.units[u].kind == FeatureKind::kNumeric) continue;
    result.memory_bytes += EmbeddingBytes(train.units[u].buckets, result.embedding_dims[u]);
  }
  result.full_memory_bytes = full;
  if (validation != nullptr) {
    set_scale();
    result.validation = net.Evaluate(*validation, scale);
  }
  return result;
}

Result<HiddenPruningResult> PruneHiddenUnits(const Dataset& train, const Dataset& validation,
                                             const HiddenPruningOptions& options) {
  SIEVE_RETURN_IF_ERROR(ValidateDataset(train));
  if (options.hidden_units < 1 || options.block_size < 1) {
    return Err(Status::InvalidArgument("hidden_units and block_size must be at least 1"));
  }
  if (options.schedule.stages < 1) return Err(Status::InvalidArgument("stages must be at least 1"));
  const int d = static_cast<int>(train.cols);
  const int outputs = OutputsFor(train);
  const int h = options.hidden_units;
  const BlockNetworkOptions& net_options = options.network;
  auto macs = [&](double units) { return units * (d + outputs); };
  double keep_units = options.max_macs_per_sample > 0
                          ? std::floor(options.max_macs_per_sample / (d + outputs))
                          : std::round(options.keep_fraction * h);
  keep_units = std::min<double>(keep_units, h);
  if (keep_units < std::min(options.block_size, h)) {
    return Err(Status::InvalidArgument(
        "hidden-unit budget keeps fewer units than one block of " + std::to_string(options.block_size) +
        " (a block costs " + Number(macs(options.block_size)) + " multiply-adds per sample)"));
  }

  Rng init(net_options.seed ^ 0xb10c5ULL);
  Mlp model(d, {h}, outputs, HeadFor(train), init);
  std::vector<ParamRef> params = model.Params();  // W1, b1, W2, b2
  MatrixRM w2_raw = model.weights(1);
  MatrixRM w2_raw_grad = MatrixRM::Zero(w2_raw.rows(), w2_raw.cols());
  Adam adam({params[0], params[1], {w2_raw.data(), w2_raw_grad.data(), static_cast<size_t>(w2_raw.size())},
             params[3]},
            {.learning_rate = net_options.learning_rate});

  const int nb = (h + options.block_size - 1) / options.block_size;
  std::vector<double> cost(nb);
  for (int b = 0; b < nb; ++b) cost[b] = std::min(options.block_size, h - b * options.block_size);
  BlockAttention attention(nb, net_options.attention_learning_rate);
  Eigen::VectorXf unit_scale(h);
  auto set_w2 = [&] {
    for (int j = 0; j < h; ++j) unit_scale[j] = attention.weights()[j / options.block_size];
    model.mutable_weights(1) = unit_scale.asDiagonal() * w2_raw;
  };

  BatchSampler sampler(train.rows, static_cast<size_t>(net_options.batch_size), net_options.seed + 3);
  const ConstMatrixMap x = MatrixOf(train);
  MatrixRM xb;
  std::vector<float> yb;
  std::vector<double> block_grad(nb);
  auto step = [&](bool train_attention) {
    if (train_attention) attention.Compute();
    set_w2();
    GatherRows(x, train.labels, sampler.Next(), xb, yb);
    model.Forward(xb);
    model.Backward(xb, yb.data(), nullptr);
    model.AddWeightDecay(net_options.l2);
    Eigen::Map<MatrixRM> g_eff(params[2].grad, h, outputs);
    if (train_attention) {
      std::fill(block_grad.begin(), block_grad.end(), 0.0);
      for (int j = 0; j < h; ++j) {
        block_grad[j / options.block_size] += g_eff.row(j).dot(w2_raw.row(j));
      }
      attention.Backward(block_grad);
      attention.Step();
    }
    w2_raw_grad = unit_scale.asDiagonal() * g_eff;
    adam.Step();
  };

  HiddenPruningResult result;
  attention.Compute();
  for (int64_t s = 0; s < options.schedule.dense_steps; ++s) step(true);
  set_w2();
  result.dense = Evaluate(model, validation);
  adam.ResetAll();
  attention.Reset();

  double used = h;
  Rng rng(net_options.seed + 29);
  for (int stage = 1; stage <= options.schedule.stages; ++stage) {
    for (int64_t s = 0; s < options.schedule.pruning_steps / options.schedule.stages; ++s) step(true);
    attention.Compute();
    const double target = StageTarget(h, keep_units, stage, options.schedule.stages);
    PruneTo(attention, cost, target, used, options.random_blocks, rng, [&](int) {
      int live = 0;
      for (int b = 0; b < nb; ++b) live += attention.live(b);
      return live > 1;
    });
  }
  adam.ResetAll();
  for (int64_t s = 0; s < options.schedule.sparse_steps; ++s) step(false);
  set_w2();
  result.pruned = Evaluate(model, validation);

  for (int j = 0; j < h; ++j) {
    if (attention.live(j / options.block_size)) result.kept_units.push_back(j);
  }
  const double k = static_cast<double>(result.kept_units.size());
  result.dense_parameters = static_cast<double>(d) * h + h + static_cast<double>(h) * outputs + outputs;
  result.pruned_parameters = static_cast<double>(d) * k + k + k * outputs + outputs;
  result.dense_macs_per_sample = macs(h);
  result.pruned_macs_per_sample = macs(k);
  return result;
}

}  // namespace sieve
