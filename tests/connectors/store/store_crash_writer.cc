// Test helper for crash_test.cc: opens the store given as argv[1] and, until it is
// killed, alternately commits a version and appends a window chunk the way the
// pipeline does (resuming the window from the stored offsets), now and then
// rolling back to the previous version and trimming the window. After each acknowledged write it
// prints one line:
//   "V <version>"          a version was committed (its content seed = its number,
//                          or, for a rollback, the content of its parent)
//   "C <next_offset>"      a chunk was appended; rows now end at next_offset
// With a second argument N it stops after N rounds (exit 0), to build a small
// store for other tests. Exit code 2 on any store error.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "connectors/store/feature_set_store.h"
#include "tests/connectors/store/store_test_util.h"

namespace {

void Ack(const std::string& line) {
  std::string out = line + "\n";
  // One write(2) per line so the reader never sees a torn ack.
  if (write(STDOUT_FILENO, out.data(), out.size()) != static_cast<ssize_t>(out.size())) _exit(3);
}

int Fail(const sieve::Status& s) {
  std::fprintf(stderr, "store_crash_writer: %s\n", s.ToString().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: store_crash_writer DB_PATH [ROUNDS]\n");
    return 1;
  }
  const uint64_t rounds = argc == 3 ? std::stoull(argv[2]) : UINT64_MAX;
  sieve::StoreOptions options;
  options.sync = false;  // the test kills the process, not the machine
  auto store = sieve::FeatureSetStore::Open(argv[1], options);
  if (!store) return Fail(store.error());
  auto& s = **store;
  for (uint64_t i = 0; i < rounds; ++i) {
    auto offsets = s.LoadOffsets("ctr");
    if (!offsets) return Fail(offsets.error());
    int64_t next_row = offsets->empty() ? 0 : offsets->front().next_offset;

    auto latest = s.LatestVersion("ctr");
    if (!latest) return Fail(latest.error());
    sieve::FeatureSetVersion v = sieve::testing::MakeVersion("ctr", *latest + 1);
    v.window_offsets = *offsets;
    auto committed = s.CommitVersion(v, {.make_active = (*latest + 1) % 3 == 0});
    if (!committed) return Fail(committed.error());
    Ack("V " + std::to_string(committed->version));

    uint32_t rows = 1 + static_cast<uint32_t>((i * 7 + *latest) % 40);
    auto chunk = sieve::testing::MakeChunk(static_cast<uint64_t>(next_row), rows, 8, 2);
    auto seq = s.AppendWindowChunk("ctr", chunk);
    if (!seq) return Fail(seq.error());
    Ack("C " + std::to_string(next_row + rows));

    if (i % 4 == 3) {
      // A rollback: a new version copying the previous one, made active, in one batch.
      auto rolled = s.Rollback("ctr", committed->version - 1, "crash test");
      if (!rolled) return Fail(rolled.error());
      Ack("V " + std::to_string(rolled->version));
    }

    if (i % 5 == 4) {
      auto trimmed = s.TrimWindow("ctr", 100);
      if (!trimmed) return Fail(trimmed.error());
    }
  }
  return 0;
}
