#include "connectors/store/rocks_feature_set_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "connectors/store/store_keys.h"
#include "tests/connectors/store/store_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::sieve::testing::MakeChunk;
using ::sieve::testing::MakeVersion;
using ::sieve::testing::MatchesMakeVersion;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class StoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<FeatureSetStore> OpenStore(StoreOptions options = {}) {
    options.sync = false;  // a process crash loses nothing either way; keeps tests fast
    if (!options.now_unix_ms) options.now_unix_ms = [] { return int64_t{42}; };
    auto store = FeatureSetStore::Open(dir_.File("db"), options);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  sieve::testing::TempDir dir_;
};

TEST_F(StoreTest, VersionsAreNumberedPerPipelineAndReadBack) {
  auto store = OpenStore();
  for (uint64_t i = 1; i <= 3; ++i) {
    ASSERT_OK_AND_ASSIGN(FeatureSetVersion v, store->CommitVersion(MakeVersion("ctr", i)));
    EXPECT_EQ(v.version, i);
  }
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion other, store->CommitVersion(MakeVersion("fraud", 9)));
  EXPECT_EQ(other.version, 1u);

  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v2, store->GetVersion("ctr", VersionRef::Number(2)));
  EXPECT_EQ(v2.version, 2u);
  EXPECT_TRUE(MatchesMakeVersion(v2, 2));
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion latest, store->GetVersion("ctr", VersionRef::Latest()));
  EXPECT_EQ(latest.version, 3u);
  ASSERT_OK_AND_ASSIGN(uint64_t n, store->LatestVersion("ctr"));
  EXPECT_EQ(n, 3u);
  ASSERT_OK_AND_ASSIGN(uint64_t none, store->LatestVersion("nobody"));
  EXPECT_EQ(none, 0u);
  ASSERT_OK_AND_ASSIGN(auto pipelines, store->ListPipelines());
  EXPECT_THAT(pipelines, ElementsAre("ctr", "fraud"));
}

TEST_F(StoreTest, VersionsSurviveReopen) {
  {
    auto store = OpenStore();
    ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1), {.make_active = true}));
    ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 2), {.make_candidate = true}));
  }
  auto store = OpenStore();
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion active, store->GetVersion("ctr", VersionRef::Active()));
  EXPECT_EQ(active.version, 1u);
  EXPECT_TRUE(MatchesMakeVersion(active, 1));
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion candidate,
                       store->GetVersion("ctr", VersionRef::Candidate()));
  EXPECT_EQ(candidate.version, 2u);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v3, store->CommitVersion(MakeVersion("ctr", 3)));
  EXPECT_EQ(v3.version, 3u);
}

TEST_F(StoreTest, MissingVersionsAndAliasesAreNotFoundWithContext) {
  auto store = OpenStore();
  EXPECT_STATUS(store->GetVersion("ctr", VersionRef::Latest()), StatusCode::kNotFound,
                HasSubstr("pipeline \"ctr\" has no versions"));
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1)));
  EXPECT_STATUS(store->GetVersion("ctr", VersionRef::Number(7)), StatusCode::kNotFound,
                HasSubstr("pipeline \"ctr\" version 7 does not exist"));
  EXPECT_STATUS(store->GetVersion("ctr", VersionRef::Active()), StatusCode::kNotFound,
                HasSubstr("no active version"));
}

TEST_F(StoreTest, ExplicitNumberMustBeTheNextOne) {
  auto store = OpenStore();
  FeatureSetVersion v = MakeVersion("ctr", 1);
  v.version = 1;
  ASSERT_OK(store->CommitVersion(v));
  EXPECT_STATUS(store->CommitVersion(v), StatusCode::kFailedPrecondition,
                HasSubstr("cannot store version 1, the next version is 2"));
  ASSERT_OK_AND_ASSIGN(uint64_t n, store->LatestVersion("ctr"));
  EXPECT_EQ(n, 1u);
}

