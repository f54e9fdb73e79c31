#include "connectors/files/csv_table.h"

#include <csv.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

namespace sieve {
namespace {

// Stable code of a categorical's text: 24 bits of FNV-1a, exactly representable in float.
float CategoryCode(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return static_cast<float>(h & 0xFFFFFFu);
}

bool IsMissing(std::string_view s) { return s.empty() || s == "NA" || s == "na" || s == "N/A"; }

// Parses a whole cell as a finite or infinite double. Returns false if it is not a number.
bool ParseNumber(std::string_view s, double* out) {
  std::string buf(s);
  // Surrounding blanks are tolerated, as spreadsheets write them.
  const size_t first = buf.find_first_not_of(" \t");
  if (first == std::string::npos) return false;
  const size_t last = buf.find_last_not_of(" \t\r");
  buf = buf.substr(first, last - first + 1);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return false;
  *out = v;
  return true;
}

std::string ListColumns(const std::vector<std::string>& header) {
  std::string out;
  const size_t shown = std::min<size_t>(header.size(), 30);
  for (size_t i = 0; i < shown; ++i) {
    if (i) out += ", ";
    out += header[i];
  }
  if (header.size() > shown) out += ", ... (" + std::to_string(header.size() - shown) + " more)";
  return out;
}

// State carried through libcsv's callbacks.
struct Parser {
  Parser(const std::string& p, const CsvTableOptions& o) : path(p), options(o) {}
  const std::string& path;
  const CsvTableOptions& options;
  std::vector<std::string> header;
  size_t label_index = 0;
  size_t line = 1;          // line of the row being parsed
  size_t field = 0;         // fields seen in the current row
  Status error;
  CsvTable table;
  std::vector<std::string> labels;  // raw label text per data row
  std::vector<char> categorical_;   // per header column

  std::string Where(size_t column) const {
    return path + ":" + std::to_string(line) + ":" + std::to_string(column + 1);
  }

  void OnField(std::string_view cell) {
    if (!error.ok()) return;
    const size_t column = field++;
    if (line == 1) {
      header.emplace_back(cell);
      return;
    }
    if (column >= header.size()) return;  // reported at end of row
    if (column == label_index) {
      if (IsMissing(cell)) {
        error = Status::InvalidArgument(Where(column) + ": the label '" + header[column] + "' is missing");
        return;
      }
      labels.emplace_back(cell);
      return;
    }
    double v;
    if (IsMissing(cell)) {
      v = std::nan("");
      ++table.missing_cells;
    } else if (categorical_[column]) {
      if (!ParseNumber(cell, &v) || v != std::floor(v) || std::abs(v) >= (1 << 24)) v = CategoryCode(cell);
    } else if (!ParseNumber(cell, &v)) {
      error = Status::InvalidArgument(
          Where(column) + ": column '" + header[column] + "' has the non-numeric value '" +
          std::string(cell.substr(0, 40)) +
          "' (missing values are empty or NA; text columns need a schema declaring them categorical)");
      return;
    } else if (std::isinf(v)) {
      error = Status::InvalidArgument(Where(column) + ": column '" + header[column] +
                                      "' has an infinite value '" + std::string(cell) + "'");
      return;
    }
    table.data.values.push_back(static_cast<float>(v));
  }

  void OnRowEnd() {
    if (!error.ok()) return;
    if (line == 1) {
      SetUpHeader();
    } else if (field != header.size()) {
      error = Status::InvalidArgument(path + ":" + std::to_string(line) + ": the row has " +
                                      std::to_string(field) + " fields, the header has " +
                                      std::to_string(header.size()));
    } else {
      ++table.data.rows;
    }
    field = 0;
    ++line;
  }

