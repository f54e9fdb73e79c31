#include "core/selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <set>

#include "core/baseline_selectors.h"
#include "core/selection_run.h"
#include "core/sequential_attention.h"
#include "tests/testing/datasets.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;

std::vector<int> Indices(const Selection& s) {
  std::vector<int> out;
  for (const auto& f : s.features) out.push_back(f.index);
  return out;
}

int Overlap(const std::vector<int>& a, const std::vector<int>& b) {
  int n = 0;
  for (int x : a) n += std::count(b.begin(), b.end(), x) > 0;
  return n;
}

Selection MustSelect(const Dataset& data, SelectorOptions options) {
  auto selector = MakeSelector(options);
  EXPECT_TRUE(selector.has_value());
  auto result = (*selector)->Select(data, {});
  EXPECT_TRUE(result.has_value()) << result.error().ToString();
  return *result;
}

Dataset Standardised(Dataset data) {
  Standardizer::Fit(data).Apply(data);
  return data;
}

// Sequential Attention finds a non-linear signal, XOR pair included, for every seed;
// a univariate mutual-information filter cannot see the XOR pair.
TEST(SequentialAttentionTest, RecoversPlantedNonlinearSignal) {
  for (uint64_t seed : {1, 2, 3}) {
    std::vector<int> planted;
    const Dataset data = Standardised(testing::PlantedNonlinear(4000, 200, seed, &planted));
    SelectorOptions o;
    o.k = 5;
    o.seed = seed;
    const std::vector<int> picked = Indices(MustSelect(data, o));
    EXPECT_GE(Overlap(picked, planted), 4) << "seed " << seed << ": " << ::testing::PrintToString(picked);

    o.algorithm = Algorithm::kMutualInfo;
    const std::vector<int> mi = Indices(MustSelect(data, o));
    EXPECT_EQ(Overlap(mi, {planted[0], planted[1]}), 0) << "seed " << seed << ": mutual_info saw the XOR pair";
  }
}

// A strong signal spread over six noisy copies, next to two signals with one column
// each: each copy alone carries little of the signal, yet one of them must be picked
// with the other two. As the candidates fade in later rounds the network leans on the
// picked features, and attention goes to what adds most to them.
TEST(SequentialAttentionTest, PicksOneCopyOfARedundantSignal) {
  for (uint64_t seed : {1, 2, 3}) {
    Dataset data = testing::GaussianFeatures(3000, 60, seed);
    Rng rng(seed + 5);
    for (size_t r = 0; r < data.rows; ++r) {
      const double a = rng.Normal(), b = rng.Normal(), c = rng.Normal();
      for (size_t j = 0; j < 6; ++j) data.at(r, j) = static_cast<float>(a + 0.3 * rng.Normal());
      data.at(r, 30) = static_cast<float>(b + 0.3 * rng.Normal());
      data.at(r, 45) = static_cast<float>(c + 0.3 * rng.Normal());
      data.labels[r] = a + 0.7 * b + 0.5 * c + 0.2 * rng.Normal() > 0 ? 1.0f : 0.0f;
    }
    data.task = Task::kClassification;
    data.num_classes = 2;
    data.class_names = {"0", "1"};
    SelectorOptions o;
    o.k = 3;
    o.seed = seed;
    const std::vector<int> picked = Indices(MustSelect(Standardised(std::move(data)), o));
    EXPECT_EQ(Overlap(picked, {30, 45}), 2) << "seed " << seed << ": " << ::testing::PrintToString(picked);
    EXPECT_EQ(Overlap(picked, {0, 1, 2, 3, 4, 5}), 1) << "seed " << seed << ": " << ::testing::PrintToString(picked);
  }
}

TEST(SequentialAttentionTest, SameSeedSameSelectionOtherSeedStillValid) {
  std::vector<int> planted;
  const Dataset data = Standardised(testing::PlantedNonlinear(1500, 60, 5, &planted));
  SelectorOptions o;
  o.k = 6;
  o.seed = 11;
  o.steps_per_round = 40;
  const Selection a = MustSelect(data, o);
  const Selection b = MustSelect(data, o);
  ASSERT_EQ(Indices(a), Indices(b));
  for (size_t i = 0; i < a.features.size(); ++i) EXPECT_EQ(a.features[i].weight, b.features[i].weight);
  const std::vector<int> picked = Indices(a);
  const std::set<int> unique(picked.begin(), picked.end());
  EXPECT_EQ(unique.size(), 6u);
}

