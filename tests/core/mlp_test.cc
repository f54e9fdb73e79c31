#include "core/mlp.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sieve {
namespace {

struct HeadCase {
  Head head;
  int outputs;
};

class MlpGradientTest : public ::testing::TestWithParam<HeadCase> {};

// Every parameter gradient and the input gradient match central finite differences.
TEST_P(MlpGradientTest, MatchesFiniteDifferences) {
  const HeadCase hc = GetParam();
  Rng rng(3);
  Mlp model(6, {5, 4}, hc.outputs, hc.head, rng);
  MatrixRM x(7, 6);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.Normal());
  std::vector<float> y(7);
  for (size_t i = 0; i < y.size(); ++i) {
    y[i] = hc.head == Head::kSoftmax ? static_cast<float>(i % hc.outputs)
           : hc.head == Head::kSigmoid ? static_cast<float>(i % 2)
                                       : static_cast<float>(rng.Normal());
  }
  MatrixRM input_grad;
  model.Forward(x);
  model.Backward(x, y.data(), &input_grad);

  auto loss_at = [&](const MatrixRM& in) {
    model.Forward(in);
    return static_cast<double>(model.Loss(y.data()));
  };
  constexpr float kEps = 1e-3f;
  int checked = 0;
  for (ParamRef p : model.Params()) {
    std::vector<float> analytic(p.grad, p.grad + p.size);
    for (size_t i = 0; i < p.size; ++i) {
      const float saved = p.value[i];
      p.value[i] = saved + kEps;
      const double up = loss_at(x);
      p.value[i] = saved - kEps;
      const double down = loss_at(x);
      p.value[i] = saved;
      const double numeric = (up - down) / (2 * kEps);
      EXPECT_NEAR(analytic[i], numeric, 1e-3 + 2e-2 * std::abs(numeric)) << "param element " << i;
      ++checked;
    }
  }
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    MatrixRM shifted = x;
    shifted.data()[i] += kEps;
    const double up = loss_at(shifted);
    shifted.data()[i] -= 2 * kEps;
    const double down = loss_at(shifted);
    const double numeric = (up - down) / (2 * kEps);
    EXPECT_NEAR(input_grad.data()[i], numeric, 1e-3 + 2e-2 * std::abs(numeric)) << "input " << i;
  }
  EXPECT_GT(checked, 50);
}

INSTANTIATE_TEST_SUITE_P(Heads, MlpGradientTest,
                         ::testing::Values(HeadCase{Head::kSoftmax, 3}, HeadCase{Head::kSigmoid, 1},
                                           HeadCase{Head::kLinear, 1}));

TEST(AdamTest, MinimisesAQuadratic) {
  std::vector<float> w = {5.0f, -3.0f}, g(2);
  Adam adam({{w.data(), g.data(), 2}}, {.learning_rate = 0.1f});
  for (int i = 0; i < 500; ++i) {
    g[0] = 2 * (w[0] - 1);
    g[1] = 2 * (w[1] + 2);
    adam.Step();
  }
  EXPECT_NEAR(w[0], 1.0f, 1e-2);
  EXPECT_NEAR(w[1], -2.0f, 1e-2);
}

TEST(BatchSamplerTest, CoversEveryRowOncePerPass) {
  BatchSampler sampler(10, 5, 1);
  std::vector<int> seen(10, 0);
  for (int b = 0; b < 2; ++b) {
    for (size_t i : sampler.Next()) ++seen[i];
  }
  for (int c : seen) EXPECT_EQ(c, 1);
  BatchSampler small(3, 8, 1);
  EXPECT_EQ(small.Next().size(), 3u);
}

}  // namespace
}  // namespace sieve
