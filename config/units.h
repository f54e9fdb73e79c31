// Text forms of durations and byte sizes used in sieve's configuration.
//
// Durations: one or more <number><unit> terms, e.g. "300us", "1.5s", "2m", "1h30m".
// Units: ns, us (or µs), ms, s, m, h, d. A bare "0" is accepted; any other bare number
// is rejected, because a duration without a unit is a guess.
//
// Byte sizes: <number>[unit], e.g. "64MiB", "1.5GB", "4096". Decimal units kB/KB, MB, GB,
// TB (powers of 1000) and binary units KiB, MiB, GiB, TiB (powers of 1024); units are
// matched case-insensitively; "B" or no unit means bytes. Fractions round to the
// nearest byte.
//
// Every function returns InvalidArgument with a message quoting the text on failure;
// negative values and values that overflow int64 are rejected.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sieve {

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

Result<int64_t> ParseByteSize(std::string_view text);

// Parses a finite, non-negative plain number ("42", "0.5", "1e6") with nothing after it.
Result<double> ParseNonNegativeNumber(std::string_view text);

// The shortest exact text form of `d` that ParseDuration reads back, e.g. "1h30m", "300us".
std::string FormatDuration(std::chrono::nanoseconds d);

}  // namespace sieve
