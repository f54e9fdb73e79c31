// JSON shapes of the /v1 API (nlohmann::json). Versions use the store's persisted
// encoding, so the API and `sievectl store` print the same fields.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "connectors/store/feature_set_store.h"
#include "core/feature_set.h"
#include "core/feature_set_diff.h"
#include "daemon/pipeline_runtime.h"

namespace sieve {

nlohmann::json VersionJson(const FeatureSetVersion& version);
nlohmann::json DiffJson(const FeatureSetDiff& diff);
nlohmann::json OperationJson(const Operation& operation);
nlohmann::json OffsetsJson(const std::vector<PartitionOffset>& offsets);
// The runtime's status plus the store's aliases and latest version.
nlohmann::json PipelineJson(const PipelineStatus& status, const Aliases& aliases,
                            uint64_t latest_version);

}  // namespace sieve
