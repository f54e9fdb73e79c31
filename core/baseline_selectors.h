// Baseline selectors behind the Selector interface: to compare Sequential Attention
// against, and as cheap fallbacks. All honour must_include (picked first) and k.
#pragma once

#include "core/selector.h"

namespace sieve {

// Orthogonal-matching-pursuit style greedy selection: fit a linear model (least
// squares for regression, logistic / softmax regression otherwise) on the selected
// features, then add the feature whose loss gradient has the largest norm. For
// regression this is exactly OMP. Weight = that gradient norm.
class OmpSelector : public Selector {
 public:
  explicit OmpSelector(SelectorOptions o) : options_(std::move(o)) {}
  std::string_view name() const override { return "omp"; }
  Result<Selection> Select(const Dataset& train, const ProgressCallback& progress) override;

 private:
  SelectorOptions options_;
};

// Group-LASSO path (one group per feature: its weights for every output): features
// are ranked by the penalty at which they first become non-zero as the penalty falls.
// Weight = entry penalty / largest penalty.
class GroupLassoSelector : public Selector {
 public:
  explicit GroupLassoSelector(SelectorOptions o) : options_(std::move(o)) {}
  std::string_view name() const override { return "group_lasso"; }
  Result<Selection> Select(const Dataset& train, const ProgressCallback& progress) override;

 private:
  SelectorOptions options_;
};

// Univariate filter: mutual information between each (quantile-binned) feature and
// the label (binned for regression), in nats. Blind to interactions such as XOR.
class MutualInfoSelector : public Selector {
 public:
  explicit MutualInfoSelector(SelectorOptions o) : options_(std::move(o)) {}
  std::string_view name() const override { return "mutual_info"; }
  Result<Selection> Select(const Dataset& train, const ProgressCallback& progress) override;

  // Mutual information of every column with the label.
  static std::vector<double> Scores(const Dataset& train);

 private:
  SelectorOptions options_;
};

// Univariate filter: ANOVA F for classification, correlation F for regression.
class FTestSelector : public Selector {
 public:
  explicit FTestSelector(SelectorOptions o) : options_(std::move(o)) {}
  std::string_view name() const override { return "f_test"; }
  Result<Selection> Select(const Dataset& train, const ProgressCallback& progress) override;

  static std::vector<double> Scores(const Dataset& train);

 private:
  SelectorOptions options_;
};

// Seeded uniform random choice.
class RandomSelector : public Selector {
 public:
  explicit RandomSelector(SelectorOptions o) : options_(std::move(o)) {}
  std::string_view name() const override { return "random"; }
  Result<Selection> Select(const Dataset& train, const ProgressCallback& progress) override;

 private:
  SelectorOptions options_;
};

// Top-k of per-feature scores after must_include (shared by the filters).
Selection TopKByScore(const std::vector<double>& scores, const SelectorOptions& options);

}  // namespace sieve
