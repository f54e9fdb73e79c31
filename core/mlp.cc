#include "core/mlp.h"

#include <algorithm>
#include <cmath>

namespace sieve {

void ApplyLink(MatrixRM& z, Head head) {
  switch (head) {
    case Head::kSoftmax:
      for (Eigen::Index r = 0; r < z.rows(); ++r) {
        z.row(r).array() -= z.row(r).maxCoeff();
        z.row(r) = z.row(r).array().exp().matrix();
        z.row(r) /= z.row(r).sum();
      }
      break;
    case Head::kSigmoid:
      z = (1.0f / (1.0f + (-z.array()).exp())).matrix();
      break;
    case Head::kLinear:
      break;
  }
}

Mlp::Mlp(int inputs, const std::vector<int>& hidden, int outputs, Head head, Rng& rng)
    : inputs_(inputs), outputs_(outputs), head_(head) {
  std::vector<int> sizes;
  sizes.push_back(inputs);
  for (int h : hidden) sizes.push_back(h);
  sizes.push_back(outputs);
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    MatrixRM w(sizes[l], sizes[l + 1]);
    const bool last = l + 2 == sizes.size();
    // He initialisation for ReLU layers, Glorot-like for the output layer.
    const double sd = last ? std::sqrt(1.0 / std::max(1, sizes[l]))
                           : std::sqrt(2.0 / std::max(1, sizes[l]));
    for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = static_cast<float>(rng.Normal() * sd);
    weights_.push_back(std::move(w));
    weight_grads_.push_back(MatrixRM::Zero(sizes[l], sizes[l + 1]));
    biases_.push_back(RowVec::Zero(sizes[l + 1]));
    bias_grads_.push_back(RowVec::Zero(sizes[l + 1]));
  }
  pre_.resize(weights_.size());
  post_.resize(weights_.size() - 1);
}

double Mlp::ForwardMacsPerSample() const {
  double macs = 0;
  for (const auto& w : weights_) macs += static_cast<double>(w.rows()) * w.cols();
  return macs;
}

const MatrixRM& Mlp::Forward(const MatrixRM& x) {
  const MatrixRM* in = &x;
  const size_t layers = weights_.size();
  for (size_t l = 0; l < layers; ++l) {
    pre_[l].noalias() = *in * weights_[l];
    pre_[l].rowwise() += biases_[l];
    if (l + 1 < layers) {
      post_[l] = pre_[l].cwiseMax(0.0f);
      in = &post_[l];
    }
  }
  out_ = pre_.back();
  ApplyLink(out_, head_);
  return out_;
}

float Mlp::Loss(const float* targets) const {
  const Eigen::Index b = out_.rows();
  double loss = 0;
  constexpr float kTiny = 1e-7f;
  for (Eigen::Index r = 0; r < b; ++r) {
    switch (head_) {
      case Head::kSoftmax:
        loss -= std::log(std::max(out_(r, static_cast<Eigen::Index>(targets[r])), kTiny));
        break;
      case Head::kSigmoid: {
        const float p = std::clamp(out_(r, 0), kTiny, 1.0f - kTiny);
        loss -= targets[r] > 0.5f ? std::log(p) : std::log(1.0f - p);
        break;
      }
      case Head::kLinear: {
        const double e = out_(r, 0) - targets[r];
        loss += 0.5 * e * e;
        break;
      }
    }
  }
  return static_cast<float>(loss / std::max<Eigen::Index>(1, b));
}

