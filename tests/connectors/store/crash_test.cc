// Crash safety: a writer process is SIGKILLed at a random moment, 50 times, on the
// same store. After each kill the store must hold every acknowledged version
// intact, no partial version, numbering without gap or duplicate, and a window
// whose rows end exactly at the stored offsets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

#include "connectors/store/rocks_feature_set_store.h"
#include "tests/connectors/store/store_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

struct Acked {
  uint64_t version = 0;    // highest acknowledged version
  int64_t window_end = 0;  // rows end offset of the last acknowledged chunk
};

// Starts the writer on `db`, lets it acknowledge `acks` writes, waits a random
// number of spins more so the kill lands anywhere inside a write, then SIGKILLs it.
// Returns what was acknowledged before the kill.
Acked RunAndKill(const std::string& db, int acks, int spins, Acked acked) {
  const testing::PipedChild writer = testing::StartWithPipedStdout(SIEVE_STORE_CRASH_WRITER, db);
  if (writer.pid <= 0) {
    ADD_FAILURE() << "cannot start " << SIEVE_STORE_CRASH_WRITER;
    return acked;
  }
  const pid_t pid = writer.pid;
  FILE* in = writer.out;
  char line[128];
  auto read_ack = [&] {
    unsigned long long v = 0;
    long long end = 0;
    if (std::sscanf(line, "V %llu", &v) == 1) acked.version = v;
    if (std::sscanf(line, "C %lld", &end) == 1) acked.window_end = end;
  };
  int seen = 0;
  while (seen < acks && std::fgets(line, sizeof(line), in) != nullptr) {
    read_ack();
    ++seen;
  }
  volatile unsigned sink = 0;
  for (int i = 0; i < spins; ++i) sink = sink + static_cast<unsigned>(i);
  kill(pid, SIGKILL);
  // Acks written before the kill landed are still in the pipe: they count too.
  while (std::fgets(line, sizeof(line), in) != nullptr) read_ack();
  std::fclose(in);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "writer exited by itself with status " << WEXITSTATUS(status);
  return acked;
}

void CheckStore(const std::string& db, const Acked& acked, int round) {
  SCOPED_TRACE("round " + std::to_string(round));
  StoreOptions options;
  options.sync = false;
  ASSERT_OK_AND_ASSIGN(auto store, RocksFeatureSetStore::OpenRocks(db, options));

  // Every acknowledged version exists; at most one unacknowledged one follows.
  ASSERT_OK_AND_ASSIGN(uint64_t latest, store->LatestVersion("ctr"));
  ASSERT_GE(latest, acked.version);
  ASSERT_LE(latest, acked.version + 1);

  // Numbering 1..latest with no gap or duplicate; every record whole.
  uint64_t expected = latest;
  HistoryQuery q{.before = 0, .limit = 64};
  while (true) {
    ASSERT_OK_AND_ASSIGN(HistoryPage page, store->History("ctr", q));
    ASSERT_TRUE(page.unreadable.empty()) << page.unreadable.front().error.ToString();
    for (const FeatureSetVersion& v : page.versions) {
      ASSERT_EQ(v.version, expected);
      ASSERT_LE(v.window_offsets.size(), 1u);
      if (v.reason.starts_with("rollback to v")) {
        // A rollback copies its parent's selection and is active.
        ASSERT_EQ(v.reason, "rollback to v" + std::to_string(v.parent) + ": crash test");
        ASSERT_EQ(v.state, FeatureSetState::kActive);
        ASSERT_OK_AND_ASSIGN(FeatureSetVersion parent,
                             store->GetVersion("ctr", VersionRef::Number(v.parent)));
        ASSERT_EQ(v.features, parent.features) << "version " << v.version;
        ASSERT_EQ(v.budgets, parent.budgets) << "version " << v.version;
      } else {
        // The writer replaced the offsets with the window position at the time.
        FeatureSetVersion content = v;
        content.window_offsets = testing::MakeVersion("ctr", v.version).window_offsets;
        ASSERT_TRUE(testing::MatchesMakeVersion(content, v.version)) << "version " << v.version;
      }
      --expected;
    }
    if (page.next_before == 0) break;
    q.before = page.next_before;
  }
  ASSERT_EQ(expected, 0u);

  ASSERT_OK_AND_ASSIGN(Aliases aliases, store->GetAliases("ctr"));
  if (aliases.active) {
    // The alias moved in the same batch as an active version: it names one.
    ASSERT_LE(*aliases.active, latest);
    ASSERT_OK_AND_ASSIGN(FeatureSetVersion active,
                         store->GetVersion("ctr", VersionRef::Number(*aliases.active)));
    ASSERT_EQ(active.state, FeatureSetState::kActive);
  }

  // Window rows are consecutive and end exactly at the stored offset.
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 1 << 20));
  if (acked.window_end > 0) ASSERT_EQ(w.offsets.size(), 1u);
  int64_t end = w.offsets.empty() ? 0 : w.offsets.front().next_offset;
  ASSERT_GE(end, acked.window_end);
  ASSERT_EQ(w.float_columns.size(), w.num_rows > 0 ? 8u : 0u);
  for (size_t r = 0; r < w.num_rows; ++r) {
    const int64_t row = end - static_cast<int64_t>(w.num_rows) + static_cast<int64_t>(r);
    ASSERT_EQ(w.floats[r * 8], testing::CellValue(static_cast<uint64_t>(row), 0)) << "row " << r;
  }

  ASSERT_OK_AND_ASSIGN(std::vector<Status> problems, store->Verify());
  ASSERT_TRUE(problems.empty()) << problems.front().ToString();
}

TEST(CrashTest, KilledWriterLeavesACompleteConsistentStore) {
  testing::TempDir dir;
  const std::string db = dir.File("db");
  std::mt19937 rng(20240607);
  Acked acked;
  for (int round = 0; round < 50; ++round) {
    int acks = static_cast<int>(rng() % 16);
    int spins = static_cast<int>(rng() % 300000);
    acked = RunAndKill(db, acks, spins, acked);
    CheckStore(db, acked, round);
    if (::testing::Test::HasFatalFailure()) return;
  }
  // The writer made progress across the rounds.
  EXPECT_GT(acked.version, 50u);
}

}  // namespace
}  // namespace sieve
