// `sievectl config check FILE`: validates a sieved configuration file without starting
// anything. Prints "ok: N pipelines" (and the config hash) to stdout and exits 0, or
// prints every problem, one per line as <file>:<line>:<column>: <key path>: <message>,
// to stderr and exits 1.
#include <iostream>
#include <memory>
#include <string>

#include "config/config_loader.h"
#include "daemon/sievectl/commands.h"

namespace sieve::cli {
namespace {

int RunConfigCheck(const std::string& file) {
  Result<Config> config = LoadConfig(file);
  if (!config.has_value()) {
    const Status& status = config.error();
    std::cerr << status.message() << '\n';
    if (status.code() == StatusCode::kInvalidArgument) {
      size_t problems = 1;
      for (char c : status.message()) problems += c == '\n';
      std::cerr << file << ": " << problems << (problems == 1 ? " error" : " errors") << '\n';
    }
    return kExitFailure;
  }
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
}

}  // namespace sieve::cli