void Mlp::Backward(const MatrixRM& x, const float* targets, MatrixRM* input_grad) {
  const Eigen::Index b = out_.rows();
  const float inv_b = 1.0f / static_cast<float>(std::max<Eigen::Index>(1, b));
  // All three heads have the same output gradient: (prediction - target) / b.
  delta_ = out_;
  if (head_ == Head::kSoftmax) {
    for (Eigen::Index r = 0; r < b; ++r) delta_(r, static_cast<Eigen::Index>(targets[r])) -= 1.0f;
  } else {
    for (Eigen::Index r = 0; r < b; ++r) delta_(r, 0) -= targets[r];
  }
  delta_ *= inv_b;

  for (size_t l = weights_.size(); l-- > 0;) {
    const MatrixRM& in = l == 0 ? x : post_[l - 1];
    weight_grads_[l].noalias() = in.transpose() * delta_;
    bias_grads_[l] = delta_.colwise().sum();
    if (l > 0) {
      delta_next_.noalias() = delta_ * weights_[l].transpose();
      delta_next_.array() *= (pre_[l - 1].array() > 0.0f).cast<float>();
      std::swap(delta_, delta_next_);
    } else if (input_grad != nullptr) {
      input_grad->noalias() = delta_ * weights_[0].transpose();
    }
  }
}

void Mlp::AddWeightDecay(float l2) {
  if (l2 == 0.0f) return;
  for (size_t l = 0; l < weights_.size(); ++l) weight_grads_[l] += l2 * weights_[l];
}

std::vector<ParamRef> Mlp::Params() {
  std::vector<ParamRef> out;
  for (size_t l = 0; l < weights_.size(); ++l) {
    out.push_back({weights_[l].data(), weight_grads_[l].data(), static_cast<size_t>(weights_[l].size())});
    out.push_back({biases_[l].data(), bias_grads_[l].data(), static_cast<size_t>(biases_[l].size())});
  }
  return out;
}

Adam::Adam(std::vector<ParamRef> params, Options options)
    : params_(std::move(params)), options_(options) {
  for (const auto& p : params_) {
    m_.emplace_back(p.size, 0.0f);
    v_.emplace_back(p.size, 0.0f);
    steps_.push_back(0);
  }
}

void Adam::Step() {
  const float b1 = options_.beta1, b2 = options_.beta2;
  for (size_t i = 0; i < params_.size(); ++i) {
    const int64_t t = ++steps_[i];
    const float c1 = 1.0f - std::pow(b1, static_cast<float>(t));
    const float c2 = 1.0f - std::pow(b2, static_cast<float>(t));
    const float step = options_.learning_rate * std::sqrt(c2) / c1;
    Eigen::Map<Eigen::ArrayXf> w(params_[i].value, params_[i].size);
    Eigen::Map<const Eigen::ArrayXf> g(params_[i].grad, params_[i].size);
    Eigen::Map<Eigen::ArrayXf> m(m_[i].data(), params_[i].size);
    Eigen::Map<Eigen::ArrayXf> v(v_[i].data(), params_[i].size);
    m = b1 * m + (1.0f - b1) * g;
    v = b2 * v + (1.0f - b2) * g.square();
    w -= step * m / (v.sqrt() + options_.epsilon);
  }
}

void Adam::ResetMoments(size_t index) {
  std::fill(m_[index].begin(), m_[index].end(), 0.0f);
  std::fill(v_[index].begin(), v_[index].end(), 0.0f);
  steps_[index] = 0;
}

void Adam::ResetAll() {
  for (size_t i = 0; i < params_.size(); ++i) ResetMoments(i);
}

BatchSampler::BatchSampler(size_t rows, size_t batch_size, uint64_t seed)
    : rng_(seed), order_(rows), batch_size_(std::min(rows, batch_size)) {
  for (size_t i = 0; i < rows; ++i) order_[i] = i;
  rng_.Shuffle(order_);
  batch_.resize(batch_size_);
}

const std::vector<size_t>& BatchSampler::Next() {
  for (size_t i = 0; i < batch_size_; ++i) {
    if (pos_ == order_.size()) {
      rng_.Shuffle(order_);
      pos_ = 0;
    }
    batch_[i] = order_[pos_++];
  }
  return batch_;
}

void GatherRows(const Eigen::Ref<const MatrixRM>& x, const std::vector<float>& y,
                const std::vector<size_t>& idx, MatrixRM& out, std::vector<float>& out_y) {
  out.resize(static_cast<Eigen::Index>(idx.size()), x.cols());
  out_y.resize(idx.size());
  for (size_t i = 0; i < idx.size(); ++i) {
    out.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(idx[i]));
    out_y[i] = y[idx[i]];
  }
}

}  // namespace sieve
