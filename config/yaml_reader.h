// Strict, error-collecting reading of YAML nodes. Internal to config/: the schema of
// sieve's configuration lives in config_loader.cc and uses these pieces.
//
// ParseContext collects problems (key path, line:column, message) instead of stopping
// at the first, and remembers where every visited key path is in the file, so checks
// across sections can point at the right line by naming a path. MapReader reads one
// map and reports unknown, duplicate and non-scalar keys. Converters turn a scalar
// node into a typed value or explain why they cannot.
//
// yaml-cpp may throw; callers catch YAML::Exception around their use of these.
#pragma once

#include <yaml-cpp/yaml.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/enum_names.h"
#include "core/status.h"

namespace sieve::config_internal {

// ---------------------------------------------------------------------------------------
// Text helpers for messages

// `s` on one line (control characters escaped), cut to `max_length` characters, so
// that every problem stays on its own line of the error message.
std::string OneLine(std::string_view s, size_t max_length = std::string::npos);
// 's' in single quotes, on one line, cut to 60 characters.
std::string Quote(std::string_view s);
// What a node holds, for "expected X, got Y": "'text'", "a list", "a map", "no value".
std::string Describe(const YAML::Node& n);
// "a, b, c".
std::string Join(const std::vector<std::string_view>& names);
// " (did you mean 'x'?)" for the closest of `names` if it is close enough, else "".
std::string DidYouMean(std::string_view given, const std::vector<std::string_view>& names);
// "path[i]".
std::string Index(const std::string& path, size_t i);

// ---------------------------------------------------------------------------------------
// Problem collection

class ParseContext {
 public:
  // `source` (usually the file name) prefixes every line of ToStatus().
  explicit ParseContext(std::string source) : source_(std::move(source)) {}

  // Records where `path` is in the file; the first record of a path wins.
  void Remember(const std::string& path, const YAML::Mark& mark);

  // Reports a problem at `path`, located at the path's own mark or its nearest
  // remembered ancestor's (a missing key points at the map that lacks it).
  void Error(const std::string& path, std::string message);
  // Reports a problem at an explicit position (null mark: the start of the file).
  void ErrorAt(const YAML::Mark& mark, const std::string& path, std::string message);

  // The mark of `path` or of its nearest remembered ancestor; null if none.
  YAML::Mark MarkOf(std::string path) const;

  bool ok() const { return problems_.empty(); }

  // True if a problem was reported at `path` or below it; checks across sections skip
  // inputs that already failed, so one mistake is reported once.
  bool Failed(const std::string& path) const;

  // InvalidArgument with one line per problem, sorted by position:
  // "<source>:<line>:<column>: <path>: <message>". REQUIRES: !ok().
  Status ToStatus();

 private:
  struct Problem {
    int line = 1;    // 1-based; the start of the file when yaml-cpp gives no position
    int column = 1;  // 1-based
    std::string path;
    std::string message;
  };

  std::string source_;
  std::unordered_map<std::string, YAML::Mark> marks_;
  std::vector<Problem> problems_;
};

// ---------------------------------------------------------------------------------------
// Scalar converters. Each returns a function that stores the node's value in *out, or
// leaves *out alone and explains in *why why the node does not hold an acceptable value.

template <typename T>
using Converter = std::function<bool(const YAML::Node&, T* out, std::string* why)>;

inline constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// Any scalar, as written.
Converter<std::string> StringValue(bool allow_empty = false);
// Kafka topic and pipeline names: letters, digits, '_', '-', '.'; at most max_length.
Converter<std::string> NameValue(size_t max_length, bool allow_empty = false);
// A decimal integer in [min, max].
Converter<int64_t> IntValue(int64_t min, int64_t max = kInt64Max);
// A decimal integer in [0, 2^64).
Converter<uint64_t> UInt64Value();

struct NumberRange {
  double min = 0;
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
};
// A finite number within `range` (non-negative by default).
Converter<double> NumberValue(NumberRange range = {});
// true/false (and yaml-cpp's yes/no/on/off).
Converter<bool> BoolValue();
// A duration per ParseDuration ("30s", "1h30m"); 0 only if allow_zero.
Converter<std::chrono::nanoseconds> DurationValue(bool allow_zero);
// A byte size per ParseByteSize ("64MiB"), at least `min` bytes.
Converter<int64_t> ByteSizeValue(int64_t min);

// One of the names in `table` (which must outlive the converter).
template <typename E, size_t N>
Converter<E> EnumValue(const std::array<EnumName<E>, N>& table) {
  return [&table](const YAML::Node& n, E* out, std::string* why) {
    std::vector<std::string_view> names;
    for (const auto& entry : table) {
      if (n.IsScalar() && entry.name == n.Scalar()) {
        *out = entry.value;
        return true;
      }
      names.push_back(entry.name);
    }
    *why = "must be one of " + Join(names) + ", got " + Describe(n) +
           (n.IsScalar() ? DidYouMean(n.Scalar(), names) : "");
    return false;
  };
}

// Parses a whole string as a decimal int64.
bool ParseInt(const std::string& s, int64_t* value);

// ---------------------------------------------------------------------------------------
// Maps and lists

// One YAML map being read. Reports, on construction, a node that is not a map (null
// reads as an empty map, so "daemon:" alone is fine), non-scalar and duplicate keys,
// and keys outside `allowed` (unless any key is allowed). `ctx` must outlive it.
class MapReader {
 public:
  // Explains an unknown key, e.g. " (it belongs in constraints)", or returns "" to
  // fall back to a spelling suggestion or the list of allowed keys.
  using UnknownKeyHint = std::function<std::string(std::string_view key)>;

