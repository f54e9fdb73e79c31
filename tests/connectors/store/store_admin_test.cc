// Backup, restore, verify and inspect of a store directory.
#include "connectors/store/store_admin.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <map>

#include "connectors/store/store_keys.h"
#include "connectors/store/version_json.h"
#include "tests/connectors/store/store_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::sieve::testing::MakeChunk;
using ::sieve::testing::MakeVersion;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Every (column family, key) -> value of a store directory, read raw.
std::map<std::pair<std::string, std::string>, std::string> DumpRaw(const std::string& path) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, cfs, &handles, &raw).ok());
  if (raw == nullptr) return out;
  std::unique_ptr<rocksdb::DB> db(raw);
  for (size_t i = 0; i < handles.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out[{names[i], it->key().ToString()}] = it->value().ToString();
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  return out;
}

class StoreAdminTest : public ::testing::Test {
 protected:
  void Populate() {
    StoreOptions o;
    o.sync = false;
    ASSERT_OK_AND_ASSIGN(auto store, FeatureSetStore::Open(db(), o));
    for (uint64_t i = 1; i <= 5; ++i) {
      ASSERT_OK(store->CommitVersion(MakeVersion("ctr", i), {.make_active = i % 2 == 1}));
    }
    ASSERT_OK(store->CommitVersion(MakeVersion("fraud", 1), {.make_candidate = true}));
    for (uint64_t i = 0; i < 4; ++i)
      ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(i * 50, 50)));
  }
  std::string db() const { return dir_.File("db"); }

  testing::TempDir dir_;
};

TEST_F(StoreAdminTest, BackupThenRestoreReproducesTheStoreByteForByte) {
  Populate();
  ASSERT_OK_AND_ASSIGN(uint32_t id, BackupStore(db(), dir_.File("backups")));
  EXPECT_EQ(id, 1u);
  ASSERT_OK(RestoreStore(dir_.File("backups"), dir_.File("restored")));
  auto original = DumpRaw(db());
  auto restored = DumpRaw(dir_.File("restored"));
  EXPECT_GT(original.size(), 10u);
  EXPECT_TRUE(original == restored);

  // The restored store works as a store.
  ASSERT_OK_AND_ASSIGN(auto store, FeatureSetStore::Open(dir_.File("restored")));
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion active, store->GetVersion("ctr", VersionRef::Active()));
  EXPECT_EQ(active.version, 5u);
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 1000));
  EXPECT_EQ(w.num_rows, 200u);
}

TEST_F(StoreAdminTest, RestoreRefusesToOverwriteUnlessAsked) {
  Populate();
  ASSERT_OK(BackupStore(db(), dir_.File("backups")));
  {
    // Diverge after the backup.
    ASSERT_OK_AND_ASSIGN(auto store, FeatureSetStore::Open(db()));
    ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 6)));
  }
  EXPECT_STATUS(RestoreStore(dir_.File("backups"), db()), StatusCode::kAlreadyExists,
                HasSubstr("--force"));
  EXPECT_STATUS(RestoreStore(dir_.File("backups"), db(), {.backup_id = 7, .overwrite = true}),
                StatusCode::kNotFound, HasSubstr("backup 7"));
  ASSERT_OK(RestoreStore(dir_.File("backups"), db(), {.backup_id = 1, .overwrite = true}));
  ASSERT_OK_AND_ASSIGN(auto store, FeatureSetStore::Open(db()));
  ASSERT_OK_AND_ASSIGN(uint64_t latest, store->LatestVersion("ctr"));
  EXPECT_EQ(latest, 5u);
}

TEST_F(StoreAdminTest, BackupsAreIncrementalAndVerify) {
  Populate();
  ASSERT_OK(BackupStore(db(), dir_.File("backups")));
  {
    ASSERT_OK_AND_ASSIGN(auto store, FeatureSetStore::Open(db()));
    ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 6)));
  }
  ASSERT_OK_AND_ASSIGN(uint32_t second, BackupStore(db(), dir_.File("backups")));
  EXPECT_EQ(second, 2u);
  ASSERT_OK_AND_ASSIGN(auto checks, VerifyBackups(dir_.File("backups")));
  ASSERT_EQ(checks.size(), 2u);
  for (const auto& c : checks) EXPECT_OK(c.status);
  EXPECT_STATUS(VerifyBackups(dir_.File("nope")), StatusCode::kNotFound, HasSubstr("nope"));
}