TEST_F(StoreTest, MalformedVersionIsRejectedNamingTheFieldAndNothingIsStored) {
  auto store = OpenStore();
  FeatureSetVersion v = MakeVersion("ctr", 3);
  v.features[1].name = v.features[0].name;
  EXPECT_STATUS(store->CommitVersion(v), StatusCode::kInvalidArgument,
                HasSubstr("features[1].name"));
  FeatureSetVersion bad_name = MakeVersion("c\ntr", 1);
  EXPECT_STATUS(store->CommitVersion(bad_name), StatusCode::kInvalidArgument,
                HasSubstr("control character"));
  FeatureSetVersion bad_text = MakeVersion("ctr", 3);
  bad_text.hyperparameters["note"] = "caf\xe9";  // Latin-1, not UTF-8
  EXPECT_STATUS(store->CommitVersion(bad_text), StatusCode::kInvalidArgument,
                HasSubstr("hyperparameters.note: not valid UTF-8"));
  ASSERT_OK_AND_ASSIGN(uint64_t n, store->LatestVersion("ctr"));
  EXPECT_EQ(n, 0u);
  // The store still works.
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1)));
}

TEST_F(StoreTest, OverBudgetVersionCannotBecomeActive) {
  auto store = OpenStore();
  FeatureSetVersion v = MakeVersion("ctr", 2);
  v.budgets["latency_us"] = {1.0, 5.0};
  EXPECT_STATUS(store->CommitVersion(v, {.make_active = true}), StatusCode::kFailedPrecondition,
                AllOf(HasSubstr("budget latency_us"), HasSubstr("version 1")));
  // Stored as a rejected candidate it is fine, but promotion is refused.
  v.state = FeatureSetState::kRejected;
  ASSERT_OK(store->CommitVersion(v));
  EXPECT_STATUS(store->Promote("ctr", 1), StatusCode::kFailedPrecondition, HasSubstr("latency_us"));
  ASSERT_OK_AND_ASSIGN(Aliases aliases, store->GetAliases("ctr"));
  EXPECT_FALSE(aliases.active.has_value());
}

TEST_F(StoreTest, StateAgreesWithTheAliasGivenAtCommit) {
  auto store = OpenStore();
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v1,
                       store->CommitVersion(MakeVersion("ctr", 1), {.make_active = true}));
  EXPECT_EQ(v1.state, FeatureSetState::kActive);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion stored, store->GetVersion("ctr", VersionRef::Number(1)));
  EXPECT_EQ(stored.state, FeatureSetState::kActive);
  FeatureSetVersion rejected = MakeVersion("ctr", 2);
  rejected.state = FeatureSetState::kRejected;
  EXPECT_STATUS(store->CommitVersion(rejected, {.make_active = true}), StatusCode::kInvalidArgument,
                HasSubstr("rejected version cannot be made active"));
  EXPECT_STATUS(store->CommitVersion(rejected, {.make_candidate = true}),
                StatusCode::kInvalidArgument, HasSubstr("state is rejected"));
  ASSERT_OK_AND_ASSIGN(uint64_t latest, store->LatestVersion("ctr"));
  EXPECT_EQ(latest, 1u);
}

TEST_F(StoreTest, PromoteMovesActiveAndClearsMatchingCandidate) {
  auto store = OpenStore();
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1), {.make_active = true}));
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 2), {.make_candidate = true}));
  ASSERT_OK(store->Promote("ctr", 2));
  ASSERT_OK_AND_ASSIGN(Aliases aliases, store->GetAliases("ctr"));
  EXPECT_EQ(aliases.active, 2u);
  EXPECT_FALSE(aliases.candidate.has_value());
  EXPECT_STATUS(store->Promote("ctr", 5), StatusCode::kNotFound, HasSubstr("version 5"));
  ASSERT_OK(store->ClearAlias("ctr", Alias::kActive));
  ASSERT_OK_AND_ASSIGN(aliases, store->GetAliases("ctr"));
  EXPECT_FALSE(aliases.active.has_value());
}

