// Readers in another process: a follower (the way `sievectl store inspect` reads)
// catching up while a writer process commits versions and window chunks always
// sees whole versions, numbered without gaps, and a window that ends exactly at
// its stored offsets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "connectors/store/store_admin.h"
#include "tests/connectors/store/store_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

// Kills and reaps the writer process when the test ends, even on a failed
// assertion (which returns early).
class WriterGuard {
 public:
  WriterGuard(pid_t pid, FILE* in) : pid_(pid), in_(in) {}
  ~WriterGuard() { Stop(); }
  // Kills the writer (once) and returns its wait status.
  int Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      std::fclose(in_);
      waitpid(pid_, &status_, 0);
      pid_ = 0;
    }
    return status_;
  }

 private:
  pid_t pid_;
  FILE* in_;
  int status_ = 0;
};

TEST(FollowerTest, SeesOnlyCompleteVersionsWhileAnotherProcessWrites) {
  testing::TempDir dir;
  const std::string db = dir.File("db");
  const testing::PipedChild writer = testing::StartWithPipedStdout(SIEVE_STORE_CRASH_WRITER, db);
  ASSERT_GT(writer.pid, 0);
  const pid_t pid = writer.pid;
  FILE* in = writer.out;
  char line[128];
  WriterGuard guard(pid, in);  // stops the writer however the test ends

  std::unique_ptr<StoreFollower> follower;
  uint64_t acked_version = 0;
  int checks = 0;
  for (int ack = 0; ack < 80 && std::fgets(line, sizeof(line), in) != nullptr; ++ack) {
    unsigned long long v = 0;
    if (std::sscanf(line, "V %llu", &v) == 1) acked_version = v;
    if (!follower) {
      auto opened = StoreFollower::Open(db);
      ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
      follower = std::move(*opened);
    }
    FeatureSetStore& store = follower->store();
    ASSERT_OK(store.Refresh());
    // The writer keeps going while we read: what we see must be whole.
    ASSERT_OK_AND_ASSIGN(HistoryPage page, store.History("ctr", {.before = 0, .limit = 8}));
    ASSERT_TRUE(page.unreadable.empty()) << page.unreadable.front().error.ToString();
    ASSERT_FALSE(page.versions.empty());
    ASSERT_GE(page.versions.front().version, acked_version);
    uint64_t expected = page.versions.front().version;
    for (const FeatureSetVersion& version : page.versions) {
      ASSERT_EQ(version.version, expected--);
      if (version.reason.starts_with("rollback to v")) {
        ASSERT_EQ(version.state, FeatureSetState::kActive);
        continue;  // a copy of its parent (crash_test checks the content)
      }
      FeatureSetVersion content = version;
      content.window_offsets = testing::MakeVersion("ctr", version.version).window_offsets;
      ASSERT_TRUE(testing::MatchesMakeVersion(content, version.version)) << version.version;
    }
    ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store.LoadWindow("ctr", 1 << 20));
    const int64_t end = w.offsets.empty() ? 0 : w.offsets.front().next_offset;
    for (size_t r = 0; r < w.num_rows; ++r) {
      const auto row = static_cast<uint64_t>(end - static_cast<int64_t>(w.num_rows - r));
      ASSERT_EQ(w.floats[r * 8], testing::CellValue(row, 0)) << "row " << r;
    }
    ++checks;
  }
  EXPECT_EQ(checks, 80);
  EXPECT_TRUE(WIFSIGNALED(guard.Stop())) << "the writer stopped by itself";
}

}  // namespace
}  // namespace sieve
