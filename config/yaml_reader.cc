#include "config/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "config/units.h"

namespace sieve::config_internal {
namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

std::string RangeText(int64_t min, int64_t max) {
  if (max == kInt64Max) {
    return min == 0 ? std::string("must not be negative")
                    : "must be at least " + std::to_string(min);
  }
  return "must be between " + std::to_string(min) + " and " + std::to_string(max);
}

// Levenshtein distance, for "did you mean" hints on misspelt keys and values.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string OneLine(std::string_view s, size_t max_length) {
  std::string out;
  for (char c : s.substr(0, std::min(s.size(), max_length))) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (s.size() > max_length) out += "...";
  return out;
}

std::string Quote(std::string_view s) { return "'" + OneLine(s, 60) + "'"; }

std::string Describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "no value";
    case YAML::NodeType::Scalar:
      return Quote(n.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string Join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string DidYouMean(std::string_view given, const std::vector<std::string_view>& names) {
  std::string_view best;
  size_t best_distance = std::max<size_t>(2, given.size() / 3) + 1;
  for (std::string_view name : names) {
    const size_t d = EditDistance(given, name);
    if (d < best_distance) {
      best = name;
      best_distance = d;
    }
  }
  return best.empty() ? "" : " (did you mean '" + std::string(best) + "'?)";
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

void ParseContext::Remember(const std::string& path, const YAML::Mark& mark) {
  if (!mark.is_null()) marks_.emplace(path, mark);
}

void ParseContext::Error(const std::string& path, std::string message) {
  ErrorAt(MarkOf(path), path, std::move(message));
}

void ParseContext::ErrorAt(const YAML::Mark& mark, const std::string& path, std::string message) {
  Problem p;
  if (!mark.is_null()) {
    p.line = mark.line + 1;
    p.column = mark.column + 1;
  }
  p.path = path;
  p.message = std::move(message);
  problems_.push_back(std::move(p));
}

YAML::Mark ParseContext::MarkOf(std::string path) const {
  while (true) {
    auto it = marks_.find(path);
    if (it != marks_.end()) return it->second;
    if (path.empty()) return YAML::Mark::null_mark();
    const size_t cut = path.find_last_of(".[");
    path = cut == std::string::npos ? "" : path.substr(0, cut);
  }
}

bool ParseContext::Failed(const std::string& path) const {
  return std::any_of(problems_.begin(), problems_.end(), [&](const Problem& p) {
    return p.path.starts_with(path) && (p.path.size() == path.size() ||
                                        p.path[path.size()] == '.' || p.path[path.size()] == '[');
  });
}

Status ParseContext::ToStatus() {
  std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::string message;
  for (const Problem& p : problems_) {
    if (!message.empty()) message += '\n';
    message += source_;
    message += ':' + std::to_string(p.line) + ':' + std::to_string(p.column) + ": ";
    if (!p.path.empty()) message += OneLine(p.path, 200) + ": ";
    message += OneLine(p.message);
  }
  return Status::InvalidArgument(std::move(message));
}

Converter<std::string> StringValue(bool allow_empty) {
  return [allow_empty](const YAML::Node& n, std::string* out, std::string* why) {
    if (!n.IsScalar()) {
      *why = "expected a string, got " + Describe(n);
      return false;
    }
    if (!allow_empty && n.Scalar().empty()) {
      *why = "must not be empty";
      return false;
    }
    *out = n.Scalar();
    return true;
  };
}

Converter<std::string> NameValue(size_t max_length, bool allow_empty) {
  return [=](const YAML::Node& n, std::string* out, std::string* why) {
    if (!StringValue(allow_empty)(n, out, why)) return false;
    const std::string& s = n.Scalar();
    if (s.size() > max_length) {
      *why = "must be at most " + std::to_string(max_length) + " characters long";
      return false;
    }
    if (!std::all_of(s.begin(), s.end(), IsNameChar)) {
      *why = "may contain only letters, digits, '_', '-' and '.', got " + Quote(s);
      return false;
    }
    *out = s;
    return true;
  };
}

bool ParseInt(const std::string& s, int64_t* value) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *value);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

Converter<int64_t> IntValue(int64_t min, int64_t max) {
  return [=](const YAML::Node& n, int64_t* out, std::string* why) {
    int64_t v = 0;
    if (!n.IsScalar() || !ParseInt(n.Scalar(), &v)) {
      *why = "expected an integer, got " + Describe(n);
      return false;
    }
    if (v < min || v > max) {
      *why = RangeText(min, max) + ", got " + n.Scalar();
      return false;
    }
    *out = v;
    return true;
  };
}

Converter<uint64_t> UInt64Value() {
  return [](const YAML::Node& n, uint64_t* out, std::string* why) {
    uint64_t v = 0;
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
      *why = "expected a non-negative integer, got " + Describe(n);
      return false;
    }
    *out = v;
    return true;
  };
}