TEST_F(StoreTest, JaccardToPreviousActiveIsFilledWhenLeftEmpty) {
  auto store = OpenStore();
  FeatureSetVersion a = MakeVersion("ctr", 1);
  a.features = {a.features[0]};
  a.features[0].name = "x";
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion first, store->CommitVersion(a, {.make_active = true}));
  EXPECT_FALSE(first.jaccard_to_previous_active.has_value());
  FeatureSetVersion b = a;
  b.features.push_back(a.features[0]);
  b.features[1].name = "y";
  b.features[1].rank = 2;
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion second, store->CommitVersion(b));
  ASSERT_TRUE(second.jaccard_to_previous_active.has_value());
  EXPECT_DOUBLE_EQ(*second.jaccard_to_previous_active, 0.5);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion stored, store->GetVersion("ctr", VersionRef::Number(2)));
  EXPECT_EQ(stored.jaccard_to_previous_active, 0.5);
}

TEST_F(StoreTest, RollbackCreatesANewActiveVersionCopyingTheTarget) {
  auto store = OpenStore();
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1), {.make_active = true}));
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 2), {.make_active = true}));
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion r, store->Rollback("ctr", 1, "v2 hurt latency"));
  EXPECT_EQ(r.version, 3u);
  EXPECT_EQ(r.parent, 1u);
  EXPECT_EQ(r.state, FeatureSetState::kActive);
  EXPECT_EQ(r.reason, "rollback to v1: v2 hurt latency");
  EXPECT_EQ(r.created_at_unix_ms, 42);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion original, store->GetVersion("ctr", VersionRef::Number(1)));
  EXPECT_EQ(r.features, original.features);
  EXPECT_EQ(r.budgets, original.budgets);
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion active, store->GetVersion("ctr", VersionRef::Active()));
  EXPECT_EQ(active.version, 3u);
  // History is not rewritten: v2 is still there.
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v2, store->GetVersion("ctr", VersionRef::Number(2)));
  EXPECT_TRUE(MatchesMakeVersion(v2, 2));
  EXPECT_STATUS(store->Rollback("ctr", 9, "x"), StatusCode::kNotFound, HasSubstr("version 9"));
}

TEST_F(StoreTest, HistoryPagesNewestFirst) {
  auto store = OpenStore();
  for (uint64_t i = 1; i <= 7; ++i) ASSERT_OK(store->CommitVersion(MakeVersion("ctr", i)));
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr2", 1)));  // a neighbouring prefix
  std::vector<uint64_t> seen;
  HistoryQuery q{.before = 0, .limit = 3};
  int pages = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(HistoryPage page, store->History("ctr", q));
    ++pages;
    EXPECT_THAT(page.unreadable, IsEmpty());
    for (const auto& v : page.versions) seen.push_back(v.version);
    if (page.next_before == 0) break;
    q.before = page.next_before;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre(7, 6, 5, 4, 3, 2, 1));
  EXPECT_STATUS(store->History("ctr", {.before = 0, .limit = 0}), StatusCode::kInvalidArgument,
                HasSubstr("limit"));
}

TEST_F(StoreTest, DiffResolvesReferences) {
  auto store = OpenStore();
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1), {.make_active = true}));
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 2)));
  ASSERT_OK_AND_ASSIGN(FeatureSetDiff d,
                       store->Diff("ctr", VersionRef::Active(), VersionRef::Latest()));
  EXPECT_EQ(d.from_version, 1u);
  EXPECT_EQ(d.to_version, 2u);
  EXPECT_THAT(d.added, ElementsAre("f2_0", "f2_1", "f2_2"));
  EXPECT_THAT(d.removed, ElementsAre("f1_0", "f1_1"));
  EXPECT_DOUBLE_EQ(d.jaccard, 0.0);
}

TEST_F(StoreTest, VersionRefParses) {
  ASSERT_OK_AND_ASSIGN(VersionRef r, VersionRef::Parse("12"));
  EXPECT_EQ(r.kind, VersionRef::Kind::kNumber);
  EXPECT_EQ(r.number, 12u);
  ASSERT_OK_AND_ASSIGN(r, VersionRef::Parse("active"));
  EXPECT_EQ(r.kind, VersionRef::Kind::kActive);
  EXPECT_EQ(r.ToString(), "active");
  EXPECT_STATUS(VersionRef::Parse("0"), StatusCode::kInvalidArgument, HasSubstr("\"0\""));
  EXPECT_STATUS(VersionRef::Parse("v3"), StatusCode::kInvalidArgument, HasSubstr("\"v3\""));
}