// Reference OMP computed here with dense least squares, independent of the selectors.
std::vector<int> ReferenceOmp(const Dataset& data, int k) {
  const Eigen::Index n = data.rows, d = data.cols;
  Eigen::MatrixXd x(n, d);
  for (Eigen::Index r = 0; r < n; ++r)
    for (Eigen::Index c = 0; c < d; ++c) x(r, c) = data.at(r, c);
  Eigen::VectorXd y(n);
  for (Eigen::Index r = 0; r < n; ++r) y[r] = data.labels[r];
  std::vector<int> chosen;
  Eigen::VectorXd residual = y.array() - y.mean();
  for (int step = 0; step < k; ++step) {
    Eigen::VectorXd corr = (x.transpose() * residual).cwiseAbs();
    for (int c : chosen) corr[c] = -1;
    Eigen::Index best;
    corr.maxCoeff(&best);
    chosen.push_back(static_cast<int>(best));
    Eigen::MatrixXd a(n, chosen.size() + 1);
    for (size_t j = 0; j < chosen.size(); ++j) a.col(j) = x.col(chosen[j]);
    a.col(chosen.size()).setOnes();
    residual = y - a * a.colPivHouseholderQr().solve(y);
  }
  return chosen;
}

TEST(SequentialAttentionTest, LinearRegressionOrderMatchesOmp) {
  const std::vector<int> idx = {3, 11, 7, 25, 0, 18};
  const Dataset data = Standardised(
      testing::PlantedLinear(3000, 30, 4, idx, {4.0, -3.2, 2.6, 2.1, -1.7, 1.3}));
  const std::vector<int> omp = ReferenceOmp(data, 6);
  ASSERT_EQ(omp, idx);  // well-conditioned: OMP recovers the support in order

  SelectorOptions o;
  o.k = 6;
  o.hidden = {};  // a linear model
  o.seed = 2;
  o.steps_per_round = 300;  // long enough for the linear weights to converge each round
  EXPECT_EQ(Indices(MustSelect(data, o)), omp);
  o.algorithm = Algorithm::kOmp;
  EXPECT_EQ(Indices(MustSelect(data, o)), omp);
}

TEST(SequentialAttentionTest, MustIncludeComesFirstAndFeaturesPerRound) {
  std::vector<int> planted;
  const Dataset data = Standardised(testing::PlantedNonlinear(1500, 40, 8, &planted));
  SelectorOptions o;
  o.k = 6;
  o.must_include = {5, 9};
  o.features_per_round = 2;
  o.steps_per_round = 50;
  const Selection s = MustSelect(data, o);
  ASSERT_EQ(s.features.size(), 6u);
  EXPECT_EQ(s.features[0].index, 5);
  EXPECT_EQ(s.features[1].index, 9);
  const std::vector<int> picked = Indices(s);
  const std::set<int> unique(picked.begin(), picked.end());
  EXPECT_EQ(unique.size(), 6u);
  // Two rounds of two picks after the must_include features.
  EXPECT_GT(s.training_steps, 2 * 50);
}

// Far more features than rows: the univariate pre-screen keeps the signal and
// must_include survives it even when it is pure noise.
TEST(SequentialAttentionTest, WideDataIsPrescreened) {
  const std::vector<int> idx = {10, 1500, 2999};
  Dataset data = testing::PlantedLinear(400, 3000, 9, idx, {2.5, -2.0, 2.0});
  for (size_t r = 0; r < data.rows; ++r) data.labels[r] = data.labels[r] > 0 ? 1.0f : 0.0f;
  data.task = Task::kClassification;
  data.num_classes = 2;
  data = Standardised(std::move(data));
  SelectorOptions o;
  o.k = 4;
  o.must_include = {7};
  o.steps_per_round = 50;
  EXPECT_EQ(SequentialAttentionSelector::PrescreenSize(o, 3000), 500u);
  EXPECT_EQ(SequentialAttentionSelector::PrescreenSize(o, 1500), 1500u);
  const std::vector<int> picked = Indices(MustSelect(data, o));
  ASSERT_EQ(picked.size(), 4u);
  EXPECT_EQ(picked[0], 7);
  EXPECT_EQ(Overlap(picked, idx), 3) << ::testing::PrintToString(picked);
}

