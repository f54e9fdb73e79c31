#include "config/config_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/enum_names.h"
#include "config/units.h"

namespace sieve {
namespace {

using config_internal::EnumName;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// `s` on one line (control characters escaped), cut to `max_length` characters, so
// that every problem stays on its own line of the error message.
std::string OneLine(std::string_view s, size_t max_length = std::string::npos) {
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

// ---------------------------------------------------------------------------------------
// Problem collection

struct Problem {
  int line = 1;    // 1-based; the start of the file when yaml-cpp gives no position
  int column = 1;  // 1-based
  std::string path;
  std::string message;
};

// Collects problems and remembers where every visited key path sits in the file, so
// that checks across sections can point at the right line by naming a path.
class Context {
 public:
  explicit Context(std::string source) : source_(std::move(source)) {}

  void Remember(const std::string& path, const YAML::Mark& mark) {
    if (!mark.is_null()) marks_.emplace(path, mark);
  }

  // Reports a problem at `path`, located at the path's own mark or its nearest
  // remembered ancestor's (a missing key points at the map that lacks it).
  void Error(const std::string& path, std::string message) {
    ErrorAt(MarkOf(path), path, std::move(message));
  }

  void ErrorAt(const YAML::Mark& mark, const std::string& path, std::string message) {
    Problem p;
    if (!mark.is_null()) {
      p.line = mark.line + 1;
      p.column = mark.column + 1;
    }
    p.path = path;
    p.message = std::move(message);
    problems_.push_back(std::move(p));
  }

  YAML::Mark MarkOf(std::string path) const {
    while (true) {
      auto it = marks_.find(path);
      if (it != marks_.end()) return it->second;
      if (path.empty()) return YAML::Mark::null_mark();
      const size_t cut = path.find_last_of(".[");
      path = cut == std::string::npos ? "" : path.substr(0, cut);
    }
  }

  bool ok() const { return problems_.empty(); }

  // True if a problem was reported at `path` or below it; checks across sections skip
  // inputs that already failed, so one mistake is reported once.
  bool Failed(const std::string& path) const {
    return std::any_of(problems_.begin(), problems_.end(), [&](const Problem& p) {
      return p.path.starts_with(path) && (p.path.size() == path.size() ||
                                          p.path[path.size()] == '.' || p.path[path.size()] == '[');
    });
  }

  Status ToStatus() {
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

 private:
  std::string source_;
  std::unordered_map<std::string, YAML::Mark> marks_;
  std::vector<Problem> problems_;
};

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

// " (did you mean 'x'?)" for the closest of `names` if it is close enough, else "".
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

// ---------------------------------------------------------------------------------------
// Scalar converters: bool(const YAML::Node&, T* out, std::string* why). They leave *out
// alone and explain in *why when the node does not hold an acceptable value.

auto StringValue(bool allow_empty = false) {
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

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// Kafka topic and pipeline names: letters, digits, '_', '-', '.'; bounded length.
auto NameValue(size_t max_length, bool allow_empty = false) {
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

std::string RangeText(int64_t min, int64_t max) {
  if (max == kInt64Max) {
    return min == 0 ? std::string("must not be negative")
                    : "must be at least " + std::to_string(min);
  }
  return "must be between " + std::to_string(min) + " and " + std::to_string(max);
}

auto IntValue(int64_t min, int64_t max = kInt64Max) {
  return [=](const YAML::Node& n, auto* out, std::string* why) {
    int64_t v = 0;
    if (!n.IsScalar() || !ParseInt(n.Scalar(), &v)) {
      *why = "expected an integer, got " + Describe(n);
      return false;
    }
    if (v < min || v > max) {
      *why = RangeText(min, max) + ", got " + n.Scalar();
      return false;
    }
    *out = static_cast<std::remove_pointer_t<decltype(out)>>(v);
    return true;
  };
}

auto UInt64Value() {
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

struct NumberRange {
  double min = 0;
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
};

auto NumberValue(NumberRange range = {}) {
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

auto BoolValue() {
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

auto DurationValue(bool allow_zero) {
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

auto ByteSizeValue(int64_t min) {
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

template <typename E, size_t N>
auto EnumValue(const std::array<EnumName<E>, N>& table) {
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

// Amount of a resource (a budget or a cost). The resource name's suffix gives the unit:
// *_bytes accepts byte sizes ("64MiB"), *_ns/_us/_ms/_s accept durations converted to
// that unit ("1.5ms" for latency_us is 1500); plain numbers are always accepted.
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

// ---------------------------------------------------------------------------------------
// Maps

// One YAML map being read. Reports, on construction, a node that is not a map (null
// reads as an empty map, so "daemon:" alone is fine), non-scalar and duplicate keys,
// and keys outside `allowed` (unless any key is allowed).
class MapReader {
 public:
  MapReader(Context& ctx, const YAML::Node& node, std::string path,
            std::initializer_list<std::string_view> allowed)
      : MapReader(ctx, node, std::move(path), std::vector<std::string_view>(allowed), false) {}

  // A map with free-form keys (budgets, costs, librdkafka properties).
  static MapReader AnyKeys(Context& ctx, const YAML::Node& node, std::string path) {
    return MapReader(ctx, node, std::move(path), {}, true);
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
  const std::vector<Entry>& entries() const { return entries_; }

  // The value under `key`, or nullptr when the key is absent.
  const YAML::Node* Get(std::string_view key) const {
    for (const Entry& e : entries_) {
      if (e.key == key) return &e.value;
    }
    return nullptr;
  }

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
  MapReader(Context& ctx, const YAML::Node& node, std::string path,
            std::vector<std::string_view> allowed, bool any_key)
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
        std::string hint = DidYouMean(key, allowed);
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

  Context& ctx_;
  std::string path_;
  bool is_map_ = false;
  std::vector<Entry> entries_;
};

// A list of strings, each remembered at its own path (for later cross-checks).
bool ReadStringList(Context& ctx, const YAML::Node& n, const std::string& path,
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

// A map resource name -> amount (budgets, costs).
void ReadResourceMap(Context& ctx, const YAML::Node& n, const std::string& path,
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

// ---------------------------------------------------------------------------------------
// Sections

bool ValidListenAddress(const std::string& s, std::string* why) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    *why = "expected host:port (e.g. 127.0.0.1:9464), got " + Quote(s);
    return false;
  }
  const std::string host = s.substr(0, colon);
  if (host.front() == '[' ? host.back() != ']' : host.find(':') != std::string::npos) {
    *why = "IPv6 hosts need brackets, e.g. [::1]:9464, got " + Quote(s);
    return false;
  }
  int64_t port = -1;
  if (!ParseInt(s.substr(colon + 1), &port) || port < 0 || port > 65535) {
    *why = "port must be a number between 0 and 65535, got " + Quote(s);
    return false;
  }
  return true;
}

void ParseDaemon(Context& ctx, const YAML::Node& node, DaemonConfig* d) {
  MapReader m(
      ctx, node, "daemon",
      {"data_dir", "http", "admin_token_file", "log", "training_threads", "shutdown_timeout"});
  m.Read("data_dir", &d->data_dir, StringValue());
  if (const YAML::Node* http = m.Get("http")) {
    MapReader h(ctx, *http, m.Child("http"), {"listen", "max_body_bytes"});
    h.Read("listen", &d->http.listen, [](const YAML::Node& n, std::string* out, std::string* why) {
      return StringValue()(n, out, why) && ValidListenAddress(*out, why);
    });
    h.Read("max_body_bytes", &d->http.max_body_bytes, ByteSizeValue(1));
  }
  m.Read("admin_token_file", &d->admin_token_file, StringValue(/*allow_empty=*/true));
  if (const YAML::Node* log = m.Get("log")) {
    MapReader l(ctx, *log, m.Child("log"), {"level", "format"});
    l.Read("level", &d->log.level, EnumValue(config_internal::kLogLevels));
    l.Read("format", &d->log.format, EnumValue(config_internal::kLogFormats));
  }
  m.Read("training_threads", &d->training_threads, IntValue(1, 1024));
  m.Read("shutdown_timeout", &d->shutdown_timeout, DurationValue(/*allow_zero=*/false));
}

// librdkafka settings that sieve owns; letting a file override them would break
// at-least-once delivery or contradict the dedicated keys.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kReservedProperties = {{
    {"bootstrap.servers", "use kafka.bootstrap_servers"},
    {"group.id", "use kafka.group_id"},
    {"enable.auto.offset.store", "sieve stores offsets itself once records are durable"},
}};

void ParseKafka(Context& ctx, const YAML::Node& node, KafkaConfig* k) {
  MapReader m(ctx, node, "kafka",
              {"bootstrap_servers", "group_id", "dead_letter_topic", "properties"});
  m.Require("bootstrap_servers", &k->bootstrap_servers,
            [](const YAML::Node& n, std::string* out, std::string* why) {
              if (!StringValue()(n, out, why)) return false;
              std::stringstream list(*out);
              std::string server;
              while (std::getline(list, server, ',')) {
                if (server.empty() || server.find_first_of(" \t") != std::string::npos) {
                  *why =
                      "expected 'embedded' or a comma-separated host:port list, got " + Quote(*out);
                  return false;
                }
              }
              return true;
            });
  m.Read("group_id", &k->group_id, StringValue());
  m.Read("dead_letter_topic", &k->dead_letter_topic, NameValue(249, /*allow_empty=*/true));
  if (const YAML::Node* props = m.Get("properties")) {
    MapReader p = MapReader::AnyKeys(ctx, *props, m.Child("properties"));
    for (const MapReader::Entry& e : p.entries()) {
      bool reserved = false;
      for (const auto& [name, hint] : kReservedProperties) {
        if (e.key == name) {
          ctx.Error(p.Child(e.key),
                    "cannot be set in kafka.properties (" + std::string(hint) + ")");
          reserved = true;
        }
      }
      if (reserved) continue;
      std::string value;
      std::string why;
      if (!StringValue(/*allow_empty=*/true)(e.value, &value, &why)) {
        ctx.Error(p.Child(e.key), why);
        continue;
      }
      k->properties[e.key] = value;
    }
  }
}

void ParseFeature(Context& ctx, const YAML::Node& node, const std::string& path, FeatureConfig* f) {
  ctx.Remember(path, node.Mark());
  if (node.IsScalar()) {  // "- price": a numeric feature without costs
    std::string why;
    if (!StringValue()(node, &f->name, &why)) ctx.Error(path, why);
    return;
  }
  MapReader m(ctx, node, path, {"name", "kind", "buckets", "embedding_dim", "costs"});
  if (!m.is_map()) return;
  if (node.IsNull()) {
    ctx.Error(path, "expected a feature name or a map with a name");
    return;
  }
  m.Require("name", &f->name, StringValue());
  m.Read("kind", &f->kind, EnumValue(config_internal::kFeatureKinds));
  for (std::string_view key : {"buckets", "embedding_dim"}) {
    if (m.Get(key) != nullptr && f->kind != FeatureConfig::Kind::kCategorical) {
      ctx.Error(m.Child(key), "applies only to categorical features (set kind: categorical)");
    }
  }
  m.Read("buckets", &f->buckets, IntValue(1));
  m.Read("embedding_dim", &f->embedding_dim, IntValue(1, 4096));
  if (const YAML::Node* costs = m.Get("costs"))
    ReadResourceMap(ctx, *costs, m.Child("costs"), &f->costs);
}

void ParseSelector(Context& ctx, const YAML::Node& node, const std::string& path,
                   SelectorConfig* s) {
  MapReader m(ctx, node, path,
              {"algorithm", "k", "hidden_units", "steps_per_round", "warmup_fraction",
               "learning_rate", "batch_size", "seed", "features_per_round", "cost_exponent"});
  m.Read("algorithm", &s->algorithm, EnumValue(config_internal::kAlgorithms));
  m.Read("k", &s->k, IntValue(0));
  if (const YAML::Node* hidden = m.Get("hidden_units")) {
    const std::string hpath = m.Child("hidden_units");
    if (hidden->IsScalar()) {  // "hidden_units: 64" is one layer
      std::vector<int64_t> one(1);
      m.Read("hidden_units", &one[0], IntValue(1, 1 << 16));
      s->hidden_units = one;
    } else if (hidden->IsSequence() || hidden->IsNull()) {
      std::vector<int64_t> layers;
      for (size_t i = 0; hidden->IsSequence() && i < hidden->size(); ++i) {
        const std::string item = Index(hpath, i);
        ctx.Remember(item, (*hidden)[i].Mark());
        int64_t width = 0;
        std::string why;
        if (IntValue(1, 1 << 16)((*hidden)[i], &width, &why)) {
          layers.push_back(width);
        } else {
          ctx.Error(item, why);
        }
      }
      s->hidden_units = layers;
    } else {
      ctx.Error(hpath, "expected a list of layer widths, got " + Describe(*hidden));
    }
  }
  m.Read("steps_per_round", &s->steps_per_round, IntValue(0));
  m.Read("warmup_fraction", &s->warmup_fraction,
         NumberValue({.min = 0, .max = 1, .max_exclusive = true}));
  m.Read("learning_rate", &s->learning_rate,
         NumberValue({.min = 0, .max = 10, .min_exclusive = true}));
  m.Read("batch_size", &s->batch_size, IntValue(1));
  m.Read("seed", &s->seed, UInt64Value());
  m.Read("features_per_round", &s->features_per_round, IntValue(1));
  m.Read("cost_exponent", &s->cost_exponent, NumberValue({.min = 0, .max = 10}));
}

void ParseConstraints(Context& ctx, const YAML::Node& node, const std::string& path,
                      ConstraintsConfig* c) {
  MapReader m(ctx, node, path, {"max_features", "budgets", "must_include", "exclude"});
  m.Read("max_features", &c->max_features, IntValue(0));
  if (const YAML::Node* b = m.Get("budgets"))
    ReadResourceMap(ctx, *b, m.Child("budgets"), &c->budgets);
  if (const YAML::Node* inc = m.Get("must_include")) {
    ReadStringList(ctx, *inc, m.Child("must_include"), &c->must_include);
  }
  if (const YAML::Node* exc = m.Get("exclude")) {
    ReadStringList(ctx, *exc, m.Child("exclude"), &c->exclude);
  }
}

void ParseWindow(Context& ctx, const YAML::Node& node, const std::string& path, WindowConfig* w) {
  MapReader m(ctx, node, path, {"size", "mode", "validation_fraction"});
  m.Read("size", &w->size, IntValue(1));
  m.Read("mode", &w->mode, EnumValue(config_internal::kWindowModes));
  m.Read("validation_fraction", &w->validation_fraction,
         NumberValue({.min = 0, .max = 1, .min_exclusive = true, .max_exclusive = true}));
}

void ParseSchedule(Context& ctx, const YAML::Node& node, const std::string& path,
                   ScheduleConfig* s) {
  MapReader m(ctx, node, path, {"every_records", "every", "drift", "min_records"});
  m.Read("every_records", &s->every_records, IntValue(0));
  m.Read("every", &s->every, DurationValue(/*allow_zero=*/true));
  if (const YAML::Node* drift = m.Get("drift")) {
    MapReader d(ctx, *drift, m.Child("drift"), {"psi_threshold"});
    d.Read("psi_threshold", &s->drift.psi_threshold, NumberValue());
  }
  m.Read("min_records", &s->min_records, IntValue(1));
}

void ParsePromotion(Context& ctx, const YAML::Node& node, const std::string& path,
                    PromotionConfig* p) {
  MapReader m(ctx, node, path, {"max_regression", "auto_promote"});
  m.Read("max_regression", &p->max_regression, NumberValue());
  m.Read("auto_promote", &p->auto_promote, BoolValue());
}

// Checks between the sections of one pipeline, after each section parsed on its own.
void CheckPipeline(Context& ctx, const std::string& path, const PipelineConfig& p,
                   bool features_given) {
  auto child = [&](std::string_view rest) { return path + "." + std::string(rest); };
  auto failed = [&](std::initializer_list<std::string_view> keys) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](std::string_view k) { return ctx.Failed(child(k)); });
  };
  const ConstraintsConfig& c = p.constraints;

  std::map<std::string, const FeatureConfig*> declared;
  for (size_t i = 0; i < p.features.size(); ++i) {
    const FeatureConfig& f = p.features[i];
    const std::string fpath = Index(child("features"), i);
    if (f.name.empty()) continue;  // already reported
    if (!declared.emplace(f.name, &f).second) {
      ctx.Error(fpath + ".name", "duplicate feature name " + Quote(f.name));
    }
    if (!p.label.field.empty() && f.name == p.label.field) {
      ctx.Error(fpath + ".name", Quote(f.name) + " is the label field and cannot be a feature");
    }
  }

  if (p.format == PipelineConfig::Format::kCsv && !p.csv.header.empty()) {
    const std::set<std::string> columns(p.csv.header.begin(), p.csv.header.end());
    for (size_t i = 0; i < p.features.size(); ++i) {
      const std::string& name = p.features[i].name;
      if (!name.empty() && !columns.contains(name)) {
        ctx.Error(Index(child("features"), i) + ".name",
                  Quote(name) + " is not a column of csv.header");
      }
    }
    if (!p.label.field.empty() && !columns.contains(p.label.field)) {
      ctx.Error(child("label.field"), Quote(p.label.field) + " is not a column of csv.header");
    }
  }

  // must_include and exclude name declared features and do not overlap.
  const std::set<std::string> excluded(c.exclude.begin(), c.exclude.end());
  auto check_names = [&](const std::vector<std::string>& names, std::string_view key) {
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string item = Index(child(std::string("constraints.") + std::string(key)), i);
      if (names[i] == p.label.field) {
        ctx.Error(item, Quote(names[i]) + " is the label field, not a feature");
      } else if (!p.discovery && features_given && !declared.contains(names[i])) {
        ctx.Error(item, "unknown feature " + Quote(names[i]) + " (not in features)");
      } else if (key == "must_include" && excluded.contains(names[i])) {
        ctx.Error(item, Quote(names[i]) + " is also listed in constraints.exclude");
      }
    }
  };
  check_names(c.must_include, "must_include");
  check_names(c.exclude, "exclude");

  if (!p.discovery && features_given) {
    // A budget on a resource no feature costs anything in is almost always a typo.
    for (const auto& [resource, limit] : c.budgets) {
      if (failed({"features"})) break;
      const bool costed = std::any_of(p.features.begin(), p.features.end(),
                                      [&](const auto& f) { return f.costs.contains(resource); });
      if (!costed) {
        ctx.Error(child("constraints.budgets." + resource),
                  "no feature declares a cost for " + Quote(resource));
      }
    }
    // The forced features alone must fit every budget.
    for (const auto& [resource, limit] : c.budgets) {
      if (failed({"features", "constraints.must_include"})) break;
      double used = 0;
      for (const std::string& name : c.must_include) {
        auto it = declared.find(name);
        if (it == declared.end()) continue;
        auto cost = it->second->costs.find(resource);
        if (cost != it->second->costs.end()) used += cost->second;
      }
      if (used > limit) {
        std::ostringstream text;
        text << "the must_include features alone cost " << used << ", above this budget of "
             << limit;
        ctx.Error(child("constraints.budgets." + resource), text.str());
      }
    }
    const int64_t candidates =
        static_cast<int64_t>(declared.size() - std::count_if(excluded.begin(), excluded.end(),
                                                             [&](const std::string& n) {
                                                               return declared.contains(n);
                                                             }));
    if (p.selector.k > candidates && !failed({"features", "constraints.exclude"})) {
      ctx.Error(child("selector.k"), "asks for " + std::to_string(p.selector.k) +
                                         " features but only " + std::to_string(candidates) +
                                         " are candidates");
    }
  }

  const int64_t forced = static_cast<int64_t>(c.must_include.size());
  const bool forced_known = !failed({"constraints.must_include"});
  if (c.max_features > 0 && forced > c.max_features && forced_known) {
    ctx.Error(child("constraints.max_features"),
              std::to_string(forced) + " features are in must_include, more than max_features " +
                  std::to_string(c.max_features));
  }
  if (p.selector.k > 0 && c.max_features > 0 && p.selector.k > c.max_features) {
    ctx.Error(child("selector.k"), "is " + std::to_string(p.selector.k) +
                                       ", above constraints.max_features " +
                                       std::to_string(c.max_features));
  }
  if (p.selector.k > 0 && forced > p.selector.k && forced_known) {
    ctx.Error(child("selector.k"), "is " + std::to_string(p.selector.k) + " but " +
                                       std::to_string(forced) + " features are in must_include");
  }
  if (p.selector.k == 0 && c.max_features == 0 && c.budgets.empty() &&
      !failed({"selector", "constraints"})) {
    ctx.Error(child("selector.k"),
              "nothing limits the selection: set selector.k, constraints.max_features or a "
              "budget in constraints.budgets");
  }
  if (p.schedule.min_records > p.window.size && !failed({"schedule.min_records", "window.size"})) {
    ctx.Error(child("schedule.min_records"),
              "is " + std::to_string(p.schedule.min_records) + ", above window.size " +
                  std::to_string(p.window.size) + ", so training would never start");
  }
}

void ParsePipeline(Context& ctx, const YAML::Node& node, const std::string& path,
                   PipelineConfig* p) {
  MapReader m(ctx, node, path,
              {"name", "topic", "format", "csv", "label", "features", "discovery", "selector",
               "constraints", "window", "schedule", "promotion", "publish"});
  if (!m.is_map()) return;
  if (node.IsNull()) {
    ctx.Error(path, "empty pipeline: name, topic, label and features are required");
    return;
  }
  m.Require("name", &p->name, NameValue(128));
  m.Require("topic", &p->topic, NameValue(249));
  m.Read("format", &p->format, EnumValue(config_internal::kFormats));

  const YAML::Node* csv = m.Get("csv");
  if (csv != nullptr) {
    MapReader c(ctx, *csv, m.Child("csv"), {"header", "delimiter"});
    if (const YAML::Node* header = c.Get("header")) {
      ReadStringList(ctx, *header, c.Child("header"), &p->csv.header);
    }
    c.Read("delimiter", &p->csv.delimiter, [](const YAML::Node& n, char* out, std::string* why) {
      if (!n.IsScalar() || n.Scalar().size() != 1) {
        *why = "expected a single character, got " + Describe(n);
        return false;
      }
      *out = n.Scalar()[0];
      return true;
    });
  }
  if (p->format == PipelineConfig::Format::kCsv && p->csv.header.empty()) {
    ctx.Error(m.Child("csv.header"), "required when format is csv (the column names, in order)");
  }
  if (p->format != PipelineConfig::Format::kCsv && csv != nullptr) {
    ctx.Error(m.Child("csv"), "applies only to format: csv");
  }

  if (const YAML::Node* label = m.Get("label")) {
    MapReader l(ctx, *label, m.Child("label"), {"field", "task"});
    l.Require("field", &p->label.field, StringValue());
    l.Read("task", &p->label.task, EnumValue(config_internal::kTasks));
  } else {
    ctx.Error(m.Child("label"), "required key is missing (label: {field: ..., task: ...})");
  }

  m.Read("discovery", &p->discovery, BoolValue());
  const YAML::Node* features = m.Get("features");
  if (features != nullptr) {
    const std::string fpath = m.Child("features");
    if (p->discovery) {
      ctx.Error(fpath, "give either a features list or discovery: true, not both");
    } else if (!features->IsSequence()) {
      ctx.Error(fpath, "expected a list of features, got " + Describe(*features));
    } else if (features->size() == 0) {
      ctx.Error(fpath, "must list at least one feature");
    } else {
      p->features.resize(features->size());
      for (size_t i = 0; i < features->size(); ++i) {
        ParseFeature(ctx, (*features)[i], Index(fpath, i), &p->features[i]);
      }
    }
  } else if (!p->discovery) {
    ctx.Error(m.Child("features"),
              "required key is missing (list the candidate features or set discovery: true)");
  }

  if (const YAML::Node* n = m.Get("selector"))
    ParseSelector(ctx, *n, m.Child("selector"), &p->selector);
  if (const YAML::Node* n = m.Get("constraints")) {
    ParseConstraints(ctx, *n, m.Child("constraints"), &p->constraints);
  }
  if (const YAML::Node* n = m.Get("window")) ParseWindow(ctx, *n, m.Child("window"), &p->window);
  if (const YAML::Node* n = m.Get("schedule"))
    ParseSchedule(ctx, *n, m.Child("schedule"), &p->schedule);
  if (const YAML::Node* n = m.Get("promotion")) {
    ParsePromotion(ctx, *n, m.Child("promotion"), &p->promotion);
  }
  if (const YAML::Node* n = m.Get("publish")) {
    MapReader pub(ctx, *n, m.Child("publish"), {"topic"});
    pub.Read("topic", &p->publish.topic, NameValue(249, /*allow_empty=*/true));
  }

  CheckPipeline(ctx, path, *p, features != nullptr && !p->discovery);
}

void ParsePipelines(Context& ctx, const YAML::Node& node, std::vector<PipelineConfig>* out) {
  const std::string path = "pipelines";
  ctx.Remember(path, node.Mark());
  if (node.IsNull()) return;
  if (!node.IsSequence()) {
    ctx.Error(path, "expected a list of pipelines, got " + Describe(node));
    return;
  }
  std::map<std::string, int> first_line;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item = Index(path, i);
    ctx.Remember(item, node[i].Mark());
    PipelineConfig p;
    ParsePipeline(ctx, node[i], item, &p);
    if (!p.name.empty()) {
      const int line = ctx.MarkOf(item + ".name").line + 1;
      auto [seen, inserted] = first_line.emplace(p.name, line);
      if (!inserted) {
        ctx.Error(item + ".name", "duplicate pipeline name " + Quote(p.name) +
                                      " (first used on line " + std::to_string(seen->second) + ")");
      }
    }
    out->push_back(std::move(p));
  }
}

// Output topics must not be input topics: sieve would consume its own output.
void CheckTopics(Context& ctx, const Config& config) {
  std::map<std::string, std::string> readers;  // input topic -> first pipeline reading it
  for (const PipelineConfig& p : config.pipelines) {
    if (!p.topic.empty()) readers.emplace(p.topic, p.name);
  }
  const std::string& dead_letter = config.kafka.dead_letter_topic;
  if (auto it = readers.find(dead_letter); !dead_letter.empty() && it != readers.end()) {
    ctx.Error("kafka.dead_letter_topic", "is the input topic of pipeline " + Quote(it->second) +
                                             "; bad records would be consumed again");
  }
  for (size_t i = 0; i < config.pipelines.size(); ++i) {
    const std::string& out = config.pipelines[i].publish.topic;
    if (out.empty()) continue;
    const std::string path = Index("pipelines", i) + ".publish.topic";
    if (auto it = readers.find(out); it != readers.end()) {
      ctx.Error(path, "is the input topic of pipeline " + Quote(it->second) +
                          "; feature sets would be read back as records");
    } else if (out == dead_letter) {
      ctx.Error(path, "is also kafka.dead_letter_topic");
    }
  }
}

// Records where the second document of a stream starts, ignoring all other events.
class SecondDocumentFinder : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) second_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  const std::optional<YAML::Mark>& second() const { return second_; }

 private:
  int documents_ = 0;
  std::optional<YAML::Mark> second_;
};

// The start of the second YAML document in `text`, if there is one. YAML::LoadAll is
// not used: in yaml-cpp 0.7 it loops forever, allocating, on some malformed input (a
// line starting with ','); this loop over the event parser stops after two documents.
std::optional<YAML::Mark> SecondDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  SecondDocumentFinder finder;
  for (int i = 0; i < 2 && parser.HandleNextDocument(finder); ++i) {
  }
  return finder.second();
}

void ParseRoot(Context& ctx, const YAML::Node& root, Config* config) {
  ctx.Remember("", root.Mark());
  if (root.IsNull() || !root.IsDefined()) {
    ctx.Error("", "the config is empty (expected the keys daemon, kafka and pipelines)");
    return;
  }
  MapReader m(ctx, root, "", {"daemon", "kafka", "pipelines"});
  if (!m.is_map()) return;
  if (const YAML::Node* n = m.Get("daemon")) ParseDaemon(ctx, *n, &config->daemon);
  if (const YAML::Node* n = m.Get("kafka")) {
    ParseKafka(ctx, *n, &config->kafka);
  } else {
    ctx.Error("kafka", "required key is missing (kafka: {bootstrap_servers: ...})");
  }
  if (const YAML::Node* n = m.Get("pipelines")) ParsePipelines(ctx, *n, &config->pipelines);
  CheckTopics(ctx, *config);
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view source_name) {
  Context ctx{std::string(source_name)};
  Config config;
  try {
    const std::string input(text);
    if (std::optional<YAML::Mark> second = SecondDocument(input)) {
      ctx.ErrorAt(*second, "", "only one YAML document is allowed (a second one starts here)");
    }
    ParseRoot(ctx, YAML::Load(input), &config);
  } catch (const YAML::Exception& e) {
    // Syntax errors (and anything else yaml-cpp throws) keep yaml-cpp's own message.
    ctx.ErrorAt(e.mark, "", "YAML error: " + e.msg);
  }
  if (!ctx.ok()) return Err(ctx.ToStatus());
  return config;
}

Result<Config> LoadConfig(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Err(Status::IoError("cannot read config " + path.string() + ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string message = "cannot read config " + path.string() + ": " + std::strerror(err);
    if (err == ENOENT) return Err(Status::NotFound(message));
    return Err(Status::IoError(message));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return Err(Status::IoError("cannot read config " + path.string() + ": read failed"));
  }
  return ParseConfig(text.str(), path.string());
}

}  // namespace sieve
