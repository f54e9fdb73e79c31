#include "daemon/drift.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

namespace sieve {
namespace {

constexpr double kFloor = 1e-4;
constexpr int kNumericBins = 10;

double PsiOfCounts(const std::vector<double>& e, double e_total, const std::vector<double>& a,
                   double a_total) {
  if (e_total <= 0 || a_total <= 0) return 0;
  double psi = 0;
  for (size_t i = 0; i < e.size(); ++i) {
    const double pe = std::max(kFloor, e[i] / e_total);
    const double pa = std::max(kFloor, a[i] / a_total);
    psi += (pa - pe) * std::log(pa / pe);
  }
  return psi;
}

std::vector<float> Column(const std::vector<float>& values, size_t rows, size_t cols, size_t c) {
  std::vector<float> out(rows);
  for (size_t r = 0; r < rows; ++r) out[r] = values[r * cols + c];
  return out;
}

std::vector<int32_t> Column(const std::vector<int32_t>& values, size_t rows, size_t cols,
                            size_t c) {
  std::vector<int32_t> out(rows);
  for (size_t r = 0; r < rows; ++r) out[r] = values[r * cols + c];
  return out;
}

}  // namespace

double NumericPsi(std::span<const float> reference, std::span<const float> current) {
  std::vector<float> sorted;
  sorted.reserve(reference.size());
  for (float v : reference)
    if (!std::isnan(v)) sorted.push_back(v);
  std::sort(sorted.begin(), sorted.end());
  std::vector<float> edges;  // upper edges of the first kNumericBins - 1 bins
  for (int b = 1; b < kNumericBins && !sorted.empty(); ++b) {
    const float edge = sorted[sorted.size() * b / kNumericBins];
    if (edges.empty() || edge > edges.back()) edges.push_back(edge);
  }
  const size_t bins = edges.size() + 2;  // + last bin + NaN bin
  auto count = [&](std::span<const float> values) {
    std::vector<double> counts(bins, 0);
    for (float v : values) {
      if (std::isnan(v)) {
        counts[bins - 1] += 1;
        continue;
      }
      const size_t bin = std::upper_bound(edges.begin(), edges.end(), v) - edges.begin();
      counts[bin] += 1;
    }
    return counts;
  };
  return PsiOfCounts(count(reference), static_cast<double>(reference.size()), count(current),
                     static_cast<double>(current.size()));
}

double CategoricalPsi(std::span<const int32_t> reference, std::span<const int32_t> current) {
  std::unordered_map<int32_t, size_t> index;
  std::vector<double> e, a;
  auto bin = [&](int32_t v) {
    auto [it, inserted] = index.emplace(v, e.size());
    if (inserted) {
      e.push_back(0);
      a.push_back(0);
    }
    return it->second;
  };
  for (int32_t v : reference) e[bin(v)] += 1;
  for (int32_t v : current) a[bin(v)] += 1;
  return PsiOfCounts(e, static_cast<double>(reference.size()), a,
                     static_cast<double>(current.size()));
}

DriftReport MeasureDrift(const WindowSnapshot& reference, const WindowSnapshot& current) {
  DriftReport report;
  auto consider = [&](double psi, const std::string& column) {
    if (psi > report.max_psi) {
      report.max_psi = psi;
      report.column = column;
    }
  };
  if (reference.num_rows == 0 || current.num_rows == 0) return report;
  const size_t rf = reference.float_columns.size(), cf = current.float_columns.size();
  for (size_t c = 0; c < cf; ++c) {
    auto it = std::find(reference.float_columns.begin(), reference.float_columns.end(),
                        current.float_columns[c]);
    if (it == reference.float_columns.end()) continue;
    const size_t rc = it - reference.float_columns.begin();
    consider(NumericPsi(Column(reference.floats, reference.num_rows, rf, rc),
                        Column(current.floats, current.num_rows, cf, c)),
             current.float_columns[c]);
  }
  const size_t rb = reference.bucket_columns.size(), cb = current.bucket_columns.size();
  for (size_t c = 0; c < cb; ++c) {
    auto it = std::find(reference.bucket_columns.begin(), reference.bucket_columns.end(),
                        current.bucket_columns[c]);
    if (it == reference.bucket_columns.end()) continue;
    const size_t rc = it - reference.bucket_columns.begin();
    consider(CategoricalPsi(Column(reference.buckets, reference.num_rows, rb, rc),
                            Column(current.buckets, current.num_rows, cb, c)),
             current.bucket_columns[c]);
  }
  std::vector<int32_t> rl(reference.labels.begin(), reference.labels.end());
  std::vector<int32_t> cl(current.labels.begin(), current.labels.end());
  consider(CategoricalPsi(rl, cl), "label");
  return report;
}

}  // namespace sieve
