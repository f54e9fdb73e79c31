// A small multilayer perceptron with Adam, the model every neural selector trains.
//
// Internal to sieve_core (exposes Eigen). Float32, row-major batches; all buffers are
// allocated once per batch shape, so a training step allocates nothing.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/rng.h"

namespace sieve {

using MatrixRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVec = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// Output head and its loss.
enum class Head {
  kSoftmax,  // K outputs, cross-entropy; targets are class indices
  kSigmoid,  // 1 output, log-loss; targets are 0 / 1
  kLinear,   // 1 output, squared error (loss = mean (z - y)^2 / 2); targets are values
};

// Applies the head's link to raw scores in place: row-wise softmax, sigmoid, or nothing.
void ApplyLink(MatrixRM& z, Head head);

// A view of one trainable array and its gradient, for the optimiser.
struct ParamRef {
  float* value;
  float* grad;
  size_t size;
};

class Mlp {
 public:
  // He-initialised weights from `rng`; biases zero. `hidden` may be empty (linear model).
  Mlp(int inputs, const std::vector<int>& hidden, int outputs, Head head, Rng& rng);

  // Forward pass on a batch (rows = samples). Keeps activations for Backward.
  // Returns the model's outputs: probabilities (softmax / sigmoid) or values (linear).
  const MatrixRM& Forward(const MatrixRM& x);

  // Mean loss of the last Forward against `targets` (one per row).
  float Loss(const float* targets) const;

  // Gradients of the mean loss of the last Forward with respect to every parameter
  // (stored for Params()) and, if input_grad is not null, to the input batch.
  // REQUIRES: Forward was called with `x`.
  void Backward(const MatrixRM& x, const float* targets, MatrixRM* input_grad);

  // Adds l2 * W to every weight gradient (weight decay; biases are not decayed).
  // Call after Backward.
  void AddWeightDecay(float l2);

  // Trainable arrays in a fixed order (weights, bias per layer).
  std::vector<ParamRef> Params();

  int inputs() const { return inputs_; }
  int outputs() const { return outputs_; }
  Head head() const { return head_; }
  // Multiply-adds of one forward pass per sample.
  double ForwardMacsPerSample() const;
  // Weights of layer `l` (inputs x outputs of that layer).
  const MatrixRM& weights(int l) const { return weights_[l]; }
  MatrixRM& mutable_weights(int l) { return weights_[l]; }
  int num_layers() const { return static_cast<int>(weights_.size()); }

 private:
  int inputs_;
  int outputs_;
  Head head_;
  std::vector<MatrixRM> weights_, weight_grads_;
  std::vector<RowVec> biases_, bias_grads_;
  std::vector<MatrixRM> pre_;   // pre-activation per layer (last = output logits)
  std::vector<MatrixRM> post_;  // ReLU outputs of hidden layers
  MatrixRM out_;                // head output
  MatrixRM delta_, delta_next_;
};

// Adam over a fixed set of parameter arrays. Moments can be reset per array.
class Adam {
 public:
  struct Options {
    float learning_rate = 1e-3f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float epsilon = 1e-7f;
  };
  Adam(std::vector<ParamRef> params, Options options);

  // One update of every parameter from its current gradient.
  void Step();
  // Zeroes the moments of parameter `index` (as if it had never been trained).
  void ResetMoments(size_t index);
  // Zeroes every moment and the step count.
  void ResetAll();

 private:
  std::vector<ParamRef> params_;
  Options options_;
  std::vector<std::vector<float>> m_, v_;
  std::vector<int64_t> steps_;
};

// Draws full-size mini-batches from a seeded permutation of the rows, reshuffling
// after each pass. Every batch has the same size, so buffers never change shape.
class BatchSampler {
 public:
  BatchSampler(size_t rows, size_t batch_size, uint64_t seed);
  // Indices of the next batch (size batch_size(), or rows if fewer).
  const std::vector<size_t>& Next();
  size_t batch_size() const { return batch_size_; }

 private:
  Rng rng_;
  std::vector<size_t> order_;
  std::vector<size_t> batch_;
  size_t batch_size_;
  size_t pos_ = 0;
};

// Copies rows `idx` of x into out (resized to idx.size() x x.cols()), and their targets.
void GatherRows(const Eigen::Ref<const MatrixRM>& x, const std::vector<float>& y,
                const std::vector<size_t>& idx, MatrixRM& out, std::vector<float>& out_y);

// A read-only matrix view of a row-major float table (no copy).
using ConstMatrixMap = Eigen::Map<const MatrixRM>;

}  // namespace sieve
