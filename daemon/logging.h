// Logging set-up: spdlog to stderr, as plain text lines or JSON lines (one object per
// line with time, level and message), at the configured level.
//
// Thread-safety: call ConfigureLogging from main before starting threads (and again on
// reload); logging itself is thread-safe.
#pragma once

#include "config/config.h"

namespace sieve {

void ConfigureLogging(const LogConfig& config);

}  // namespace sieve