TEST_F(StoreTest, CorruptedVersionIsReportedAndTheRestStaysReadable) {
  {
    auto store = OpenStore();
    for (uint64_t i = 1; i <= 4; ++i) ASSERT_OK(store->CommitVersion(MakeVersion("ctr", i)));
  }
  ASSERT_OK(
      sieve::testing::RawPut(dir_.File("db"), "versions", store_keys::VersionKey("ctr", 2),
                             "{\"schema_version\":1,\"pipeline\":\"ctr\",\"vers\xff\x00garbage"));
  ASSERT_OK(sieve::testing::RawPut(dir_.File("db"), "versions", store_keys::VersionKey("ctr", 3),
                                   "{\"schema_version\":1,\"pipeline\":\"ctr\",\"version\":3}"));
  auto store = OpenStore();
  EXPECT_STATUS(store->GetVersion("ctr", VersionRef::Number(2)), StatusCode::kCorruption,
                HasSubstr("pipeline \"ctr\" version 2"));
  EXPECT_STATUS(store->GetVersion("ctr", VersionRef::Number(3)), StatusCode::kCorruption,
                AllOf(HasSubstr("pipeline \"ctr\" version 3"), HasSubstr("\"parent\": missing")));
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v1, store->GetVersion("ctr", VersionRef::Number(1)));
  EXPECT_TRUE(MatchesMakeVersion(v1, 1));
  ASSERT_OK_AND_ASSIGN(HistoryPage page, store->History("ctr", {}));
  ASSERT_EQ(page.versions.size(), 2u);
  EXPECT_EQ(page.versions[0].version, 4u);
  EXPECT_EQ(page.versions[1].version, 1u);
  ASSERT_EQ(page.unreadable.size(), 2u);
  EXPECT_EQ(page.unreadable[0].version, 3u);
  EXPECT_EQ(page.unreadable[1].version, 2u);
  // New versions can still be written after the damage.
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v5, store->CommitVersion(MakeVersion("ctr", 5)));
  EXPECT_EQ(v5.version, 5u);
}

TEST_F(StoreTest, RecordOfANewerSchemaIsRefusedClearly) {
  { OpenStore(); }
  ASSERT_OK(sieve::testing::RawPut(dir_.File("db"), "versions", store_keys::VersionKey("ctr", 1),
                                   "{\"schema_version\":7,\"pipeline\":\"ctr\",\"version\":1}"));
  auto store = OpenStore();
  EXPECT_STATUS(
      store->GetVersion("ctr", VersionRef::Latest()), StatusCode::kFailedPrecondition,
      AllOf(HasSubstr("pipeline \"ctr\" version 1"), HasSubstr("newer schema_version 7")));
}

TEST_F(StoreTest, StoreOfANewerFormatIsRefusedAtOpen) {
  { OpenStore(); }
  ASSERT_OK(sieve::testing::RawPut(dir_.File("db"), "meta", "store_format", "9"));
  auto store = FeatureSetStore::Open(dir_.File("db"));
  EXPECT_STATUS(store, StatusCode::kFailedPrecondition, HasSubstr("newer store format 9"));
}

TEST_F(StoreTest, SecondOwnerIsRefusedWhileTheFirstHoldsTheStore) {
  auto store = OpenStore();
  auto second = FeatureSetStore::Open(dir_.File("db"));
  EXPECT_STATUS(second, StatusCode::kUnavailable, HasSubstr("in use by another process"));
}

TEST_F(StoreTest, MissingStoreIsNotFoundWhenNotCreating) {
  StoreOptions o;
  o.create_if_missing = false;
  EXPECT_STATUS(FeatureSetStore::Open(dir_.File("nothing"), o), StatusCode::kNotFound,
                HasSubstr("no store at"));
}