Converter<double> NumberValue(NumberRange range) {
  return [=](const YAML::Node& n, double* out, std::string* why) {
    double v = 0;
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
      *why = "expected a number, got " + Describe(n);
      return false;
    }
    const bool low = range.min_exclusive ? v <= range.min : v < range.min;
    const bool high = range.max_exclusive ? v >= range.max : v > range.max;
    if (low || high) {
      std::ostringstream text;
      if (range.min == 0 && !range.min_exclusive && std::isinf(range.max)) {
        text << "must not be negative";
      } else {
        text << "must be " << (range.min_exclusive ? "above " : "at least ") << range.min;
        if (!std::isinf(range.max)) {
          text << " and " << (range.max_exclusive ? "below " : "at most ") << range.max;
        }
      }
      *why = text.str() + ", got " + s;
      return false;
    }
    *out = v;
    return true;
  };
}

Converter<bool> BoolValue() {
  return [](const YAML::Node& n, bool* out, std::string* why) {
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      *why = "expected true or false, got " + Describe(n);
      return false;
    }
    *out = v;
    return true;
  };
}

Converter<std::chrono::nanoseconds> DurationValue(bool allow_zero) {
  return [=](const YAML::Node& n, std::chrono::nanoseconds* out, std::string* why) {
    if (!n.IsScalar()) {
      *why = "expected a duration such as 30s, got " + Describe(n);
      return false;
    }
    Result<std::chrono::nanoseconds> d = ParseDuration(n.Scalar());
    if (!d) {
      *why = d.error().message();
      return false;
    }
    if (!allow_zero && d->count() == 0) {
      *why = "must be longer than 0";
      return false;
    }
    *out = *d;
    return true;
  };
}

Converter<int64_t> ByteSizeValue(int64_t min) {
  return [=](const YAML::Node& n, int64_t* out, std::string* why) {
    if (!n.IsScalar()) {
      *why = "expected a size such as 64MiB, got " + Describe(n);
      return false;
    }
    Result<int64_t> b = ParseByteSize(n.Scalar());
    if (!b) {
      *why = b.error().message();
      return false;
    }
    if (*b < min) {
      *why = "must be at least " + std::to_string(min) + " bytes, got " + n.Scalar();
      return false;
    }
    *out = *b;
    return true;
  };
}

const YAML::Node* MapReader::Get(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

MapReader::MapReader(ParseContext& ctx, const YAML::Node& node, std::string path,
                     std::vector<std::string_view> allowed, bool any_key,
                     UnknownKeyHint unknown_key_hint)
    : ctx_(ctx), path_(std::move(path)) {
  ctx_.Remember(path_, node.Mark());
  if (node.IsNull() || !node.IsDefined()) {
    is_map_ = true;
    return;
  }
  if (!node.IsMap()) {
    ctx_.Error(path_, "expected a map, got " + Describe(node));
    return;
  }
  is_map_ = true;
  std::map<std::string, int> first_line;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies, not references: the iterator's operator-> returns a temporary pair.
    const YAML::Node key_node = it->first;
    const YAML::Node value = it->second;
    if (!key_node.IsScalar()) {
      ctx_.ErrorAt(key_node.Mark(), path_, "keys must be plain names, got " + Describe(key_node));
      continue;
    }
    const std::string& key = key_node.Scalar();
    const std::string child = Child(key);
    auto [seen, inserted] = first_line.emplace(key, key_node.Mark().line + 1);
    if (!inserted) {
      ctx_.ErrorAt(key_node.Mark(), child,
                   "duplicate key (first given on line " + std::to_string(seen->second) + ")");
      continue;
    }
    if (!any_key && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string hint = unknown_key_hint ? unknown_key_hint(key) : "";
      if (hint.empty()) hint = DidYouMean(key, allowed);
      if (key == "<<") {
        hint = " (YAML merge keys are not supported; repeat the settings instead)";
      } else if (hint.empty()) {
        hint = " (expected one of: " + Join(allowed) + ")";
      }
      ctx_.ErrorAt(key_node.Mark(), child, "unknown key " + Quote(key) + hint);
      continue;
    }
    ctx_.Remember(child, value.IsNull() ? key_node.Mark() : value.Mark());
    entries_.push_back({key, value});
  }
}

