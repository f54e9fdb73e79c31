// Reading the feature schema file of `sievectl select --schema FILE.yaml`: per feature
// its kind, hash buckets, embedding size and serving costs, a default cost for columns
// the file does not list, and the selection's constraints.
//
//   defaults:
//     costs: {latency_us: 1}           # every column not listed under features
//   features:
//     - name: userId
//       kind: categorical              # numeric (default) | categorical
//       buckets: 4096                  # categorical only
//       embedding_dim: 16              # categorical only
//       costs: {latency_us: 20}        # memory_bytes defaults to buckets x dim x 4
//   constraints:
//     max_features: 10
//     budgets: {latency_us: 300, memory_bytes: 64MiB}
//     must_include: [userId]
//     exclude: [title]
//
// Resources named *_bytes accept byte sizes ("64MiB", "1.5GB", "4096"); every other
// amount is a plain non-negative number. Unknown keys, duplicate keys or feature
// names, wrong types, bad amounts and a feature both required and excluded are
// errors; every problem is collected and reported on its own line as
//   <source>:<line>:<column>: <key path>: <what is wrong>
// Whether the names match the data's columns is checked when the schema is applied.
// No exception escapes these functions.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/feature_schema.h"
#include "core/status.h"

namespace sieve {

struct SchemaFile {
  FeatureSchema schema;
  Constraints constraints;
};

// Parses `text`; `source_name` prefixes every error line.
Result<SchemaFile> ParseSchemaFile(std::string_view text, std::string_view source_name);

// Reads and parses the file at `path`. A missing file is NotFound, an unreadable one
// IoError.
Result<SchemaFile> LoadSchemaFile(const std::filesystem::path& path);

}  // namespace sieve