TEST_F(StoreTest, SecondaryFollowsTheOwnerAndRefusesWrites) {
  auto owner = OpenStore();
  ASSERT_OK(owner->CommitVersion(MakeVersion("ctr", 1), {.make_active = true}));
  StoreOptions o;
  o.mode = StoreMode::kSecondary;
  o.secondary_path = dir_.File("follower");
  ASSERT_OK_AND_ASSIGN(auto follower, FeatureSetStore::Open(dir_.File("db"), o));
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v, follower->GetVersion("ctr", VersionRef::Active()));
  EXPECT_EQ(v.version, 1u);
  ASSERT_OK(owner->CommitVersion(MakeVersion("ctr", 2)));
  ASSERT_OK(follower->Refresh());
  ASSERT_OK_AND_ASSIGN(uint64_t latest, follower->LatestVersion("ctr"));
  EXPECT_EQ(latest, 2u);
  EXPECT_STATUS(follower->CommitVersion(MakeVersion("ctr", 3)), StatusCode::kFailedPrecondition,
                HasSubstr("read-only"));
}

TEST_F(StoreTest, ReadersDuringWritesSeeOnlyCompleteVersions) {
  auto store = OpenStore();
  constexpr uint64_t kVersions = 150;
  std::atomic<bool> done{false};
  std::atomic<int> checked{0};
  std::atomic<int> reads{0};
  std::atomic<int> bad{0};
  auto reader = [&] {
    while (!done.load()) {
      reads.fetch_add(1);
      auto latest = store->GetVersion("ctr", VersionRef::Latest());
      if (latest) {
        // Each version was written with seed == its number: content must match fully.
        if (!MatchesMakeVersion(*latest, latest->version)) bad.fetch_add(1);
        checked.fetch_add(1);
      } else if (latest.error().code() != StatusCode::kNotFound) {
        bad.fetch_add(1);
      }
      auto active = store->GetVersion("ctr", VersionRef::Active());
      if (active && !MatchesMakeVersion(*active, active->version)) bad.fetch_add(1);
      auto page = store->History("ctr", {.before = 0, .limit = 5});
      if (!page || !page->unreadable.empty()) bad.fetch_add(1);
    }
  };
  std::thread r1(reader), r2(reader);
  for (uint64_t i = 1; i <= kVersions; ++i) {
    const int reads_before = reads.load();
    auto v = store->CommitVersion(MakeVersion("ctr", i), {.make_active = i % 2 == 0});
    if (!v) {
      ADD_FAILURE() << v.error().ToString();
      break;
    }
    // Let the readers in between writes, however the threads are scheduled.
    while (reads.load() < reads_before + 2) std::this_thread::yield();
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(checked.load(), 0);
}

TEST_F(StoreTest, PipelineStateDefaultsAndPersists) {
  {
    auto store = OpenStore();
    ASSERT_OK_AND_ASSIGN(PipelineState initial, store->GetPipelineState("ctr"));
    EXPECT_EQ(initial, PipelineState{});
    ASSERT_OK(store->SetPipelineState(
        "ctr", {.paused = true, .reason = "maintenance", .updated_at_unix_ms = 77}));
    ASSERT_OK_AND_ASSIGN(auto pipelines, store->ListPipelines());
    EXPECT_THAT(pipelines, ElementsAre("ctr"));
  }
  auto store = OpenStore();
  ASSERT_OK_AND_ASSIGN(PipelineState state, store->GetPipelineState("ctr"));
  EXPECT_EQ(state, (PipelineState{true, "maintenance", 77}));
  ASSERT_OK_AND_ASSIGN(PipelineSummary summary, store->Summarize("ctr"));
  EXPECT_TRUE(summary.state.paused);
}

TEST_F(StoreTest, DamagedPipelineStateNamesThePipeline) {
  { OpenStore(); }
  ASSERT_OK(sieve::testing::RawPut(dir_.File("db"), "meta", store_keys::PipelineStateKey("ctr"),
                                   "{\"schema_version\":1,\"paused\":\"yes\"}"));
  auto store = OpenStore();
  EXPECT_STATUS(store->GetPipelineState("ctr"), StatusCode::kCorruption,
                AllOf(HasSubstr("pipeline \"ctr\" state"), HasSubstr("\"paused\": not a boolean")));
  ASSERT_OK(store->CommitVersion(MakeVersion("ctr", 1)));
}

// ---- window ----

TEST_F(StoreTest, WindowChunksAndOffsetsRoundTrip) {
  auto store = OpenStore();
  ASSERT_OK_AND_ASSIGN(uint64_t s1, store->AppendWindowChunk("ctr", MakeChunk(0, 10)));
  ASSERT_OK_AND_ASSIGN(uint64_t s2, store->AppendWindowChunk("ctr", MakeChunk(10, 5)));
  EXPECT_EQ(s1, 1u);
  EXPECT_EQ(s2, 2u);
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 100));
  EXPECT_EQ(w.num_rows, 15u);
  EXPECT_THAT(w.float_columns, ElementsAre("x0", "x1", "x2"));
  EXPECT_THAT(w.bucket_columns, ElementsAre("cat0"));
  EXPECT_EQ(w.first_sequence, 1u);
  EXPECT_EQ(w.last_sequence, 2u);
  for (uint64_t r = 0; r < 15; ++r) {
    for (uint32_t c = 0; c < 3; ++c) ASSERT_EQ(w.floats[r * 3 + c], testing::CellValue(r, c));
    ASSERT_EQ(w.buckets[r], static_cast<int32_t>(r * 31));
    ASSERT_EQ(w.labels[r], static_cast<float>(r % 2));
  }
  EXPECT_THAT(w.offsets, ElementsAre(PartitionOffset{"events", 0, 15}));
  ASSERT_OK_AND_ASSIGN(auto offsets, store->LoadOffsets("ctr"));
  EXPECT_EQ(offsets, w.offsets);
}

