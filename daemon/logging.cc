#include "daemon/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace sieve {
namespace {

// %* in the pattern: the message, escaped as the inside of a JSON string.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char u[8];
            std::snprintf(u, sizeof u, "\\u%04x", c);
            dest.append(std::string_view(u));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

spdlog::level::level_enum LevelOf(LogConfig::Level level) {
  switch (level) {
    case LogConfig::Level::kTrace:
      return spdlog::level::trace;
    case LogConfig::Level::kDebug:
      return spdlog::level::debug;
    case LogConfig::Level::kInfo:
      return spdlog::level::info;
    case LogConfig::Level::kWarn:
      return spdlog::level::warn;
    case LogConfig::Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void ConfigureLogging(const LogConfig& config) {
  auto logger = spdlog::get("sieved");
  if (logger == nullptr) {
    logger = spdlog::stderr_logger_mt("sieved");
    spdlog::set_default_logger(logger);
  }
  if (config.format == LogConfig::Format::kJson) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","message":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(LevelOf(config.level));
  logger->flush_on(spdlog::level::info);
}

}  // namespace sieve