TEST_F(StoreAdminTest, BackupOfAStoreInUseIsUnavailable) {
  Populate();
  ASSERT_OK_AND_ASSIGN(auto owner, FeatureSetStore::Open(db()));
  EXPECT_STATUS(BackupStore(db(), dir_.File("backups")), StatusCode::kUnavailable,
                HasSubstr("in use"));
  // The owner itself can back up.
  ASSERT_OK_AND_ASSIGN(uint32_t id, owner->Backup(dir_.File("backups")));
  EXPECT_EQ(id, 1u);
}

TEST_F(StoreAdminTest, InspectAndVerifyWorkWhileTheOwnerRuns) {
  Populate();
  ASSERT_OK_AND_ASSIGN(auto owner, FeatureSetStore::Open(db()));
  ASSERT_OK(owner->CommitVersion(MakeVersion("ctr", 6)));
  ASSERT_OK_AND_ASSIGN(auto pipelines, InspectStore(db()));
  ASSERT_EQ(pipelines.size(), 2u);
  EXPECT_EQ(pipelines[0].name, "ctr");
  EXPECT_EQ(pipelines[0].latest_version, 6u);
  EXPECT_EQ(pipelines[0].aliases.active, 5u);
  EXPECT_EQ(pipelines[0].window_chunks, 4u);
  EXPECT_EQ(pipelines[0].window_rows, 200u);
  EXPECT_THAT(pipelines[0].offsets, ElementsAre(PartitionOffset{"events", 0, 200}));
  EXPECT_EQ(pipelines[1].name, "fraud");
  EXPECT_EQ(pipelines[1].aliases.candidate, 1u);
  ASSERT_OK_AND_ASSIGN(auto problems, VerifyStore(db()));
  EXPECT_THAT(problems, IsEmpty());
}

TEST_F(StoreAdminTest, VerifyReportsDamagedRecordsGapsAndDanglingAliases) {
  Populate();
  namespace keys = store_keys;
  ASSERT_OK(testing::RawPut(db(), "versions", keys::VersionKey("ctr", 3), "garbage"));
  FeatureSetVersion v9 = MakeVersion("ctr", 9);
  v9.version = 9;
  ASSERT_OK(testing::RawPut(db(), "versions", keys::VersionKey("ctr", 9), EncodeVersionJson(v9)));
  ASSERT_OK(testing::RawPut(db(), "aliases", keys::AliasKey("fraud", "active"),
                            keys::EncodeAliasValue(4)));
  ASSERT_OK_AND_ASSIGN(auto problems, VerifyStore(db()));
  std::vector<std::string> messages;
  for (const auto& p : problems) messages.push_back(p.ToString());
  EXPECT_THAT(messages,
              ::testing::UnorderedElementsAre(
                  HasSubstr("pipeline \"ctr\" version 3"), HasSubstr("version 9 follows 5 (gap)"),
                  HasSubstr("alias active points at missing version 4")));
}

TEST_F(StoreAdminTest, VerifyAndLoadReportAWindowIndexWithoutItsChunk) {
  Populate();
  namespace keys = store_keys;
  ASSERT_OK(testing::RawPut(
      db(), "window", keys::WindowKey("ctr", 'i', 9),
      keys::EncodeChunkIndex({50, WindowLayoutFingerprint({"x0", "x1", "x2"}, {"cat0"})})));
  ASSERT_OK_AND_ASSIGN(auto problems, VerifyStore(db()));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].ToString(), HasSubstr("pipeline \"ctr\" window chunk 9"));
  ASSERT_OK_AND_ASSIGN(auto store, FeatureSetStore::Open(db()));
  EXPECT_STATUS(store->LoadWindow("ctr", 1000), StatusCode::kCorruption,
                HasSubstr("pipeline \"ctr\" window chunk"));
  // Versions are unaffected.
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion active, store->GetVersion("ctr", VersionRef::Active()));
  EXPECT_EQ(active.version, 5u);
}

TEST_F(StoreAdminTest, InspectOfAMissingStoreIsNotFound) {
  EXPECT_STATUS(InspectStore(dir_.File("none")), StatusCode::kNotFound, HasSubstr("no store at"));
  EXPECT_STATUS(BackupStore(dir_.File("none"), dir_.File("b")), StatusCode::kNotFound,
                HasSubstr("no store at"));
}

}  // namespace
}  // namespace sieve
