// Subcommands of sievectl. Each Add*Command registers one subcommand on `app`;
// its callback runs the command and stores the process exit code in *exit_code.
#pragma once

#include <CLI/CLI.hpp>

namespace sieve::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // the command ran and failed (bad input, I/O)
inline constexpr int kExitUsage = 2;       // bad flags (CLI11 also uses 2... for parse errors)

// `sievectl select --input F --label L --k K ...`: offline selection (select_command.cc).
void AddSelectCommand(CLI::App& app, int* exit_code);

// `sievectl config check FILE`: validates a configuration file (config_command.cc).
void AddConfigCommand(CLI::App& app, int* exit_code);

// `sievectl store inspect|backup|restore|verify` (store_command.cc).
void AddStoreCommand(CLI::App& app, int* exit_code);

}  // namespace sieve::cli
