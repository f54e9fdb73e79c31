// FeatureSetVersion: one immutable, numbered result of feature selection for a
// pipeline, with everything needed to explain it later (what was picked, by which
// algorithm and settings, on which data, under which budgets, and why it was or was
// not promoted).
//
// A plain value type: no I/O here. The store (connectors/store) persists it as JSON
// with a schema version; the names returned by the *Name() functions below are the
// persisted spellings and never change meaning.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sieve {

// The promotion decision recorded when the version was created. The record is
// immutable: which version currently serves is told by the store's `active`
// alias, not by this field.
enum class FeatureSetState {
  kCandidate,  // waiting for a promotion decision
  kActive,     // promoted when it was created
  kRejected,   // failed a budget or the regression check; kept for the record
};

// What a selectable unit is.
enum class FeatureKind {
  kNumeric,      // one float column
  kCategorical,  // bucket ids behind an embedding (or one-hot block); one unit
  kCross,        // hashed cross of two categorical features
};

// Stable persisted names: "candidate", "active", "rejected".
std::string_view FeatureSetStateName(FeatureSetState state);
// Inverse of FeatureSetStateName; kInvalidArgument naming `name` otherwise.
Result<FeatureSetState> ParseFeatureSetState(std::string_view name);

// Stable persisted names: "numeric", "categorical", "cross".
std::string_view FeatureKindName(FeatureKind kind);
// Inverse of FeatureKindName; kInvalidArgument naming `name` otherwise.
Result<FeatureKind> ParseFeatureKind(std::string_view name);

// A Kafka position: the next offset to read in (topic, partition).
struct PartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = 0;  // the first offset NOT yet covered

  friend bool operator==(const PartitionOffset&, const PartitionOffset&) = default;
};

// One selected feature.
struct SelectedFeature {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  // 1-based order in which the selector picked it (1 = first pick).
  int32_t rank = 0;
  // Attention weight (or the selector's importance score) at the time of the pick.
  double attention_weight = 0.0;
  // Cost per resource ("latency_us", "memory_bytes", any named resource).
  std::map<std::string, double> costs;
  // Embedding width for categorical / cross features; 0 for numeric ones.
  int32_t embedding_size = 0;

  friend bool operator==(const SelectedFeature&, const SelectedFeature&) = default;
};

// A budget the pipeline declared for one resource and what the version uses of it.
struct BudgetUse {
  double declared = 0.0;  // the limit from the pipeline's config
  double used = 0.0;      // sum over the selected features (or the count, for max_features)

  bool Satisfied() const { return used <= declared; }
  friend bool operator==(const BudgetUse&, const BudgetUse&) = default;
};

struct FeatureSetVersion {
  std::string pipeline;
  // Numbered 1, 2, 3... per pipeline by the store; 0 before it is stored.
  uint64_t version = 0;
  // The version this one derives from (the active one when it was trained, or the
  // target of a rollback); 0 = none.
  uint64_t parent = 0;
  // Creation time, milliseconds since the Unix epoch (UTC).
  int64_t created_at_unix_ms = 0;
  FeatureSetState state = FeatureSetState::kCandidate;
  // Why this state: the promotion decision, or the operator's rollback reason.
  std::string reason;

  // How it was produced: selector name, its settings, seed and a hash of the
  // pipeline config, enough to reproduce the run.
  std::string algorithm;
  std::map<std::string, std::string> hyperparameters;
  uint64_t seed = 0;
  std::string config_hash;

  // The window it was trained on ends at these positions.
  std::vector<PartitionOffset> window_offsets;

  // Selected features, in rank order.
  std::vector<SelectedFeature> features;
  // Per resource ("latency_us", "memory_bytes", "features", ...).
  std::map<std::string, BudgetUse> budgets;
  // Validation metrics of the final model on the newest slice ("auc", "logloss", ...).
  std::map<std::string, double> validation_metrics;
  // Jaccard similarity of the selected names to the previously active version;
  // empty when there was none.
  std::optional<double> jaccard_to_previous_active;

  friend bool operator==(const FeatureSetVersion&, const FeatureSetVersion&) = default;
};

// Checks the invariants every stored version must satisfy: non-empty pipeline,
// non-empty unique feature names, ranks >= 1 and unique, finite numbers, no
// negative costs, budgets and embedding sizes. On failure returns kInvalidArgument
// naming the field (e.g. "features[3].costs.latency_us: not finite").
Status ValidateFeatureSetVersion(const FeatureSetVersion& version);

// Resources whose budget `version` exceeds (used > declared), in name order.
std::vector<std::string> ExceededBudgets(const FeatureSetVersion& version);

}  // namespace sieve
