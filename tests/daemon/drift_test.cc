#include "daemon/drift.h"

#include <gtest/gtest.h>

#include <random>

namespace sieve {
namespace {

std::vector<float> Normal(size_t n, double mean, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(mean, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(d(rng));
  return v;
}

TEST(DriftTest, SameDistributionHasSmallPsi) {
  EXPECT_LT(NumericPsi(Normal(5000, 0, 1), Normal(5000, 0, 2)), 0.02);
}

TEST(DriftTest, ShiftedDistributionHasLargePsi) {
  const double psi = NumericPsi(Normal(5000, 0, 1), Normal(5000, 1, 2));
  EXPECT_GT(psi, 0.25);
}

TEST(DriftTest, CategoricalShift) {
  std::vector<int32_t> a(1000), b(1000);
  for (int i = 0; i < 1000; ++i) {
    a[i] = i % 2;
    b[i] = i % 10 == 0 ? 0 : 1;
  }
  EXPECT_NEAR(CategoricalPsi(a, a), 0, 1e-12);
  EXPECT_GT(CategoricalPsi(a, b), 0.25);
}

TEST(DriftTest, MeasureDriftNamesTheDriftingColumn) {
  WindowSnapshot ref, cur;
  ref.float_columns = cur.float_columns = {"steady", "moving"};
  ref.num_rows = cur.num_rows = 2000;
  auto s1 = Normal(2000, 0, 1), m1 = Normal(2000, 0, 2), s2 = Normal(2000, 0, 3),
       m2 = Normal(2000, 2, 4);
  for (size_t r = 0; r < 2000; ++r) {
    ref.floats.insert(ref.floats.end(), {s1[r], m1[r]});
    cur.floats.insert(cur.floats.end(), {s2[r], m2[r]});
    ref.labels.push_back(r % 2);
    cur.labels.push_back(r % 2);
  }
  DriftReport report = MeasureDrift(ref, cur);
  EXPECT_EQ(report.column, "moving");
  EXPECT_GT(report.max_psi, 1.0);
}

}  // namespace
}  // namespace sieve
