// Disk full: writes fail with kResourceExhausted, nothing partial is stored, prior
// versions stay readable, and the store writes again once space returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/store/feature_set_store.h"
#include "tests/connectors/store/disk_full_env.h"
#include "tests/connectors/store/store_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::sieve::testing::MakeChunk;
using ::sieve::testing::MakeVersion;
using ::sieve::testing::MatchesMakeVersion;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DiskFullTest : public ::testing::Test {
 protected:
  std::unique_ptr<FeatureSetStore> OpenStore() {
    StoreOptions options;
    options.env = disk_.env();
    auto store = FeatureSetStore::Open(dir_.File("db"), options);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  testing::TempDir dir_;
  testing::DiskFullEnv disk_;
};

TEST_F(DiskFullTest, WriteFailsPriorVersionsStayReadableAndStoreRecovers) {
  auto store = OpenStore();
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1), {.make_active = true}));
  ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(0, 10)));

  disk_.SetFull(true);
  EXPECT_STATUS(store->CommitVersion(MakeVersion("ctr", 2), {.make_active = true}),
                StatusCode::kResourceExhausted,
                ::testing::AllOf(HasSubstr("pipeline \"ctr\" version 2"), HasSubstr("No space")));
  EXPECT_GT(disk_.refused(), 0);
  // Still full: later writes fail too, without damaging anything.
  EXPECT_STATUS(store->AppendWindowChunk("ctr", MakeChunk(10, 10)), StatusCode::kResourceExhausted,
                HasSubstr("still cannot write"));
  EXPECT_STATUS(store->CommitVersion(MakeVersion("ctr", 2)), StatusCode::kResourceExhausted,
                HasSubstr("No space"));

  // Reads keep working while the disk is full.
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion active, store->GetVersion("ctr", VersionRef::Active()));
  EXPECT_EQ(active.version, 1u);
  EXPECT_TRUE(MatchesMakeVersion(active, 1));
  ASSERT_OK_AND_ASSIGN(uint64_t latest, store->LatestVersion("ctr"));
  EXPECT_EQ(latest, 1u);
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 100));
  EXPECT_EQ(w.num_rows, 10u);
  EXPECT_THAT(w.offsets, ElementsAre(PartitionOffset{"events", 0, 10}));

  // Space returns: the next write succeeds, numbered without a gap.
  disk_.SetFull(false);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v2,
                       store->CommitVersion(MakeVersion("ctr", 2), {.make_active = true}));
  EXPECT_EQ(v2.version, 2u);
  ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(10, 5)));
  ASSERT_OK_AND_ASSIGN(w, store->LoadWindow("ctr", 100));
  EXPECT_EQ(w.num_rows, 15u);
  EXPECT_THAT(w.offsets, ElementsAre(PartitionOffset{"events", 0, 15}));

  // And everything survives a reopen.
  store.reset();
  store = OpenStore();
  ASSERT_OK_AND_ASSIGN(HistoryPage page, store->History("ctr", {}));
  ASSERT_EQ(page.versions.size(), 2u);
  EXPECT_EQ(page.versions[0].version, 2u);
  EXPECT_TRUE(MatchesMakeVersion(page.versions[0], 2));
  EXPECT_TRUE(MatchesMakeVersion(page.versions[1], 1));
  ASSERT_OK_AND_ASSIGN(active, store->GetVersion("ctr", VersionRef::Active()));
  EXPECT_EQ(active.version, 2u);
}

TEST_F(DiskFullTest, FailedWriteLeavesNothingAfterRestart) {
  {
    auto store = OpenStore();
    ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1)));
    disk_.SetFull(true);
    EXPECT_STATUS(store->CommitVersion(MakeVersion("ctr", 2)), StatusCode::kResourceExhausted,
                  HasSubstr("No space"));
    // Closed while still full.
  }
  disk_.SetFull(false);
  auto store = OpenStore();
  ASSERT_OK_AND_ASSIGN(uint64_t latest, store->LatestVersion("ctr"));
  EXPECT_EQ(latest, 1u);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v2, store->CommitVersion(MakeVersion("ctr", 2)));
  EXPECT_EQ(v2.version, 2u);
}

TEST_F(DiskFullTest, StoreReopensWhenRocksDbCannotResume) {
  auto store = OpenStore();
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1), {.make_active = true}));
  disk_.SetFull(true);
  EXPECT_STATUS(store->CommitVersion(MakeVersion("ctr", 2)), StatusCode::kResourceExhausted,
                HasSubstr("No space"));
  // Small writes work again but table files still cannot be written: RocksDB's
  // resume (which flushes) fails, so the store reopens the database instead.
  disk_.SetFull(false);
  disk_.SetTablesOnlyFull(true);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v2, store->CommitVersion(MakeVersion("ctr", 2)));
  EXPECT_EQ(v2.version, 2u);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion active, store->GetVersion("ctr", VersionRef::Active()));
  EXPECT_EQ(active.version, 1u);
  disk_.SetTablesOnlyFull(false);
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 3)));
  store.reset();
  store = OpenStore();
  ASSERT_OK_AND_ASSIGN(HistoryPage page, store->History("ctr", {}));
  ASSERT_EQ(page.versions.size(), 3u);
  for (const auto& v : page.versions) EXPECT_TRUE(MatchesMakeVersion(v, v.version));
}

}  // namespace
}  // namespace sieve
