// Loading a CSV table (plain or gzip-compressed) into a Dataset for offline selection.
#pragma once

#include <set>
#include <string>

#include "core/dataset.h"
#include "core/status.h"

namespace sieve {

struct CsvTableOptions {
  std::string label_column;  // name of the label column (required)
  Task task = Task::kAuto;   // kAuto: classification if the label is text or has few
                             // integer values (<= kMaxAutoClasses), else regression
  // Categorical columns: their cells may be text; each distinct text becomes a stable
  // integer code (24 bits of its FNV-1a hash, exact in a float) for hashing into buckets.
  std::set<std::string> categorical_columns;
};

inline constexpr size_t kMaxAutoClasses = 50;

struct CsvTable {
  Dataset data;               // every column but the label, in file order
  size_t missing_cells = 0;   // empty or NA cells (NaN in data.values)
};

// Reads `path` (".gz" or plain; compression is detected from the bytes). The first
// row is the header; every other row must have as many fields. Feature cells must be
// numbers, or empty / "NA" for missing. Errors name the file, and where it applies
// line:column (column = 1-based field number) and the column's name (text is
// accepted only in options.categorical_columns):
//   missing or unreadable file, empty file, no data rows, no such label column (the
//   available columns are listed), a ragged row, a non-numeric or infinite cell,
//   a missing label, a duplicate column name.
Result<CsvTable> LoadCsvTable(const std::string& path, const CsvTableOptions& options);

}  // namespace sieve
