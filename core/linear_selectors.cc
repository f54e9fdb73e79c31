// Linear-model baselines: OMP-style greedy gradient selection and the group-LASSO path.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "core/baseline_selectors.h"
#include "core/training.h"

namespace sieve {
namespace {

// Gradient of the mean loss with respect to the model's outputs, times n:
// prediction minus target, per row and output.
MatrixRM OutputResidual(const MatrixRM& prediction, const Dataset& data, Head head) {
  MatrixRM r = prediction;
  for (size_t i = 0; i < data.rows; ++i) {
    if (head == Head::kSoftmax) {
      r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(data.labels[i])) -= 1.0f;
    } else {
      r(static_cast<Eigen::Index>(i), 0) -= data.labels[i];
    }
  }
  return r;
}

// The mean target: class frequencies for softmax, the mean label otherwise.
RowVec MeanTarget(const Dataset& train) {
  const Head head = HeadFor(train);
  RowVec mean = RowVec::Zero(OutputsFor(train));
  for (size_t i = 0; i < train.rows; ++i) {
    if (head == Head::kSoftmax) {
      mean[static_cast<Eigen::Index>(train.labels[i])] += 1.0f;
    } else {
      mean[0] += train.labels[i];
    }
  }
  return mean / static_cast<float>(train.rows);
}

// Predictions of the best linear model on the columns `cols` of `train`.
MatrixRM FitLinearPredictions(const Dataset& train, const std::vector<int>& cols,
                              const SelectorOptions& options) {
  const Head head = HeadFor(train);
  const Eigen::Index n = static_cast<Eigen::Index>(train.rows);
  if (cols.empty()) return MeanTarget(train).replicate(n, 1);  // intercept only
  const Dataset sub = train.Columns(cols);
  if (head == Head::kLinear) {
    // Exact least squares with an intercept.
    Eigen::MatrixXd a(n, static_cast<Eigen::Index>(cols.size()) + 1);
    a.leftCols(cols.size()) = MatrixOf(sub).cast<double>();
    a.col(cols.size()).setOnes();
    Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXf>(train.labels.data(), n).cast<double>();
    Eigen::VectorXd beta = a.colPivHouseholderQr().solve(y);
    return (a * beta).cast<float>();
  }
  TrainOptions t;
  t.hidden = {};
  t.batch_size = static_cast<int>(std::min<size_t>(train.rows, 2048));
  t.learning_rate = 0.05f;
  t.steps = options.linear_steps;
  t.seed = options.seed;
  t.threads = options.threads;
  Mlp model = TrainMlp(sub, t);
  MatrixRM x = MatrixOf(sub);
  return model.Forward(x);
}

}  // namespace

Result<Selection> OmpSelector::Select(const Dataset& train, const ProgressCallback& progress) {
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(options_, train.cols));
  const Head head = HeadFor(train);
  const ConstMatrixMap x = MatrixOf(train);
  Eigen::setNbThreads(MathThreads(options_.threads, static_cast<double>(x.size()) * OutputsFor(train)));
  Selection selection;
  std::vector<int> chosen;
  std::vector<char> taken(train.cols, 0);
  for (int i : options_.must_include) {
    chosen.push_back(i);
    taken[i] = 1;
    selection.features.push_back({i, 0.0f});
  }
  MatrixRM grad;
  while (selection.features.size() < static_cast<size_t>(options_.k)) {
    const MatrixRM residual = OutputResidual(FitLinearPredictions(train, chosen, options_), train, head);
    grad.noalias() = x.transpose() * residual;
    int best = -1;
    float best_norm = -1.0f;
    for (Eigen::Index j = 0; j < grad.rows(); ++j) {
      if (taken[j]) continue;
      const float norm = grad.row(j).norm() / static_cast<float>(train.rows);
      if (norm > best_norm) {
        best_norm = norm;
        best = static_cast<int>(j);
      }
    }
    taken[best] = 1;
    chosen.push_back(best);
    selection.features.push_back({best, best_norm});
    if (progress) progress({static_cast<int>(selection.features.size()), options_.k});
  }
  return selection;
}

