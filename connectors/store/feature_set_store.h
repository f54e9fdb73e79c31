// FeatureSetStore: the durable home of every pipeline's feature-set versions, its
// `active` / `candidate` aliases, and its persisted training window with the Kafka
// positions that window covers.
//
// Contract in short:
//  - Versions are immutable and numbered 1, 2, 3... per pipeline with no gap or
//    duplicate. A version, the alias moves it asks for and the offsets it covers are
//    written in one atomic batch: after a crash either all of it exists or none.
//  - Aliases move only through this API (CommitVersion, Promote, Rollback,
//    ClearAlias).
//  - A window chunk and the positions it reaches are one atomic batch too, so a
//    restart restores the window and resumes exactly after its last row.
//  - Damaged or newer-schema records give an error naming pipeline and version;
//    other records stay readable.
//
// Thread-safety: every method may be called from any thread. Writes are serialised
// inside the store; a reader always sees whole versions and whole chunks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/store/window_chunk.h"
#include "core/feature_set.h"
#include "core/feature_set_diff.h"
#include "core/status.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace sieve {

enum class StoreMode {
  kReadWrite,  // the owner (sieved); takes the database lock
  kSecondary,  // read-only follower of a running owner (sievectl inspect); needs secondary_path
  kReadOnly,   // read-only snapshot of a store nobody writes to
};

struct StoreOptions {
  StoreMode mode = StoreMode::kReadWrite;
  // Create the database if it does not exist (kReadWrite only).
  bool create_if_missing = true;
  // fsync the write-ahead log before a write returns. Off survives a process crash
  // but may lose the last writes on power loss; on costs a disk flush per write.
  bool sync = true;
  // Decoded versions kept in memory to skip the JSON decode on hot reads
  // (active, latest); versions are immutable so entries never go stale. 0 = off.
  size_t version_cache_entries = 256;
  // For kSecondary: a private directory for the follower's own log files.
  std::string secondary_path;
  // Milliseconds since the Unix epoch; stamps versions created by Rollback.
  std::function<int64_t()> now_unix_ms;  // empty = system clock
  // RocksDB environment; nullptr = the default. Tests inject faults through it.
  rocksdb::Env* env = nullptr;
};

// A version named by number or by what it currently is.
struct VersionRef {
  enum class Kind { kNumber, kLatest, kActive, kCandidate };
  Kind kind = Kind::kLatest;
  uint64_t number = 0;  // for kNumber

  static VersionRef Number(uint64_t n) { return {Kind::kNumber, n}; }
  static VersionRef Latest() { return {Kind::kLatest, 0}; }
  static VersionRef Active() { return {Kind::kActive, 0}; }
  static VersionRef Candidate() { return {Kind::kCandidate, 0}; }
  // "7", "latest", "active" or "candidate"; kInvalidArgument otherwise.
  static Result<VersionRef> Parse(std::string_view text);
  // The inverse of Parse.
  std::string ToString() const;
};

enum class Alias { kActive, kCandidate };
// "active" / "candidate" (the persisted spelling).
std::string_view AliasName(Alias alias);

struct Aliases {
  std::optional<uint64_t> active;
  std::optional<uint64_t> candidate;
};

// What CommitVersion does besides storing the version.
struct CommitOptions {
  // Point `active` at the new version (its state is stored as active). REQUIRES:
  // it satisfies every budget and its state is not rejected.
  bool make_active = false;
  // Point `candidate` at the new version. REQUIRES: its state is candidate.
  bool make_candidate = false;
  // Fill jaccard_to_previous_active from the current active version when the
  // caller left it empty.
  bool fill_jaccard = true;
};

struct HistoryQuery {
  // Return versions strictly older than this number; 0 = start from the newest.
  uint64_t before = 0;
  // Page size (>= 1).
  size_t limit = 50;
};

struct UnreadableVersion {
  uint64_t version = 0;
  Status error;  // names pipeline and version
};

struct HistoryPage {
  // Newest first.
  std::vector<FeatureSetVersion> versions;
  // Records in this page's range that could not be decoded; they do not stop the
  // rest of the page.
  std::vector<UnreadableVersion> unreadable;
  // Pass as HistoryQuery::before for the next page; 0 when this was the last page.
  uint64_t next_before = 0;
};

// Operator-controlled state of a pipeline, kept across restarts.
struct PipelineState {
  bool paused = false;
  // Why it was paused or resumed (free text from the operator or the API).
  std::string reason;
  int64_t updated_at_unix_ms = 0;

  friend bool operator==(const PipelineState&, const PipelineState&) = default;
};

// A pipeline's summary, for listings.
struct PipelineSummary {
  std::string name;
  uint64_t latest_version = 0;  // 0 = no version yet
  Aliases aliases;
  uint64_t window_chunks = 0;
  uint64_t window_rows = 0;
  std::vector<PartitionOffset> offsets;
  PipelineState state;
};

