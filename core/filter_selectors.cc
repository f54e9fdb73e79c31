// Univariate filters (mutual information, F test), random choice, and their top-k.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/baseline_selectors.h"
#include "core/rng.h"

namespace sieve {
namespace {

constexpr int kBins = 16;

// Quantile bin of every value of one column (ties share a bin). Returns bin count.
int QuantileBins(std::vector<float> column, const std::vector<float>& values, std::vector<int>& out) {
  std::sort(column.begin(), column.end());
  std::vector<float> edges;
  for (int b = 1; b < kBins; ++b) {
    const float e = column[std::min(column.size() - 1, b * column.size() / kBins)];
    if (edges.empty() || e > edges.back()) edges.push_back(e);
  }
  out.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = static_cast<int>(std::upper_bound(edges.begin(), edges.end(), values[i]) - edges.begin());
  }
  return static_cast<int>(edges.size()) + 1;
}

}  // namespace

Selection TopKByScore(const std::vector<double>& scores, const SelectorOptions& options) {
  Selection selection;
  std::vector<char> taken(scores.size(), 0);
  for (int i : options.must_include) {
    taken[i] = 1;
    selection.features.push_back({i, static_cast<float>(scores[i])});
  }
  std::vector<int> order;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!taken[i]) order.push_back(static_cast<int>(i));
  }
  const size_t want = std::min(order.size(), options.k - selection.features.size());
  std::partial_sort(order.begin(), order.begin() + want, order.end(), [&](int a, int b) {
    const double sa = std::isnan(scores[a]) ? -1e300 : scores[a];
    const double sb = std::isnan(scores[b]) ? -1e300 : scores[b];
    return sa != sb ? sa > sb : a < b;
  });
  for (size_t j = 0; j < want; ++j) selection.features.push_back({order[j], static_cast<float>(scores[order[j]])});
  return selection;
}

std::vector<double> MutualInfoSelector::Scores(const Dataset& train) {
  const size_t n = train.rows, d = train.cols;
  std::vector<int> label_bin(n);
  int label_bins = train.num_classes;
  if (train.task == Task::kRegression) {
    label_bins = QuantileBins(train.labels, train.labels, label_bin);
  } else {
    for (size_t r = 0; r < n; ++r) label_bin[r] = static_cast<int>(train.labels[r]);
  }
  std::vector<double> py(label_bins, 0.0);
  for (int b : label_bin) py[b] += 1.0 / n;

  std::vector<double> scores(d, 0.0);
#pragma omp parallel for schedule(dynamic, 16)
  for (size_t c = 0; c < d; ++c) {
    std::vector<float> column(n);
    for (size_t r = 0; r < n; ++r) column[r] = train.values[r * d + c];
    std::vector<int> bins;
    const int nb = QuantileBins(column, column, bins);
    std::vector<double> joint(static_cast<size_t>(nb) * label_bins, 0.0), px(nb, 0.0);
    for (size_t r = 0; r < n; ++r) {
      joint[static_cast<size_t>(bins[r]) * label_bins + label_bin[r]] += 1.0 / n;
      px[bins[r]] += 1.0 / n;
    }
    double mi = 0;
    for (int a = 0; a < nb; ++a) {
      for (int b = 0; b < label_bins; ++b) {
        const double p = joint[static_cast<size_t>(a) * label_bins + b];
        if (p > 0) mi += p * std::log(p / (px[a] * py[b]));
      }
    }
    scores[c] = mi;
  }
  return scores;
}

Result<Selection> MutualInfoSelector::Select(const Dataset& train, const ProgressCallback& progress) {
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(options_, train.cols));
  Selection s = TopKByScore(Scores(train), options_);
  if (progress) progress({static_cast<int>(s.features.size()), options_.k});
  return s;
}

std::vector<double> FTestSelector::Scores(const Dataset& train) {
  const size_t n = train.rows, d = train.cols;
  std::vector<double> scores(d, 0.0);
  if (train.task == Task::kRegression) {
    double ym = 0;
    for (float y : train.labels) ym += y;
    ym /= n;
    double syy = 0;
    for (float y : train.labels) syy += (y - ym) * (y - ym);
    for (size_t c = 0; c < d; ++c) {
      double xm = 0;
      for (size_t r = 0; r < n; ++r) xm += train.values[r * d + c];
      xm /= n;
      double sxy = 0, sxx = 0;
      for (size_t r = 0; r < n; ++r) {
        const double dx = train.values[r * d + c] - xm;
        sxy += dx * (train.labels[r] - ym);
        sxx += dx * dx;
      }
      const double r2 = (sxx > 0 && syy > 0) ? (sxy * sxy) / (sxx * syy) : 0.0;
      scores[c] = r2 < 1 ? r2 / (1 - r2) * (static_cast<double>(n) - 2) : 1e300;
    }
    return scores;
  }
  const int k = train.num_classes;
  std::vector<double> count(k, 0.0);
  for (float y : train.labels) count[static_cast<int>(y)] += 1;
  for (size_t c = 0; c < d; ++c) {
    std::vector<double> sum(k, 0.0);
    double total = 0, total_sq = 0;
    for (size_t r = 0; r < n; ++r) {
      const double v = train.values[r * d + c];
      sum[static_cast<int>(train.labels[r])] += v;
      total += v;
      total_sq += v * v;
    }
    const double grand = total / n;
    double between = 0;
    for (int g = 0; g < k; ++g) {
      if (count[g] > 0) between += count[g] * std::pow(sum[g] / count[g] - grand, 2);
    }
    const double within = std::max(0.0, total_sq - n * grand * grand - between);
    const double df_between = k - 1, df_within = static_cast<double>(n) - k;
    scores[c] = within > 0 && df_within > 0 ? (between / df_between) / (within / df_within)
                                            : (between > 0 ? 1e300 : 0.0);
  }
  return scores;
}

Result<Selection> FTestSelector::Select(const Dataset& train, const ProgressCallback& progress) {
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(options_, train.cols));
  Selection s = TopKByScore(Scores(train), options_);
  if (progress) progress({static_cast<int>(s.features.size()), options_.k});
  return s;
}

Result<Selection> RandomSelector::Select(const Dataset& train, const ProgressCallback& progress) {
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(options_, train.cols));
  Rng rng(options_.seed ^ 0x4a4d0eULL);
  std::vector<double> scores(train.cols);
  for (auto& s : scores) s = rng.Uniform();
  Selection s = TopKByScore(scores, options_);
  if (progress) progress({static_cast<int>(s.features.size()), options_.k});
  return s;
}

}  // namespace sieve
