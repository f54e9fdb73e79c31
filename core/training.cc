#include "core/training.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Core>

namespace sieve {

Head HeadFor(const Dataset& data) {
  if (data.task == Task::kRegression) return Head::kLinear;
  return data.num_classes == 2 ? Head::kSigmoid : Head::kSoftmax;
}

int OutputsFor(const Dataset& data) {
  return HeadFor(data) == Head::kSoftmax ? data.num_classes : 1;
}

ConstMatrixMap MatrixOf(const Dataset& data) {
  return ConstMatrixMap(data.values.data(), static_cast<Eigen::Index>(data.rows),
                        static_cast<Eigen::Index>(data.cols));
}

int MathThreads(int requested, double macs_per_step) {
  constexpr double kMacsPerThread = 4e6;
  const int useful = static_cast<int>(macs_per_step / kMacsPerThread);
  return std::max(1, std::min(requested, useful));
}

Mlp TrainMlp(const Dataset& train, const TrainOptions& options) {
  Rng rng(options.seed ^ 0x7a11ed5eedULL);
  Mlp model(static_cast<int>(train.cols), options.hidden, OutputsFor(train), HeadFor(train), rng);
  Eigen::setNbThreads(MathThreads(options.threads,
                                  model.ForwardMacsPerSample() * std::min<size_t>(train.rows, options.batch_size)));
  Adam adam(model.Params(), {.learning_rate = options.learning_rate});
  BatchSampler sampler(train.rows, static_cast<size_t>(options.batch_size), options.seed + 1);
  const ConstMatrixMap x = MatrixOf(train);
  MatrixRM xb;
  std::vector<float> yb;
  for (int64_t step = 0; step < options.steps; ++step) {
    GatherRows(x, train.labels, sampler.Next(), xb, yb);
    model.Forward(xb);
    model.Backward(xb, yb.data(), nullptr);
    adam.Step();
  }
  return model;
}

Metrics Evaluate(Mlp& model, const Dataset& data) {
  Metrics m;
  m.task = data.task;
  const ConstMatrixMap x = MatrixOf(data);
  // Scored in chunks so memory stays bounded on large validation sets.
  constexpr Eigen::Index kChunk = 4096;
  double loss_sum = 0, sq_err = 0, correct = 0, label_sum = 0, label_sq = 0;
  MatrixRM xb;
  for (Eigen::Index start = 0; start < x.rows(); start += kChunk) {
    const Eigen::Index len = std::min(kChunk, x.rows() - start);
    xb = x.middleRows(start, len);
    const MatrixRM& out = model.Forward(xb);
    const float* y = data.labels.data() + start;
    loss_sum += static_cast<double>(model.Loss(y)) * len;
    for (Eigen::Index r = 0; r < len; ++r) {
      switch (model.head()) {
        case Head::kSoftmax: {
          Eigen::Index arg;
          out.row(r).maxCoeff(&arg);
          correct += arg == static_cast<Eigen::Index>(y[r]);
          break;
        }
        case Head::kSigmoid:
          correct += (out(r, 0) >= 0.5f) == (y[r] > 0.5f);
          break;
        case Head::kLinear: {
          const double e = out(r, 0) - y[r];
          sq_err += e * e;
          label_sum += y[r];
          label_sq += static_cast<double>(y[r]) * y[r];
          break;
        }
      }
    }
  }
  const double n = static_cast<double>(std::max<size_t>(1, data.rows));
  m.loss = loss_sum / n;
  if (data.task == Task::kRegression) {
    m.rmse = std::sqrt(sq_err / n);
    const double var = label_sq / n - (label_sum / n) * (label_sum / n);
    m.r2 = var > 0 ? 1.0 - (sq_err / n) / var : 0.0;
  } else {
    m.accuracy = correct / n;
  }
  return m;
}

}  // namespace sieve
