// The YAML spelling of every configuration enum. Internal to config/: the loader parses
// with these tables and ConfigName() prints with them, so the two never disagree.
#pragma once

#include <array>
#include <string_view>

#include "config/config.h"

namespace sieve::config_internal {

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

inline constexpr std::array<EnumName<LogConfig::Level>, 5> kLogLevels = {{
    {"trace", LogConfig::Level::kTrace},
    {"debug", LogConfig::Level::kDebug},
    {"info", LogConfig::Level::kInfo},
    {"warn", LogConfig::Level::kWarn},
    {"error", LogConfig::Level::kError},
}};

inline constexpr std::array<EnumName<LogConfig::Format>, 2> kLogFormats = {{
    {"text", LogConfig::Format::kText},
    {"json", LogConfig::Format::kJson},
}};

inline constexpr std::array<EnumName<LabelConfig::Task>, 3> kTasks = {{
    {"auto", LabelConfig::Task::kAuto},
    {"classification", LabelConfig::Task::kClassification},
    {"regression", LabelConfig::Task::kRegression},
}};

inline constexpr std::array<EnumName<FeatureConfig::Kind>, 2> kFeatureKinds = {{
    {"numeric", FeatureConfig::Kind::kNumeric},
    {"categorical", FeatureConfig::Kind::kCategorical},
}};

inline constexpr std::array<EnumName<SelectorConfig::Algorithm>, 6> kAlgorithms = {{
    {"sequential_attention", SelectorConfig::Algorithm::kSequentialAttention},
    {"omp", SelectorConfig::Algorithm::kOmp},
    {"group_lasso", SelectorConfig::Algorithm::kGroupLasso},
    {"mutual_info", SelectorConfig::Algorithm::kMutualInfo},
    {"f_test", SelectorConfig::Algorithm::kFTest},
    {"random", SelectorConfig::Algorithm::kRandom},
}};

inline constexpr std::array<EnumName<WindowConfig::Mode>, 2> kWindowModes = {{
    {"sliding", WindowConfig::Mode::kSliding},
    {"reservoir", WindowConfig::Mode::kReservoir},
}};

inline constexpr std::array<EnumName<PipelineConfig::Format>, 2> kFormats = {{
    {"json", PipelineConfig::Format::kJson},
    {"csv", PipelineConfig::Format::kCsv},
}};

template <typename E, size_t N>
constexpr std::string_view NameOf(const std::array<EnumName<E>, N>& table, E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

}  // namespace sieve::config_internal