  void SetUpHeader() {
    const auto it = std::find(header.begin(), header.end(), options.label_column);
    if (it == header.end()) {
      error = Status::NotFound("no column '" + options.label_column + "' in " + path +
                               "; its columns are: " + ListColumns(header));
      return;
    }
    label_index = static_cast<size_t>(it - header.begin());
    categorical_.assign(header.size(), 0);
    for (const std::string& name : options.categorical_columns) {
      const auto c = std::find(header.begin(), header.end(), name);
      if (c == header.end()) {
        error = Status::NotFound("the schema's categorical feature '" + name + "' is not a column of " +
                                 path + "; its columns are: " + ListColumns(header));
        return;
      }
      categorical_[c - header.begin()] = 1;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < header.size(); ++i) {
      if (!seen.insert(header[i]).second) {
        error = Status::InvalidArgument(path + ":1:" + std::to_string(i + 1) +
                                        ": the column name '" + header[i] + "' appears twice");
        return;
      }
      if (i != label_index) table.data.feature_names.push_back(header[i]);
    }
    table.data.cols = table.data.feature_names.size();
  }
};

void FieldCallback(void* s, size_t len, void* p) {
  static_cast<Parser*>(p)->OnField(std::string_view(static_cast<const char*>(s), len));
}
void RowCallback(int, void* p) { static_cast<Parser*>(p)->OnRowEnd(); }

// Maps raw label text to classes (or values) and sets the task.
Status AssignLabels(Parser& parser) {
  Dataset& data = parser.table.data;
  std::vector<double> numeric(parser.labels.size());
  bool all_numeric = true, all_integer = true;
  for (size_t i = 0; i < parser.labels.size(); ++i) {
    if (!ParseNumber(parser.labels[i], &numeric[i]) || !std::isfinite(numeric[i])) {
      all_numeric = false;
      break;
    }
    all_integer = all_integer && numeric[i] == std::floor(numeric[i]);
  }
  Task task = parser.options.task;
  if (task == Task::kAuto) {
    task = Task::kRegression;
    if (!all_numeric) {
      task = Task::kClassification;
    } else if (all_integer) {
      std::set<double> distinct(numeric.begin(), numeric.end());
      if (distinct.size() <= kMaxAutoClasses) task = Task::kClassification;
    }
  }
  data.task = task;
  data.labels.resize(parser.labels.size());
  if (task == Task::kRegression) {
    if (!all_numeric) {
      for (size_t i = 0; i < parser.labels.size(); ++i) {
        double v;
        if (!ParseNumber(parser.labels[i], &v) || !std::isfinite(v)) {
          return Status::InvalidArgument(parser.path + ":" + std::to_string(i + 2) + ":" +
                                         std::to_string(parser.label_index + 1) + ": the label '" +
                                         parser.options.label_column + "' value '" + parser.labels[i] +
                                         "' is not a finite number, as regression needs");
        }
      }
    }
    for (size_t i = 0; i < numeric.size(); ++i) data.labels[i] = static_cast<float>(numeric[i]);
    return Status::Ok();
  }
  // Classes in a stable order: numerically when every label is a number, else by text.
  std::vector<std::string> classes(parser.labels.begin(), parser.labels.end());
  std::sort(classes.begin(), classes.end(), [&](const std::string& a, const std::string& b) {
    double x, y;
    if (all_numeric && ParseNumber(a, &x) && ParseNumber(b, &y) && x != y) return x < y;
    return a < b;
  });
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  std::unordered_map<std::string, int> index;
  for (size_t c = 0; c < classes.size(); ++c) index[classes[c]] = static_cast<int>(c);
  for (size_t i = 0; i < parser.labels.size(); ++i) data.labels[i] = static_cast<float>(index[parser.labels[i]]);
  data.class_names = classes;
  data.num_classes = static_cast<int>(classes.size());
  return Status::Ok();
}

}  // namespace

Result<CsvTable> LoadCsvTable(const std::string& path, const CsvTableOptions& options) {
  if (options.label_column.empty()) return Err(Status::InvalidArgument("no label column given"));
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Err(Status::NotFound("cannot open '" + path + "': " + std::strerror(errno)));
  }
  gzbuffer(file, 1 << 17);
  csv_parser csv;
  csv_init(&csv, CSV_APPEND_NULL);
  Parser parser(path, options);
  std::vector<char> buf(1 << 17);
  size_t total = 0;
  while (parser.error.ok()) {
    const int n = gzread(file, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int code;
      const char* msg = gzerror(file, &code);
      parser.error = Status::IoError("cannot read '" + path + "': " + msg);
      break;
    }
    if (n == 0) break;
    total += static_cast<size_t>(n);
    if (csv_parse(&csv, buf.data(), static_cast<size_t>(n), FieldCallback, RowCallback, &parser) !=
        static_cast<size_t>(n)) {
      parser.error = Status::InvalidArgument(path + ":" + std::to_string(parser.line) + ": " +
                                             csv_strerror(csv_error(&csv)));
    }
  }
  if (parser.error.ok()) csv_fini(&csv, FieldCallback, RowCallback, &parser);
  csv_free(&csv);
  gzclose(file);
  if (!parser.error.ok()) return Err(parser.error);
  if (total == 0 || parser.header.empty()) return Err(Status::InvalidArgument("'" + path + "' is empty"));
  if (parser.table.data.rows == 0) {
    return Err(Status::InvalidArgument("'" + path + "' has a header but no data rows"));
  }
  SIEVE_RETURN_IF_ERROR(AssignLabels(parser));
  return std::move(parser.table);
}

}  // namespace sieve