class FeatureSetStore {
 public:
  // Opens (or creates) the store at `path`. Errors: kInvalidArgument for bad
  // options, kNotFound when missing and not creating, kUnavailable when another
  // process holds it (kReadWrite), kFailedPrecondition when it was written by a
  // newer store format, kIoError / kCorruption from RocksDB (message kept).
  static Result<std::unique_ptr<FeatureSetStore>> Open(const std::string& path,
                                                       const StoreOptions& options = {});

  virtual ~FeatureSetStore() = default;

  // ---- versions ----

  // Stores `version` as the pipeline's next version and returns it as stored
  // (number assigned; jaccard filled per options). `version.version` must be 0
  // or the next number (an optimistic check: kFailedPrecondition if another write
  // got there first). Errors: kInvalidArgument naming the field for a malformed
  // version or pipeline name; kFailedPrecondition when make_active is asked for a
  // version over a budget (names the resource); kResourceExhausted when the disk
  // is full (nothing is stored; prior versions stay readable; the next write
  // retries once space returns).
  virtual Result<FeatureSetVersion> CommitVersion(FeatureSetVersion version,
                                                  const CommitOptions& options = {}) = 0;

  // The version named by `ref`. kNotFound when there is none (naming pipeline and
  // what was asked); kCorruption / kFailedPrecondition for a damaged or newer record.
  virtual Result<FeatureSetVersion> GetVersion(std::string_view pipeline, VersionRef ref) = 0;

  // A page of history, newest first.
  virtual Result<HistoryPage> History(std::string_view pipeline,
                                      const HistoryQuery& query = {}) = 0;

  // Number of the newest version; 0 when the pipeline has none.
  virtual Result<uint64_t> LatestVersion(std::string_view pipeline) = 0;

  virtual Result<Aliases> GetAliases(std::string_view pipeline) = 0;

  // Points `active` at an existing version. kNotFound if it does not exist;
  // kFailedPrecondition if it exceeds a budget. Clears `candidate` when it named
  // the same version.
  virtual Status Promote(std::string_view pipeline, uint64_t version) = 0;

  // Removes an alias (no-op when unset).
  virtual Status ClearAlias(std::string_view pipeline, Alias alias) = 0;

  // Creates a new version copying `target`'s selection, with parent = target,
  // state active, reason "rollback to v<target>: <reason>", and makes it active.
  // History is never rewritten. kNotFound if target does not exist.
  virtual Result<FeatureSetVersion> Rollback(std::string_view pipeline, uint64_t target,
                                             std::string_view reason) = 0;

  // Diff between two versions of a pipeline.
  virtual Result<FeatureSetDiff> Diff(std::string_view pipeline, VersionRef from,
                                      VersionRef to) = 0;

  // Stores the pipeline's state (meta column family, JSON with schema_version).
  virtual Status SetPipelineState(std::string_view pipeline, const PipelineState& state) = 0;

  // The stored state; the default (not paused) when never set. kCorruption /
  // kFailedPrecondition naming the pipeline for a damaged or newer record.
  virtual Result<PipelineState> GetPipelineState(std::string_view pipeline) = 0;

  // Every pipeline with a version, a window chunk, stored offsets or a state, sorted.
  virtual Result<std::vector<std::string>> ListPipelines() = 0;

  virtual Result<PipelineSummary> Summarize(std::string_view pipeline) = 0;

  // ---- window ----

  // Appends `chunk` as the pipeline's next window chunk and, in the same atomic
  // batch, stores its offsets as the resume positions. Returns the chunk's
  // sequence number (1, 2, ...). A chunk without rows stores only its offsets and
  // returns 0 (records that were all dead-lettered still move the resume position).
  // kInvalidArgument naming the field for a malformed chunk; kResourceExhausted
  // when the disk is full (nothing stored).
  virtual Result<uint64_t> AppendWindowChunk(std::string_view pipeline,
                                             const WindowChunk& chunk) = 0;

  // The newest `max_rows` rows (fewer if the window holds fewer), oldest first, and
  // the resume positions, read from one consistent snapshot. Only chunks with the
  // newest chunk's column layout are used: a layout change starts a new window.
  virtual Result<WindowSnapshot> LoadWindow(std::string_view pipeline, size_t max_rows) = 0;

  // The resume positions alone (sorted by topic, partition).
  virtual Result<std::vector<PartitionOffset>> LoadOffsets(std::string_view pipeline) = 0;

  // Deletes the oldest chunks that are not needed to keep the newest `keep_rows`
  // rows. Returns the number of chunks deleted. Offsets are kept.
  virtual Result<uint64_t> TrimWindow(std::string_view pipeline, size_t keep_rows) = 0;

  // ---- operations ----

  // Creates a new backup of the open store in `backup_dir` (RocksDB BackupEngine,
  // incremental, checksummed) and returns its backup id.
  virtual Result<uint32_t> Backup(const std::string& backup_dir) = 0;

  // For kSecondary: catches up with the owner's latest writes.
  virtual Status Refresh() = 0;
};

// Pipeline names: 1..128 bytes, no control characters (they are key prefixes and
// appear in logs). kInvalidArgument naming the problem otherwise.
Status ValidatePipelineName(std::string_view pipeline);

}  // namespace sieve
