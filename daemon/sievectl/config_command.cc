// `sievectl config check FILE`: validates a sieved configuration file without starting
// anything. Prints "ok: N pipelines" (and the config hash) to stdout and exits 0, or
// prints every problem, one per line as <file>:<line>:<column>: <key path>: <message>,
// to stderr and exits 1.
//
// `sievectl config show FILE [--show-secrets]`: prints the effective configuration
// (every default filled in, secret librdkafka properties redacted unless asked) as
// YAML, or the problems as `check` does.
#include <iostream>
#include <memory>
#include <string>

#include "config/config_loader.h"
#include "config/config_writer.h"
#include "daemon/sievectl/commands.h"

namespace sieve::cli {
namespace {

// Loads `file`; on failure prints every problem and a count to stderr.
Result<Config> LoadAndReport(const std::string& file) {
  Result<Config> config = LoadConfig(file);
  if (!config.has_value()) {
    const Status& status = config.error();
    std::cerr << status.message() << '\n';
    if (status.code() == StatusCode::kInvalidArgument) {
      size_t problems = 1;
      for (char c : status.message()) problems += c == '\n';
      std::cerr << file << ": " << problems << (problems == 1 ? " error" : " errors") << '\n';
    }
  }
  return config;
}

int RunConfigShow(const std::string& file, bool show_secrets) {
  Result<Config> config = LoadAndReport(file);
  if (!config.has_value()) return kExitFailure;
  std::cout << FormatConfig(*config, {.redact_secrets = !show_secrets});
  return kExitOk;
}

int RunConfigCheck(const std::string& file) {
  Result<Config> config = LoadAndReport(file);
  if (!config.has_value()) return kExitFailure;
  const size_t n = config->pipelines.size();
  std::cout << "ok: " << n << (n == 1 ? " pipeline" : " pipelines") << " (config hash "
            << ConfigHash(*config) << ")\n";
  return kExitOk;
}

}  // namespace

void AddConfigCommand(CLI::App& app, int* exit_code) {
  CLI::App* config = app.add_subcommand("config", "Work with sieved configuration files");
  config->require_subcommand(1);
  CLI::App* check = config->add_subcommand(
      "check",
      "Validate a configuration file: report every error with its key path and "
      "line:column, exit 1 if there is any");
  auto file = std::make_shared<std::string>();
  check->add_option("FILE", *file, "YAML configuration file")->required();
  check->callback([file, exit_code] { *exit_code = RunConfigCheck(*file); });

  CLI::App* show = config->add_subcommand(
      "show", "Print the effective configuration (every default filled in) as YAML");
  auto show_file = std::make_shared<std::string>();
  auto show_secrets = std::make_shared<bool>(false);
  show->add_option("FILE", *show_file, "YAML configuration file")->required();
  show->add_flag("--show-secrets", *show_secrets,
                 "Print secret librdkafka properties (passwords, keys) instead of <redacted>");
  show->callback([show_file, show_secrets, exit_code] {
    *exit_code = RunConfigShow(*show_file, *show_secrets);
  });
}

}  // namespace sieve::cli