bool ReadStringList(ParseContext& ctx, const YAML::Node& n, const std::string& path,
                    std::vector<std::string>* out) {
  ctx.Remember(path, n.Mark());
  if (n.IsNull()) return true;
  if (!n.IsSequence()) {
    ctx.Error(path, "expected a list, got " + Describe(n));
    return false;
  }
  bool ok = true;
  std::set<std::string> seen;
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string item_path = Index(path, i);
    ctx.Remember(item_path, n[i].Mark());
    std::string value;
    std::string why;
    if (!StringValue()(n[i], &value, &why)) {
      ctx.Error(item_path, why);
      ok = false;
      continue;
    }
    if (!seen.insert(value).second) {
      ctx.Error(item_path, Quote(value) + " is listed twice");
      ok = false;
      continue;
    }
    out->push_back(std::move(value));
  }
  return ok;
}

bool ResourceAmount(const std::string& resource, const YAML::Node& n, double* out,
                    std::string* why) {
  if (!n.IsScalar()) {
    *why = "expected a number, got " + Describe(n);
    return false;
  }
  const std::string& s = n.Scalar();
  if (!s.empty() && s.front() == '-') {
    *why = "must not be negative, got " + s;
    return false;
  }
  if (Result<double> plain = ParseNonNegativeNumber(s)) {
    *out = *plain;
    return true;
  }
  auto ends_with = [&](std::string_view suffix) { return resource.ends_with(suffix); };
  if (ends_with("_bytes")) {
    Result<int64_t> b = ParseByteSize(s);
    if (!b) {
      *why = b.error().message();
      return false;
    }
    *out = static_cast<double>(*b);
    return true;
  }
  struct TimeUnit {
    std::string_view suffix;
    double ns;
  };
  for (const TimeUnit& u :
       {TimeUnit{"_ns", 1}, TimeUnit{"_us", 1e3}, TimeUnit{"_ms", 1e6}, TimeUnit{"_s", 1e9}}) {
    if (!ends_with(u.suffix)) continue;
    Result<std::chrono::nanoseconds> d = ParseDuration(s);
    if (!d) {
      *why = d.error().message();
      return false;
    }
    *out = static_cast<double>(d->count()) / u.ns;
    return true;
  }
  *why = "expected a plain number, got " + Quote(s) +
         " (units are accepted only for resources named *_bytes, *_ns, *_us, *_ms or *_s)";
  return false;
}

void ReadResourceMap(ParseContext& ctx, const YAML::Node& n, const std::string& path,
                     std::map<std::string, double>* out) {
  MapReader m = MapReader::AnyKeys(ctx, n, path);
  for (const MapReader::Entry& e : m.entries()) {
    const std::string child = m.Child(e.key);
    const bool good_name = !e.key.empty() && std::all_of(e.key.begin(), e.key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (!good_name) {
      ctx.Error(child,
                "resource names may contain only letters, digits and '_', got " + Quote(e.key));
      continue;
    }
    double amount = 0;
    std::string why;
    if (!ResourceAmount(e.key, e.value, &amount, &why)) {
      ctx.Error(child, why);
      continue;
    }
    (*out)[e.key] = amount;
  }
}

}  // namespace sieve::config_internal
