// JSON encoding of FeatureSetVersion, the persisted form in the store's `versions`
// column family (and the form sievectl prints), and of PipelineState (`meta`).
//
// Every record carries "schema_version". This build writes kVersionSchema and
// reads records up to it; field names and enum spellings never change meaning.
#pragma once

#include <string>
#include <string_view>

#include "connectors/store/feature_set_store.h"
#include "core/feature_set.h"
#include "core/status.h"

namespace sieve {

inline constexpr int kVersionSchema = 1;

// Checks that every string of `version` (names, reason, hyperparameters, ...) is
// valid UTF-8, since JSON carries only text. kInvalidArgument naming the field.
Status ValidateVersionText(const FeatureSetVersion& version);

// Compact JSON with "schema_version": kVersionSchema. Invalid UTF-8 (which
// ValidateVersionText rejects first) would be replaced, never thrown.
// REQUIRES: ValidateFeatureSetVersion(version).ok() (numbers are finite).
std::string EncodeVersionJson(const FeatureSetVersion& version);

// Parses a record written by EncodeVersionJson (of this or an older schema).
// Errors: kCorruption for bytes that are not JSON or miss/mistype a field (the
// message names the field); kFailedPrecondition for a newer schema_version.
// Unknown fields are ignored. The caller adds pipeline/version context.
Result<FeatureSetVersion> DecodeVersionJson(std::string_view bytes);

// PipelineState as JSON with "schema_version" (same rules as versions).
Status ValidatePipelineStateText(const PipelineState& state);
std::string EncodePipelineStateJson(const PipelineState& state);
Result<PipelineState> DecodePipelineStateJson(std::string_view bytes);

}  // namespace sieve
