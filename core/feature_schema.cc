#include "core/feature_schema.h"

#include <algorithm>
#include <cmath>

namespace sieve {

double EmbeddingBytes(int64_t buckets, int embedding_dim) {
  return static_cast<double>(buckets) * embedding_dim * 4.0;
}

double CostOf(const FeatureSpec& spec, std::string_view resource) {
  const auto it = spec.costs.find(std::string(resource));
  if (it != spec.costs.end()) return it->second;
  if (spec.kind != FeatureKind::kNumeric && resource == kMemoryBytes) {
    return EmbeddingBytes(spec.buckets, spec.embedding_dim);
  }
  return 0.0;
}

Status ValidateFeatureSpec(const FeatureSpec& spec) {
  if (spec.name.empty()) return Status::InvalidArgument("feature name must not be empty");
  const std::string where = "feature '" + spec.name + "': ";
  if (spec.kind != FeatureKind::kNumeric) {
    if (spec.buckets < 1) return Status::InvalidArgument(where + "buckets must be at least 1");
    if (spec.embedding_dim < 1) {
      return Status::InvalidArgument(where + "embedding_dim must be at least 1");
    }
  }
  for (const auto& [resource, cost] : spec.costs) {
    if (!std::isfinite(cost) || cost < 0) {
      return Status::InvalidArgument(where + "costs." + resource +
                                     " must be a finite non-negative number");
    }
  }
  return Status::Ok();
}

FeatureSpec FeatureSchema::SpecFor(const std::string& name) const {
  for (const FeatureSpec& f : features) {
    if (f.name == name) return f;
  }
  FeatureSpec spec;
  spec.name = name;
  spec.costs = default_costs;
  return spec;
}

namespace {

Result<std::vector<int>> ResolveNames(const std::vector<std::string>& wanted,
                                      const std::vector<std::string>& names,
                                      std::string_view field) {
  std::vector<int> out;
  for (size_t i = 0; i < wanted.size(); ++i) {
    const auto it = std::find(names.begin(), names.end(), wanted[i]);
    const std::string where = std::string(field) + "[" + std::to_string(i) + "]: ";
    if (it == names.end()) {
      return Err(Status::InvalidArgument(where + "no feature named '" + wanted[i] + "'"));
    }
    const int index = static_cast<int>(it - names.begin());
    if (std::find(out.begin(), out.end(), index) != out.end()) {
      return Err(Status::InvalidArgument(where + "'" + wanted[i] + "' is listed twice"));
    }
    out.push_back(index);
  }
  return out;
}

}  // namespace

Result<ResolvedConstraints> ResolveConstraints(const Constraints& c,
                                               const std::vector<std::string>& names) {
  ResolvedConstraints out;
  if (c.max_features < 0) {
    return Err(Status::InvalidArgument("max_features must be >= 0, got " +
                                       std::to_string(c.max_features)));
  }
  out.max_features = c.max_features;
  for (const auto& [resource, budget] : c.budgets) {
    if (!std::isfinite(budget) || budget < 0) {
      return Err(Status::InvalidArgument("budgets." + resource +
                                         " must be a finite non-negative number"));
    }
  }
  out.budgets = c.budgets;
  SIEVE_ASSIGN_OR_RETURN(out.must_include, ResolveNames(c.must_include, names, "must_include"));
  SIEVE_ASSIGN_OR_RETURN(out.exclude, ResolveNames(c.exclude, names, "exclude"));
  for (int i : out.must_include) {
    if (std::find(out.exclude.begin(), out.exclude.end(), i) != out.exclude.end()) {
      return Err(Status::InvalidArgument("must_include: '" + names[i] +
                                         "' is also in exclude"));
    }
  }
  return out;
}

}  // namespace sieve
