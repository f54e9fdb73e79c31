// libFuzzer entry point for the config loader: any bytes must give a Config or an
// InvalidArgument whose every line is "<source>:<line>:<column>: ...", never a crash,
// a hang, an exception or another status code. The seed corpus is config/examples/.
//
// Not part of the CMake build (libFuzzer needs Clang, and Clang 16 rejects libstdc++
// 12's <expected> unless told its concepts are complete). Build and run by hand from
// the source root:
//   clang++-16 -std=c++2b -O1 -g -fsanitize=fuzzer,address,undefined \
//     -Wno-builtin-macro-redefined -U__cpp_concepts -D__cpp_concepts=202002L -I. \
//     config/config.cc config/config_loader.cc config/units.cc core/status.cc \
//     tests/config/config_fuzzer.cc -lyaml-cpp -o /tmp/config_fuzzer
//   mkdir -p /tmp/config_corpus && cp config/examples/*.yaml /tmp/config_corpus/
//   /tmp/config_fuzzer -max_total_time=300 -rss_limit_mb=1024 -timeout=5 /tmp/config_corpus
// Inputs it found are kept as regression tests in config_loader_test.cc.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/config.h"
#include "config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sieve::Result<sieve::Config> config = sieve::ParseConfig(text, "fuzz.yaml");
  if (config.has_value()) {
    // A valid config must also hash and diff against itself without trouble.
    if (!sieve::DiffConfigs(*config, *config).empty()) std::abort();
    (void)sieve::ConfigHash(*config);
    return 0;
  }
  const sieve::Status& status = config.error();
  if (status.code() != sieve::StatusCode::kInvalidArgument) std::abort();
  std::string_view rest = status.message();
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    if (!line.starts_with("fuzz.yaml:")) std::abort();
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return 0;
}
