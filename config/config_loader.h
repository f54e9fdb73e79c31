// Reading and validating sieve's YAML configuration (the only place that knows YAML).
//
// The file's shape is described in config/config.h; config/examples/ holds working
// files. Validation is strict: unknown keys, duplicate keys, wrong types, unknown enum
// values, negative or zero sizes where a positive one is needed, duplicate pipeline or
// feature names, and contradictions between sections (a must_include feature that is
// excluded or undeclared, a budget no declared feature has a cost for, a schedule that
// can never fire, ...) are all errors.
//
// Errors: every problem in the file is collected, not only the first. On failure the
// Status is InvalidArgument and its message has one line per problem, sorted by
// position:
//   <source>:<line>:<column>: <key path>: <what is wrong>
// e.g. "ctr.yaml:31:21: pipelines[1].constraints.budgets.latency_us: must not be
// negative, got '-3'". Lines and columns count from 1. YAML syntax errors keep
// yaml-cpp's original message. No exception escapes these functions.
//
// Thread-safety: the functions are pure and may run concurrently.
#pragma once

#include <filesystem>
#include <string_view>

#include "config/config.h"
#include "core/status.h"

namespace sieve {

// Parses and validates `text`; `source_name` (usually the file name) prefixes every
// error line.
Result<Config> ParseConfig(std::string_view text, std::string_view source_name);

// Reads the file at `path` and parses it with ParseConfig (errors name the path as
// given). A missing file is NotFound, an unreadable one IoError.
Result<Config> LoadConfig(const std::filesystem::path& path);

}  // namespace sieve