  MapReader(ParseContext& ctx, const YAML::Node& node, std::string path,
            std::initializer_list<std::string_view> allowed, UnknownKeyHint hint = nullptr)
      : MapReader(ctx, node, std::move(path), std::vector<std::string_view>(allowed), false,
                  std::move(hint)) {}

  // A map with free-form keys (budgets, costs, librdkafka properties).
  static MapReader AnyKeys(ParseContext& ctx, const YAML::Node& node, std::string path) {
    return MapReader(ctx, node, std::move(path), {}, true, nullptr);
  }

  bool is_map() const { return is_map_; }
  const std::string& path() const { return path_; }
  std::string Child(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  struct Entry {
    std::string key;
    YAML::Node value;
  };
  // The accepted entries, in file order.
  const std::vector<Entry>& entries() const { return entries_; }

  // The value under `key`, or nullptr when the key is absent.
  const YAML::Node* Get(std::string_view key) const;

  // Converts the value under `key` into *out if present; *out keeps its default when the
  // key is absent (an error if `required`) or its value is bad.
  template <typename T, typename Conv>
  bool Read(std::string_view key, T* out, const Conv& conv, bool required = false) const {
    const YAML::Node* n = Get(key);
    if (n == nullptr) {
      if (required && is_map_) ctx_.Error(Child(key), "required key is missing");
      return false;
    }
    T value = *out;
    std::string why;
    if (!conv(*n, &value, &why)) {
      ctx_.Error(Child(key), std::move(why));
      return false;
    }
    *out = std::move(value);
    return true;
  }

  template <typename T, typename Conv>
  bool Require(std::string_view key, T* out, const Conv& conv) const {
    return Read(key, out, conv, /*required=*/true);
  }

 private:
  MapReader(ParseContext& ctx, const YAML::Node& node, std::string path,
            std::vector<std::string_view> allowed, bool any_key, UnknownKeyHint hint);

  ParseContext& ctx_;
  std::string path_;
  bool is_map_ = false;
  std::vector<Entry> entries_;
};

// Reads a list of distinct strings into *out, remembering each item's position at
// "path[i]" for later cross-checks. Returns false if anything was reported.
bool ReadStringList(ParseContext& ctx, const YAML::Node& n, const std::string& path,
                    std::vector<std::string>* out);

// Amount of a resource (a budget or a cost). The resource name's suffix gives the unit:
// *_bytes accepts byte sizes ("64MiB"), *_ns/_us/_ms/_s accept durations converted to
// that unit ("1.5ms" for latency_us is 1500); plain non-negative numbers are always
// accepted, and are all that other resource names accept.
bool ResourceAmount(const std::string& resource, const YAML::Node& n, double* out,
                    std::string* why);

// Reads a map resource name -> amount (budgets, costs) into *out. Resource names are
// letters, digits and '_'; amounts per ResourceAmount; each problem is reported.
void ReadResourceMap(ParseContext& ctx, const YAML::Node& n, const std::string& path,
                     std::map<std::string, double>* out);

}  // namespace sieve::config_internal
