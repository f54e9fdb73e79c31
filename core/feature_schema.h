// FeatureSchema: what each selectable unit is and what it costs to serve, and the
// constraints a selection must respect. Plain values, no I/O; config/schema_loader.h
// fills them from YAML.
//
// Kinds: a numeric feature is one float column; a categorical feature is hashed into
// `buckets` buckets and embedded in `embedding_dim` floats trained jointly with the
// model, and its whole embedding is one selectable unit with one logit. Costs are per
// named resource ("latency_us", "memory_bytes", any name); a resource a feature does not
// list costs 0, except `memory_bytes` of a categorical, which defaults to its embedding
// table: buckets x embedding_dim x 4 bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/feature_set.h"
#include "core/status.h"

namespace sieve {

inline constexpr std::string_view kMemoryBytes = "memory_bytes";
inline constexpr std::string_view kLatencyUs = "latency_us";

struct FeatureSpec {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  int64_t buckets = 1024;   // categorical / cross: hash buckets; more = fewer collisions
  int embedding_dim = 8;    // categorical / cross: embedding width while selecting
  std::map<std::string, double> costs;  // serving cost per resource; unlisted = 0
};

// The embedding table's size: buckets x embedding_dim x 4 bytes (float32).
double EmbeddingBytes(int64_t buckets, int embedding_dim);

// The cost of `spec` on `resource`: the listed cost, else the embedding table for a
// categorical's memory_bytes, else 0.
double CostOf(const FeatureSpec& spec, std::string_view resource);

// Checks one spec: non-empty name, buckets >= 1 and embedding_dim >= 1 for categoricals,
// finite non-negative costs. Errors name the feature and the field.
Status ValidateFeatureSpec(const FeatureSpec& spec);

// Pipeline-level limits on a selection. Names refer to FeatureSpec::name.
struct Constraints {
  int max_features = 0;                    // cap on selected units; 0 = no cap
  std::map<std::string, double> budgets;   // upper bound on summed cost, per resource
  std::vector<std::string> must_include;   // always selected (they count against budgets)
  std::vector<std::string> exclude;        // never selected
};

struct FeatureSchema {
  std::vector<FeatureSpec> features;          // listed features
  std::map<std::string, double> default_costs;  // costs of features the schema does not list

  // The spec of `name`: the listed one, or a numeric feature with default_costs.
  FeatureSpec SpecFor(const std::string& name) const;
};

// Maps constraint names to indices in `names`. Fails (InvalidArgument naming the
// field, e.g. "must_include[2]: no feature named 'x'") on unknown or duplicate names,
// a feature both in must_include and exclude, negative budgets or max_features.
struct ResolvedConstraints {
  int max_features = 0;
  std::map<std::string, double> budgets;
  std::vector<int> must_include;
  std::vector<int> exclude;
};
Result<ResolvedConstraints> ResolveConstraints(const Constraints& constraints,
                                               const std::vector<std::string>& names);

}  // namespace sieve
