// Builders shared by the store tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/store/window_chunk.h"
#include "core/feature_set.h"
#include "core/status.h"

namespace sieve::testing {

// A valid version of `pipeline` whose content is derived from `seed`: features
// "f<seed>_0".."f<seed>_<n-1>" (n = 1 + seed % 5), costs, budgets, metrics, offsets.
FeatureSetVersion MakeVersion(const std::string& pipeline, uint64_t seed);

// True when `v` has exactly the content MakeVersion(pipeline, seed) gives (the
// number, parent, state and jaccard may differ).
bool MatchesMakeVersion(const FeatureSetVersion& v, uint64_t seed);

// A chunk of `rows` rows whose cell values encode (first_row + r, column), so a
// restored window can be checked row by row; offsets end at first_row + rows on
// topic "events" partition 0.
WindowChunk MakeChunk(uint64_t first_row, uint32_t rows, uint32_t float_cols = 3,
                      uint32_t bucket_cols = 1);

// Value MakeChunk stores for row `row`, float column `col`.
float CellValue(uint64_t row, uint32_t col);

// Writes raw bytes into one column family of a store directory (not open
// elsewhere), bypassing the store: to simulate damage or records of other builds.
Status RawPut(const std::string& db_path, const std::string& cf, const std::string& key,
              const std::string& value);

}  // namespace sieve::testing
