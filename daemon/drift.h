// Drift measurement for the scheduler's drift trigger: the population-stability
// index (PSI) between the window a version was trained on and the current window.
//
// PSI = sum over bins of (a - e) * ln(a / e), with e and a the shares of the
// reference and current rows in each bin (each share floored at 1e-4 so an empty
// bin does not give infinity). Numeric columns use 10 bins at the reference's
// deciles; bucket (categorical) columns and the label use one bin per value.
// Missing values (NaN) get their own bin. 0.1 is a small shift, above 0.25 a large one.
//
// Pure functions; thread-safe.
#pragma once

#include <span>
#include <string>

#include "connectors/store/window_chunk.h"

namespace sieve {

double NumericPsi(std::span<const float> reference, std::span<const float> current);
double CategoricalPsi(std::span<const int32_t> reference, std::span<const int32_t> current);

struct DriftReport {
  double max_psi = 0;
  std::string column;  // column (or "label") with the largest PSI; empty when none
};

// PSI of every column both windows share (by name) and of the label; the largest wins.
DriftReport MeasureDrift(const WindowSnapshot& reference, const WindowSnapshot& current);

}  // namespace sieve
