#include "core/selector.h"

#include <algorithm>
#include <cmath>

#include "core/baseline_selectors.h"
#include "core/sequential_attention.h"

namespace sieve {
namespace {

struct AlgorithmEntry {
  Algorithm algorithm;
  std::string_view name;
};
constexpr AlgorithmEntry kAlgorithms[] = {
    {Algorithm::kSequentialAttention, "sequential_attention"},
    {Algorithm::kOmp, "omp"},
    {Algorithm::kGroupLasso, "group_lasso"},
    {Algorithm::kMutualInfo, "mutual_info"},
    {Algorithm::kFTest, "f_test"},
    {Algorithm::kRandom, "random"},
};

}  // namespace

std::string_view AlgorithmName(Algorithm algorithm) {
  for (const auto& e : kAlgorithms) {
    if (e.algorithm == algorithm) return e.name;
  }
  return "unknown";
}

std::string AlgorithmNames() {
  std::string out;
  for (const auto& e : kAlgorithms) {
    if (!out.empty()) out += ", ";
    out += e.name;
  }
  return out;
}

Result<Algorithm> ParseAlgorithm(std::string_view name) {
  for (const auto& e : kAlgorithms) {
    if (e.name == name) return e.algorithm;
  }
  return Err(Status::InvalidArgument("unknown algorithm '" + std::string(name) +
                                     "' (expected one of " + AlgorithmNames() + ")"));
}

Status ValidateSelectorOptions(const SelectorOptions& o, size_t num_features) {
  if (o.k < 1) return Status::InvalidArgument("k must be at least 1, got " + std::to_string(o.k));
  if (static_cast<size_t>(o.k) > num_features) {
    return Status::InvalidArgument("k = " + std::to_string(o.k) + " is larger than the number of features (" +
                                   std::to_string(num_features) + ")");
  }
  if (o.must_include.size() > static_cast<size_t>(o.k)) {
    return Status::InvalidArgument("must_include names " + std::to_string(o.must_include.size()) +
                                   " features, more than k = " + std::to_string(o.k));
  }
  std::vector<int> seen;
  for (int i : o.must_include) {
    if (i < 0 || static_cast<size_t>(i) >= num_features) {
      return Status::InvalidArgument("must_include index " + std::to_string(i) + " is out of range");
    }
    if (std::find(seen.begin(), seen.end(), i) != seen.end()) {
      return Status::InvalidArgument("must_include lists a feature twice");
    }
    seen.push_back(i);
  }
  if (o.threads < 1) return Status::InvalidArgument("threads must be at least 1");
  if (o.batch_size < 1) return Status::InvalidArgument("batch_size must be at least 1");
  if (!(o.learning_rate > 0)) return Status::InvalidArgument("learning_rate must be positive");
  if (o.steps_per_round < 0) return Status::InvalidArgument("steps_per_round must be >= 0");
  if (!(o.warmup_fraction >= 0 && o.warmup_fraction < 1)) {
    return Status::InvalidArgument("warmup_fraction must be in [0, 1)");
  }
  if (o.features_per_round < 1) return Status::InvalidArgument("features_per_round must be at least 1");
  for (int h : o.hidden) {
    if (h < 1) return Status::InvalidArgument("hidden layer widths must be at least 1");
  }
  if (!(o.attention_learning_rate > 0)) {
    return Status::InvalidArgument("attention_learning_rate must be positive");
  }
  SIEVE_RETURN_IF_ERROR(ValidateFinalCandidateAttention(o.final_candidate_attention));
  if (o.prescreen < -1) return Status::InvalidArgument("prescreen must be -1 (auto), 0 (off) or a count");
  if (!(o.l2 >= 0 || o.l2 == -1.0f)) return Status::InvalidArgument("l2 must be >= 0, or -1 for auto");
  if (o.linear_steps < 1) return Status::InvalidArgument("linear_steps must be at least 1");
  return Status::Ok();
}

Status ValidateFinalCandidateAttention(float final_candidate_attention) {
  if (!(final_candidate_attention >= 0 && final_candidate_attention <= 1)) {
    return Status::InvalidArgument("final_candidate_attention must be in [0, 1] (0 = auto)");
  }
  return Status::Ok();
}

double CandidateMeanAttention(float final_candidate_attention, int candidates, int round,
                              int rounds) {
  if (rounds <= 1) return 1.0;
  const double final_mean = final_candidate_attention > 0 ? final_candidate_attention
                                                          : 1.0 / std::max(1, candidates);
  return std::pow(final_mean, std::min(1.0, static_cast<double>(round) / (rounds - 1)));
}

Result<std::unique_ptr<Selector>> MakeSelector(const SelectorOptions& options) {
  switch (options.algorithm) {
    case Algorithm::kSequentialAttention:
      return std::make_unique<SequentialAttentionSelector>(options);
    case Algorithm::kOmp:
      return std::make_unique<OmpSelector>(options);
    case Algorithm::kGroupLasso:
      return std::make_unique<GroupLassoSelector>(options);
    case Algorithm::kMutualInfo:
      return std::make_unique<MutualInfoSelector>(options);
    case Algorithm::kFTest:
      return std::make_unique<FTestSelector>(options);
    case Algorithm::kRandom:
      return std::make_unique<RandomSelector>(options);
  }
  return Err(Status::InvalidArgument("unknown algorithm"));
}

}  // namespace sieve