Result<Selection> GroupLassoSelector::Select(const Dataset& train, const ProgressCallback& progress) {
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(options_, train.cols));
  const Head head = HeadFor(train);
  const ConstMatrixMap x = MatrixOf(train);
  Eigen::setNbThreads(MathThreads(options_.threads, static_cast<double>(x.size()) * OutputsFor(train)));
  const Eigen::Index n = x.rows(), d = x.cols();
  const int outputs = OutputsFor(train);
  const float inv_n = 1.0f / static_cast<float>(n);

  std::vector<char> penalised(d, 1);
  Selection selection;
  for (int i : options_.must_include) {
    penalised[i] = 0;
    selection.features.push_back({i, 1.0f});
  }

  // Lipschitz constant of the smooth part: curvature of the loss times ||X||^2 / n.
  Eigen::VectorXf v = Eigen::VectorXf::Ones(d).normalized();
  float sigma2 = 1.0f;
  for (int it = 0; it < 30; ++it) {
    Eigen::VectorXf u = x.transpose() * (x * v);
    sigma2 = u.norm();
    if (sigma2 <= 0) break;
    v = u / sigma2;
  }
  const float curvature = head == Head::kLinear ? 1.0f : (head == Head::kSigmoid ? 0.25f : 0.5f);
  const float step = 1.0f / std::max(1e-6f, curvature * sigma2 * inv_n);

  MatrixRM w = MatrixRM::Zero(d, outputs), w_prev = w, y_mom = w, grad(d, outputs), pred;
  RowVec bias = MeanTarget(train);
  if (head == Head::kSoftmax) bias = bias.array().max(1e-6f).log().matrix();
  if (head == Head::kSigmoid) bias[0] = std::log(std::max(1e-6f, bias[0]) / std::max(1e-6f, 1 - bias[0]));

  auto gradient_at = [&](const MatrixRM& weights) {
    pred.noalias() = x * weights;
    pred.rowwise() += bias;
    ApplyLink(pred, head);
    const MatrixRM r = OutputResidual(pred, train, head);
    grad.noalias() = x.transpose() * r;
    grad *= inv_n;
    bias -= step * 0.5f * inv_n * r.colwise().sum();
  };

  gradient_at(w);
  float lambda_max = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    if (penalised[j]) lambda_max = std::max(lambda_max, grad.row(j).norm());
  }
  std::vector<float> entry(d, 0.0f);  // penalty / lambda_max at which a feature entered
  std::vector<float> strength(d, 0.0f);
  int entered = 0;
  const int wanted = options_.k - static_cast<int>(options_.must_include.size());
  constexpr int kPathPoints = 60, kIterations = 40;
  constexpr float kRatio = 0.88f;
  float lambda = lambda_max;
  for (int p = 0; p < kPathPoints && entered < wanted; ++p) {
    lambda *= kRatio;
    float t = 1.0f;
    for (int it = 0; it < kIterations; ++it) {
      gradient_at(y_mom);
      w_prev = w;
      w = y_mom - step * grad;
      for (Eigen::Index j = 0; j < d; ++j) {
        if (!penalised[j]) continue;
        const float norm = w.row(j).norm();
        const float shrink = norm > 0 ? std::max(0.0f, 1.0f - step * lambda / norm) : 0.0f;
        w.row(j) *= shrink;
      }
      const float t_next = 0.5f * (1.0f + std::sqrt(1.0f + 4.0f * t * t));
      y_mom = w + ((t - 1.0f) / t_next) * (w - w_prev);
      t = t_next;
    }
    for (Eigen::Index j = 0; j < d; ++j) {
      if (penalised[j] && entry[j] == 0.0f && w.row(j).norm() > 0) {
        entry[j] = lambda / lambda_max;
        ++entered;
      }
      strength[j] = w.row(j).norm();
    }
    if (progress) progress({static_cast<int>(options_.must_include.size()) + std::min(entered, wanted), options_.k});
  }
  // Earlier entry first; ties (same path point) by coefficient norm; then gradient norm
  // for features that never entered.
  gradient_at(w);
  std::vector<int> order;
  for (Eigen::Index j = 0; j < d; ++j) {
    if (penalised[j]) order.push_back(static_cast<int>(j));
  }
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (entry[a] != entry[b]) return entry[a] > entry[b];
    if (strength[a] != strength[b]) return strength[a] > strength[b];
    const float ga = grad.row(a).norm(), gb = grad.row(b).norm();
    return ga != gb ? ga > gb : a < b;
  });
  for (int j = 0; j < wanted; ++j) selection.features.push_back({order[j], entry[order[j]]});
  return selection;
}

}  // namespace sieve
