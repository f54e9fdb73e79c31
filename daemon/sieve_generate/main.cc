// sieve-generate: writes a synthetic click-through-rate stream (see
// daemon/ctr_generator.h) as JSON lines to stdout, for piping into a producer:
//
//   sieve-generate --rate 500 --drift-after 15000 | kcat -P -b HOST:PORT -t ctr-events
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "daemon/ctr_generator.h"

int main(int argc, char** argv) {
  CLI::App app{"Synthetic click-through-rate records as JSON lines"};
  int64_t count = 0;
  double rate = 0;
  int64_t drift_after = 0;
  uint64_t seed = 1;
  app.add_option("--count", count, "Records to write; 0 = until killed")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--rate", rate, "Records per second; 0 = as fast as possible")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--drift-after", drift_after,
                 "Change the planted features after this many records; 0 = never")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", seed, "Random seed");
  CLI11_PARSE(app, argc, argv);

  sieve::CtrGenerator generator({.seed = seed, .drift_after = drift_after});
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; count == 0 || i < count; ++i) {
    const std::string line = generator.Next();
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() ||
        std::fputc('\n', stdout) == EOF) {
      return 0;  // the reader went away
    }
    if (rate > 0) {
      // Pace by the schedule, not by sleeps per record, to keep the rate exact.
      const auto due = start + std::chrono::duration<double>((i + 1) / rate);
      if (due > std::chrono::steady_clock::now()) {
        std::fflush(stdout);
        std::this_thread::sleep_until(due);
      }
    }
  }
  std::fflush(stdout);
  return 0;
}
