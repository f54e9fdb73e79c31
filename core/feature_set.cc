#include "core/feature_set.h"

#include <cmath>
#include <set>
#include <string>

namespace sieve {
namespace {

Status Invalid(const std::string& field, std::string_view problem) {
  return Status::InvalidArgument(field + ": " + std::string(problem));
}

Status CheckFinite(const std::string& field, double value) {
  if (!std::isfinite(value)) return Invalid(field, "not finite");
  return Status::Ok();
}

Status CheckNonNegative(const std::string& field, double value) {
  SIEVE_RETURN_IF_ERROR(CheckFinite(field, value));
  if (value < 0) return Invalid(field, "negative (" + std::to_string(value) + ")");
  return Status::Ok();
}

}  // namespace

std::string_view FeatureSetStateName(FeatureSetState state) {
  switch (state) {
    case FeatureSetState::kCandidate:
      return "candidate";
    case FeatureSetState::kActive:
      return "active";
    case FeatureSetState::kRejected:
      return "rejected";
  }
  return "unknown";
}

Result<FeatureSetState> ParseFeatureSetState(std::string_view name) {
  for (auto s :
       {FeatureSetState::kCandidate, FeatureSetState::kActive, FeatureSetState::kRejected}) {
    if (FeatureSetStateName(s) == name) return s;
  }
  return Err(Status::InvalidArgument("unknown feature-set state \"" + std::string(name) +
                                     "\" (expected candidate, active or rejected)"));
}

std::string_view FeatureKindName(FeatureKind kind) {
  switch (kind) {
    case FeatureKind::kNumeric:
      return "numeric";
    case FeatureKind::kCategorical:
      return "categorical";
    case FeatureKind::kCross:
      return "cross";
  }
  return "unknown";
}

Result<FeatureKind> ParseFeatureKind(std::string_view name) {
  for (auto k : {FeatureKind::kNumeric, FeatureKind::kCategorical, FeatureKind::kCross}) {
    if (FeatureKindName(k) == name) return k;
  }
  return Err(Status::InvalidArgument("unknown feature kind \"" + std::string(name) +
                                     "\" (expected numeric, categorical or cross)"));
}

Status ValidateFeatureSetVersion(const FeatureSetVersion& v) {
  if (v.pipeline.empty()) return Invalid("pipeline", "empty");
  std::set<std::string> names;
  std::set<int32_t> ranks;
  for (size_t i = 0; i < v.features.size(); ++i) {
    const SelectedFeature& f = v.features[i];
    const std::string field = "features[" + std::to_string(i) + "]";
    if (f.name.empty()) return Invalid(field + ".name", "empty");
    if (!names.insert(f.name).second) {
      return Invalid(field + ".name", "duplicate feature \"" + f.name + "\"");
    }
    if (f.rank < 1) return Invalid(field + ".rank", "must be >= 1, got " + std::to_string(f.rank));
    if (!ranks.insert(f.rank).second) {
      return Invalid(field + ".rank", "duplicate rank " + std::to_string(f.rank));
    }
    SIEVE_RETURN_IF_ERROR(CheckFinite(field + ".attention_weight", f.attention_weight));
    if (f.embedding_size < 0) {
      return Invalid(field + ".embedding_size",
                     "negative (" + std::to_string(f.embedding_size) + ")");
    }
    for (const auto& [resource, cost] : f.costs) {
      if (resource.empty()) return Invalid(field + ".costs", "empty resource name");
      SIEVE_RETURN_IF_ERROR(CheckNonNegative(field + ".costs." + resource, cost));
    }
  }
  for (const auto& [resource, use] : v.budgets) {
    if (resource.empty()) return Invalid("budgets", "empty resource name");
    SIEVE_RETURN_IF_ERROR(CheckNonNegative("budgets." + resource + ".declared", use.declared));
    SIEVE_RETURN_IF_ERROR(CheckNonNegative("budgets." + resource + ".used", use.used));
  }
  for (const auto& [metric, value] : v.validation_metrics) {
    if (metric.empty()) return Invalid("validation_metrics", "empty metric name");
    SIEVE_RETURN_IF_ERROR(CheckFinite("validation_metrics." + metric, value));
  }
  if (v.jaccard_to_previous_active.has_value()) {
    double j = *v.jaccard_to_previous_active;
    if (!(j >= 0.0 && j <= 1.0)) return Invalid("jaccard_to_previous_active", "not in [0, 1]");
  }
  for (size_t i = 0; i < v.window_offsets.size(); ++i) {
    const PartitionOffset& o = v.window_offsets[i];
    const std::string field = "window_offsets[" + std::to_string(i) + "]";
    if (o.topic.empty()) return Invalid(field + ".topic", "empty");
    if (o.partition < 0) return Invalid(field + ".partition", "negative");
    if (o.next_offset < 0) return Invalid(field + ".next_offset", "negative");
  }
  return Status::Ok();
}

std::vector<std::string> ExceededBudgets(const FeatureSetVersion& version) {
  std::vector<std::string> out;
  for (const auto& [resource, use] : version.budgets) {
    if (!use.Satisfied()) out.push_back(resource);
  }
  return out;
}

}  // namespace sieve