TEST_F(StoreTest, LoadWindowReturnsTheNewestRows) {
  auto store = OpenStore();
  for (uint64_t i = 0; i < 5; ++i)
    ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(i * 10, 10)));
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 23));
  ASSERT_EQ(w.num_rows, 23u);
  EXPECT_EQ(w.first_sequence, 3u);
  EXPECT_EQ(w.floats[0], testing::CellValue(27, 0));           // oldest row kept
  EXPECT_EQ(w.floats[22 * 3 + 2], testing::CellValue(49, 2));  // newest row
  EXPECT_EQ(w.buckets[0], 27 * 31);
  ASSERT_OK_AND_ASSIGN(WindowSnapshot none, store->LoadWindow("ctr", 0));
  EXPECT_EQ(none.num_rows, 0u);
  EXPECT_THAT(none.offsets, ElementsAre(PartitionOffset{"events", 0, 50}));
}

TEST_F(StoreTest, OffsetsOfPartitionsAreMergedAcrossChunks) {
  auto store = OpenStore();
  WindowChunk a = MakeChunk(0, 2);
  a.offsets = {{"events", 1, 7}, {"events", 0, 3}};
  WindowChunk b = MakeChunk(2, 2);
  b.offsets = {{"events", 0, 9}};
  ASSERT_OK(store->AppendWindowChunk("ctr", a));
  ASSERT_OK(store->AppendWindowChunk("ctr", b));
  ASSERT_OK_AND_ASSIGN(auto offsets, store->LoadOffsets("ctr"));
  EXPECT_THAT(offsets,
              ElementsAre(PartitionOffset{"events", 0, 9}, PartitionOffset{"events", 1, 7}));
}

TEST_F(StoreTest, ChunkWithoutRowsOnlyMovesTheOffsets) {
  auto store = OpenStore();
  ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(0, 10)));
  WindowChunk empty;
  empty.offsets = {{"events", 0, 25}};
  ASSERT_OK_AND_ASSIGN(uint64_t seq, store->AppendWindowChunk("ctr", empty));
  EXPECT_EQ(seq, 0u);
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 100));
  EXPECT_EQ(w.num_rows, 10u);
  EXPECT_EQ(w.last_sequence, 1u);
  EXPECT_THAT(w.offsets, ElementsAre(PartitionOffset{"events", 0, 25}));
  ASSERT_OK_AND_ASSIGN(seq, store->AppendWindowChunk("ctr", MakeChunk(25, 1)));
  EXPECT_EQ(seq, 2u);
}

TEST_F(StoreTest, ColumnLayoutChangeStartsANewWindow) {
  auto store = OpenStore();
  ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(0, 10, 3)));
  ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(10, 4, 4)));
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 100));
  EXPECT_EQ(w.num_rows, 4u);
  EXPECT_EQ(w.float_columns.size(), 4u);
  EXPECT_EQ(w.floats[0], testing::CellValue(10, 0));
  ASSERT_OK_AND_ASSIGN(uint64_t deleted, store->TrimWindow("ctr", 100));
  EXPECT_EQ(deleted, 1u);  // the old layout is never needed again
}

