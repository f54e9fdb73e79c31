#include "config/units.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace sieve {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

// Longest names first where one is a prefix of another ("ms" before "m").
constexpr std::array<Unit, 8> kDurationUnits = {{
    {"ns", 1.0},
    {"us", 1e3},
    {"\u00b5s", 1e3},
    {"ms", 1e6},
    {"s", 1e9},
    {"m", 60e9},
    {"h", 3600e9},
    {"d", 86400e9},
}};

constexpr std::array<Unit, 10> kByteUnits = {{
    {"b", 1.0},
    {"kb", 1e3},
    {"mb", 1e6},
    {"gb", 1e9},
    {"tb", 1e12},
    {"kib", 1024.0},
    {"mib", 1024.0 * 1024},
    {"gib", 1024.0 * 1024 * 1024},
    {"tib", 1024.0 * 1024 * 1024 * 1024},
    {"", 1.0},
}};

bool IsNumberChar(char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads an unsigned decimal number (digits with an optional fraction) from the front of
// `text`, advancing it. Returns false if there is none.
bool TakeNumber(std::string_view& text, double* value) {
  size_t n = 0;
  while (n < text.size() && IsNumberChar(text[n])) ++n;
  if (n == 0) return false;
  std::string_view digits = text.substr(0, n);
  if (digits.find_first_of("0123456789") == std::string_view::npos) return false;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *value,
                                   std::chars_format::fixed);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return false;
  text.remove_prefix(n);
  return true;
}

Status BadDuration(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("invalid duration '" + std::string(text) +
                                 "': " + std::string(why));
}

}  // namespace

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return Err(BadDuration(text, "empty"));
  if (text.front() == '-') return Err(BadDuration(text, "must not be negative"));
  std::string_view rest = text;
  double total_ns = 0;
  while (!rest.empty()) {
    double value = 0;
    if (!TakeNumber(rest, &value)) {
      return Err(BadDuration(text, "expected a number followed by a unit, e.g. 30s or 1h30m"));
    }
    size_t unit_len = 0;
    while (unit_len < rest.size() && !IsNumberChar(rest[unit_len])) ++unit_len;
    std::string_view unit = rest.substr(0, unit_len);
    if (unit.empty()) {
      return Err(BadDuration(text, "a number needs a unit (ns, us, ms, s, m, h, d)"));
    }
    const Unit* found = nullptr;
    for (const Unit& u : kDurationUnits) {
      if (u.name == unit) found = &u;
    }
    if (found == nullptr) {
      return Err(BadDuration(
          text, "unknown unit '" + std::string(unit) + "' (use ns, us, ms, s, m, h, d)"));
    }
    total_ns += value * found->factor;
    rest.remove_prefix(unit_len);
  }
  if (!(total_ns < 9.2e18)) return Err(BadDuration(text, "too large"));
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(total_ns)));
}

Result<int64_t> ParseByteSize(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Err(Status::InvalidArgument("invalid byte size '" + std::string(text) +
                                       "': " + std::string(why)));
  };
  if (text.empty()) return bad("empty");
  if (text.front() == '-') return bad("must not be negative");
  std::string_view rest = text;
  double value = 0;
  if (!TakeNumber(rest, &value)) return bad("expected a number with an optional unit, e.g. 64MiB");
  // Allow one space between number and unit ("64 MiB").
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const std::string unit = Lower(rest);
  const Unit* found = nullptr;
  for (const Unit& u : kByteUnits) {
    if (u.name == unit) found = &u;
  }
  if (found == nullptr) {
    return bad("unknown unit '" + std::string(rest) +
               "' (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)");
  }
  const double bytes = value * found->factor;
  if (!(bytes < 9.2e18)) return bad("too large");
  return static_cast<int64_t>(std::llround(bytes));
}

Result<double> ParseNonNegativeNumber(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
      !std::isfinite(value)) {
    return Err(Status::InvalidArgument("expected a number, got '" + std::string(text) + "'"));
  }
  if (value < 0) {
    return Err(Status::InvalidArgument("must not be negative, got '" + std::string(text) + "'"));
  }
  return value;
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  int64_t ns = d.count();
  if (ns == 0) return "0";
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  // Whole hours, minutes and seconds, then the sub-second rest in the largest exact unit.
  constexpr int64_t kSecond = 1'000'000'000;
  const int64_t hours = ns / (3600 * kSecond);
  ns -= hours * 3600 * kSecond;
  const int64_t minutes = ns / (60 * kSecond);
  ns -= minutes * 60 * kSecond;
  const int64_t seconds = ns / kSecond;
  ns -= seconds * kSecond;
  if (hours) out += std::to_string(hours) + "h";
  if (minutes) out += std::to_string(minutes) + "m";
  if (seconds) out += std::to_string(seconds) + "s";
  if (ns) {
    if (ns % 1'000'000 == 0) {
      out += std::to_string(ns / 1'000'000) + "ms";
    } else if (ns % 1'000 == 0) {
      out += std::to_string(ns / 1'000) + "us";
    } else {
      out += std::to_string(ns) + "ns";
    }
  }
  return out;
}

}  // namespace sieve
