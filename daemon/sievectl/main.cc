// sievectl: the command-line face of sieve (offline selection, store and config tools).
#include <CLI/CLI.hpp>

#include "daemon/sievectl/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sievectl: feature selection under inference budgets"};
  app.set_version_flag("--version", std::string("sievectl ") + SIEVE_VERSION);
  app.require_subcommand(1);
  int exit_code = sieve::cli::kExitOk;
  sieve::cli::AddSelectCommand(app, &exit_code);
  sieve::cli::AddConfigCommand(app, &exit_code);
  sieve::cli::AddStoreCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