TEST(BaselineSelectorTest, FiltersAndLassoFindStrongLinearFeatures) {
  const std::vector<int> idx = {2, 9, 14};
  Dataset data = Standardised(testing::PlantedLinear(2000, 20, 6, idx, {3.0, -2.0, 1.5}));
  for (Algorithm a : {Algorithm::kFTest, Algorithm::kMutualInfo, Algorithm::kGroupLasso, Algorithm::kOmp}) {
    SelectorOptions o;
    o.algorithm = a;
    o.k = 3;
    std::vector<int> picked = Indices(MustSelect(data, o));
    std::sort(picked.begin(), picked.end());
    EXPECT_EQ(picked, idx) << AlgorithmName(a);
  }
  // Classification version of the same signal.
  for (size_t r = 0; r < data.rows; ++r) data.labels[r] = data.labels[r] > 0 ? 1.0f : 0.0f;
  data.task = Task::kClassification;
  data.num_classes = 2;
  for (Algorithm a : {Algorithm::kFTest, Algorithm::kGroupLasso, Algorithm::kOmp}) {
    SelectorOptions o;
    o.algorithm = a;
    o.k = 3;
    std::vector<int> picked = Indices(MustSelect(data, o));
    std::sort(picked.begin(), picked.end());
    EXPECT_EQ(picked, idx) << AlgorithmName(a) << " (classification)";
  }
}

TEST(BaselineSelectorTest, RandomIsSeededAndHonoursMustInclude) {
  const Dataset data = testing::GaussianFeatures(10, 50, 1);
  SelectorOptions o;
  o.algorithm = Algorithm::kRandom;
  o.k = 7;
  o.must_include = {49};
  o.seed = 4;
  const auto a = Indices(MustSelect(data, o));
  EXPECT_EQ(a, Indices(MustSelect(data, o)));
  EXPECT_EQ(a[0], 49);
  o.seed = 5;
  EXPECT_NE(a, Indices(MustSelect(data, o)));
}

TEST(SelectorOptionsTest, RejectsBadOptionsByName) {
  SelectorOptions o;
  o.k = 11;
  EXPECT_STATUS(ValidateSelectorOptions(o, 10), StatusCode::kInvalidArgument,
                HasSubstr("larger than the number of features (10)"));
  o.k = 2;
  o.must_include = {1, 2, 3};
  EXPECT_STATUS(ValidateSelectorOptions(o, 10), StatusCode::kInvalidArgument, HasSubstr("must_include"));
  EXPECT_STATUS(ParseAlgorithm("lasso"), StatusCode::kInvalidArgument, HasSubstr("sequential_attention"));
  o.must_include.clear();
  o.final_candidate_attention = 1.5f;
  EXPECT_STATUS(ValidateSelectorOptions(o, 10), StatusCode::kInvalidArgument,
                HasSubstr("final_candidate_attention must be in [0, 1]"));
}

TEST(SelectionRunTest, ReportsValidationMetricOfSelectedFeatures) {
  std::vector<int> planted;
  Dataset data = testing::PlantedNonlinear(3000, 50, 2, &planted);
  data.at(0, 3) = std::nanf("");  // missing cells are imputed and counted
  data.at(5, 7) = std::nanf("");
  SelectionRunOptions o;
  o.selector.k = 5;
  o.selector.seed = 1;
  o.selector.steps_per_round = 100;
  ASSERT_OK_AND_ASSIGN(SelectionReport report, RunSelection(data, o, SystemClock::Instance(), {}));
  EXPECT_EQ(report.features.size(), 5u);
  EXPECT_EQ(report.imputed_cells, 2u);
  EXPECT_EQ(report.train_rows + report.validation_rows, 3000u);
  EXPECT_NEAR(static_cast<double>(report.validation_rows), 600.0, 2.0);
  EXPECT_EQ(report.features[0].rank, 1);
  EXPECT_EQ(report.features[0].name, data.feature_names[report.features[0].index]);
  // The planted signal is learnable: well above the 50% of chance.
  EXPECT_GT(report.validation.accuracy, 0.75);

  o.selector.algorithm = Algorithm::kRandom;
  ASSERT_OK_AND_ASSIGN(SelectionReport random, RunSelection(data, o, SystemClock::Instance(), {}));
  EXPECT_GT(report.validation.accuracy, random.validation.accuracy + 0.1);
}

}  // namespace
}  // namespace sieve
