#include "core/sequential_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/baseline_selectors.h"
#include "core/training.h"

namespace sieve {

int SequentialAttentionSelector::AutoStepsPerRound(size_t rows, int batch_size) {
  const size_t per_epoch = (rows + batch_size - 1) / static_cast<size_t>(batch_size);
  return static_cast<int>(std::max<size_t>(300, per_epoch));
}

float SequentialAttentionSelector::EffectiveL2(const SelectorOptions& options, size_t rows) {
  if (options.l2 >= 0) return options.l2;
  return std::clamp(15.0f / static_cast<float>(std::max<size_t>(1, rows)), 0.015f, 0.1f);
}

size_t SequentialAttentionSelector::PrescreenSize(const SelectorOptions& options,
                                                  size_t num_features) {
  size_t keep = num_features;
  if (options.prescreen < 0 && num_features > 2000) {
    keep = std::max<size_t>(500, 25 * static_cast<size_t>(options.k));
  } else if (options.prescreen > 0) {
    keep = static_cast<size_t>(options.prescreen);
  }
  return std::clamp<size_t>(keep, static_cast<size_t>(options.k), num_features);
}

Result<Selection> SequentialAttentionSelector::Select(const Dataset& train,
                                                      const ProgressCallback& progress) {
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(options_, train.cols));
  const size_t keep = PrescreenSize(options_, train.cols);
  if (keep >= train.cols) return SelectAll(train, progress);

  // Sure independence screening: the strongest univariate features, must_include kept.
  const std::vector<double> scores = FTestSelector::Scores(train);
  SelectorOptions screen = options_;
  screen.k = static_cast<int>(keep);
  std::vector<int> columns;
  for (const FeaturePick& f : TopKByScore(scores, screen).features) columns.push_back(f.index);
  const Dataset screened = train.Columns(columns);
  SequentialAttentionSelector inner(options_);
  inner.options_.prescreen = 0;
  inner.options_.must_include.clear();
  for (int i : options_.must_include) {
    inner.options_.must_include.push_back(
        static_cast<int>(std::find(columns.begin(), columns.end(), i) - columns.begin()));
  }
  SIEVE_ASSIGN_OR_RETURN(Selection selection, inner.SelectAll(screened, progress));
  for (FeaturePick& f : selection.features) f.index = columns[f.index];
  return selection;
}

Result<Selection> SequentialAttentionSelector::SelectAll(const Dataset& train,
                                                         const ProgressCallback& progress) {
  const int d = static_cast<int>(train.cols);
  const int k = options_.k;

  Selection selection;
  std::vector<char> selected(d, 0);
  for (int i : options_.must_include) {
    selected[i] = 1;
    selection.features.push_back({i, 1.0f});
  }
  const int to_pick = k - static_cast<int>(selection.features.size());
  if (to_pick <= 0) return selection;

  const int m = options_.features_per_round;
  const float l2 = EffectiveL2(options_, train.rows);
  const int rounds = (to_pick + m - 1) / m;
  const int steps_per_round = options_.steps_per_round > 0
                                  ? options_.steps_per_round
                                  : AutoStepsPerRound(train.rows, options_.batch_size);
  const double w = options_.warmup_fraction;
  const int64_t warmup_steps =
      static_cast<int64_t>(std::llround(w / (1.0 - w) * rounds * steps_per_round));

  Rng rng(options_.seed ^ 0x5e9a77e47ULL);
  Mlp model(d, options_.hidden, OutputsFor(train), HeadFor(train), rng);
  Eigen::setNbThreads(MathThreads(
      options_.threads, model.ForwardMacsPerSample() * std::min<size_t>(train.rows, options_.batch_size)));

  // Attention logits have an Adam of their own: a larger step, and reset every round.
  Eigen::VectorXf logits = Eigen::VectorXf::Zero(d);
  Eigen::VectorXf logit_grad = Eigen::VectorXf::Zero(d);
  Adam adam(model.Params(), {.learning_rate = options_.learning_rate});
  Adam logit_adam({{logits.data(), logit_grad.data(), static_cast<size_t>(d)}},
                  {.learning_rate = options_.attention_learning_rate});

  BatchSampler sampler(train.rows, static_cast<size_t>(options_.batch_size), options_.seed + 17);
  const ConstMatrixMap x = MatrixOf(train);
  MatrixRM xb, xa, input_grad;
  std::vector<float> yb;
  RowVec attention(d), attention_grad(d);

  const int candidates = d - static_cast<int>(options_.must_include.size());
  double scale = 1.0;  // mean attention of the unselected features this round
  double total = 1.0;  // sum of the unselected attention weights
  auto compute_attention = [&] {
    float max_logit = -std::numeric_limits<float>::infinity();
    for (int i = 0; i < d; ++i) {
      if (!selected[i]) max_logit = std::max(max_logit, logits[i]);
    }
    double sum = 0;
    int unselected = 0;
    for (int i = 0; i < d; ++i) {
      if (selected[i]) continue;
      attention[i] = std::exp(logits[i] - max_logit);
      sum += attention[i];
      ++unselected;
    }
    total = unselected * scale;
    const float inv = sum > 0 ? static_cast<float>(total / sum) : 0.0f;
    for (int i = 0; i < d; ++i) attention[i] = selected[i] ? 1.0f : attention[i] * inv;
  };

  auto train_step = [&] {
    compute_attention();
    GatherRows(x, train.labels, sampler.Next(), xb, yb);
    xa = xb.array().rowwise() * attention.array();
    model.Forward(xa);
    model.Backward(xa, yb.data(), &input_grad);
    model.AddWeightDecay(l2);
    // dL/da_i = sum over the batch of dL/d(x_i a_i) * x_i.
    attention_grad = (input_grad.array() * xb.array()).colwise().sum().matrix();
    // Back through the softmax over unselected features only.
    double dot = 0;
    for (int i = 0; i < d; ++i) {
      if (!selected[i]) dot += static_cast<double>(attention[i]) * attention_grad[i];
    }
    dot /= total;
    for (int i = 0; i < d; ++i) {
      logit_grad[i] = selected[i] ? 0.0f : attention[i] * (attention_grad[i] - static_cast<float>(dot));
    }
    adam.Step();
    logit_adam.Step();
    ++selection.training_steps;
  };

  for (int64_t s = 0; s < warmup_steps; ++s) train_step();

  std::vector<int> order(d);
  for (int r = 0; r < rounds; ++r) {
    scale = CandidateMeanAttention(options_.final_candidate_attention, candidates, r, rounds);
    for (int s = 0; s < steps_per_round; ++s) train_step();
    // Pick at the end of the round, from logits trained for a whole round.
    compute_attention();
    order.clear();
    for (int i = 0; i < d; ++i) {
      if (!selected[i]) order.push_back(i);
    }
    const int want = std::min<int>(m, k - static_cast<int>(selection.features.size()));
    std::partial_sort(order.begin(), order.begin() + want, order.end(), [&](int a, int b) {
      return logits[a] != logits[b] ? logits[a] > logits[b] : a < b;
    });
    for (int j = 0; j < want; ++j) {
      selected[order[j]] = 1;
      // The weight is the pick's share relative to the candidates' mean (1 = fair share).
      selection.features.push_back({order[j], static_cast<float>(attention[order[j]] / scale)});
    }
    logits.setZero();
    logit_adam.ResetAll();
    if (progress) progress({static_cast<int>(selection.features.size()), k});
  }
  return selection;
}

}  // namespace sieve