TEST_F(StoreTest, TrimKeepsEnoughChunksForTheNewestRows) {
  auto store = OpenStore();
  for (uint64_t i = 0; i < 6; ++i)
    ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(i * 10, 10)));
  ASSERT_OK_AND_ASSIGN(uint64_t deleted, store->TrimWindow("ctr", 25));
  EXPECT_EQ(deleted, 3u);  // chunks 4,5,6 hold rows 30..59
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 1000));
  EXPECT_EQ(w.num_rows, 30u);
  EXPECT_EQ(w.first_sequence, 4u);
  EXPECT_EQ(w.floats[0], testing::CellValue(30, 0));
  ASSERT_OK_AND_ASSIGN(deleted, store->TrimWindow("ctr", 25));
  EXPECT_EQ(deleted, 0u);
  // Trimming everything keeps the offsets and sequence numbers keep increasing.
  ASSERT_OK_AND_ASSIGN(deleted, store->TrimWindow("ctr", 0));
  EXPECT_EQ(deleted, 3u);
  ASSERT_OK_AND_ASSIGN(w, store->LoadWindow("ctr", 1000));
  EXPECT_EQ(w.num_rows, 0u);
  EXPECT_THAT(w.offsets, ElementsAre(PartitionOffset{"events", 0, 60}));
  ASSERT_OK_AND_ASSIGN(uint64_t seq, store->AppendWindowChunk("ctr", MakeChunk(60, 1)));
  EXPECT_EQ(seq, 7u);
}

TEST_F(StoreTest, MalformedChunkIsRejectedNamingTheField) {
  auto store = OpenStore();
  WindowChunk c = MakeChunk(0, 4);
  c.labels.pop_back();
  EXPECT_STATUS(
      store->AppendWindowChunk("ctr", c), StatusCode::kInvalidArgument,
      AllOf(HasSubstr("pipeline \"ctr\""), HasSubstr("labels: has 3 values, expected 4")));
  ASSERT_OK_AND_ASSIGN(WindowSnapshot w, store->LoadWindow("ctr", 10));
  EXPECT_EQ(w.num_rows, 0u);
  EXPECT_THAT(w.offsets, IsEmpty());
}

TEST_F(StoreTest, CorruptedChunkIsReportedWithPipelineAndSequence) {
  {
    auto store = OpenStore();
    ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(0, 10)));
    ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(10, 10)));
  }
  ASSERT_OK(sieve::testing::RawPut(dir_.File("db"), "window", store_keys::WindowKey("ctr", 'c', 2),
                                   std::string("\x01\x0a\x00", 3)));
  auto store = OpenStore();
  EXPECT_STATUS(store->LoadWindow("ctr", 100), StatusCode::kCorruption,
                AllOf(HasSubstr("pipeline \"ctr\" window chunk 2"), HasSubstr("truncated")));
  ASSERT_OK_AND_ASSIGN(auto offsets, store->LoadOffsets("ctr"));
  EXPECT_THAT(offsets, ElementsAre(PartitionOffset{"events", 0, 20}));
}

TEST_F(StoreTest, VersionCarriesTheOffsetsItCovers) {
  auto store = OpenStore();
  ASSERT_OK(store->AppendWindowChunk("ctr", MakeChunk(0, 10)));
  FeatureSetVersion v = MakeVersion("ctr", 1);
  v.window_offsets = {{"events", 0, 10}};
  ASSERT_OK(store->CommitVersion(v, {.make_active = true}));
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion active, store->GetVersion("ctr", VersionRef::Active()));
  EXPECT_THAT(active.window_offsets, ElementsAre(PartitionOffset{"events", 0, 10}));
  ASSERT_OK_AND_ASSIGN(PipelineSummary s, store->Summarize("ctr"));
  EXPECT_EQ(s.latest_version, 1u);
  EXPECT_EQ(s.aliases.active, 1u);
  EXPECT_EQ(s.window_chunks, 1u);
  EXPECT_EQ(s.window_rows, 10u);
}

}  // namespace
}  // namespace sieve
