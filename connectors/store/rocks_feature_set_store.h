// RocksFeatureSetStore: the FeatureSetStore on RocksDB (layout in store_keys.h).
//
// Writes take an internal mutex and go out as one WriteBatch each. After a failed
// write (disk full, I/O error) the store stays readable; the next write first
// checks that the disk takes data again, then resumes RocksDB (or reopens the
// database if RocksDB cannot resume) before writing.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "connectors/store/feature_set_store.h"
#include "connectors/store/version_cache.h"

namespace sieve {

class RocksFeatureSetStore : public FeatureSetStore {
 public:
  // See FeatureSetStore::Open.
  static Result<std::unique_ptr<RocksFeatureSetStore>> OpenRocks(const std::string& path,
                                                                 const StoreOptions& options);
  ~RocksFeatureSetStore() override;

  Result<FeatureSetVersion> CommitVersion(FeatureSetVersion version,
                                          const CommitOptions& options) override;
  Result<FeatureSetVersion> GetVersion(std::string_view pipeline, VersionRef ref) override;
  Result<HistoryPage> History(std::string_view pipeline, const HistoryQuery& query) override;
  Result<uint64_t> LatestVersion(std::string_view pipeline) override;
  Result<Aliases> GetAliases(std::string_view pipeline) override;
  Status Promote(std::string_view pipeline, uint64_t version) override;
  Status ClearAlias(std::string_view pipeline, Alias alias) override;
  Result<FeatureSetVersion> Rollback(std::string_view pipeline, uint64_t target,
                                     std::string_view reason) override;
  Result<FeatureSetDiff> Diff(std::string_view pipeline, VersionRef from, VersionRef to) override;
  Status SetPipelineState(std::string_view pipeline, const PipelineState& state) override;
  Result<PipelineState> GetPipelineState(std::string_view pipeline) override;
  Result<std::vector<std::string>> ListPipelines() override;
  Result<PipelineSummary> Summarize(std::string_view pipeline) override;

  Result<uint64_t> AppendWindowChunk(std::string_view pipeline, const WindowChunk& chunk) override;
  Result<WindowSnapshot> LoadWindow(std::string_view pipeline, size_t max_rows) override;
  Result<std::vector<PartitionOffset>> LoadOffsets(std::string_view pipeline) override;
  Result<uint64_t> TrimWindow(std::string_view pipeline, size_t keep_rows) override;

  Result<uint32_t> Backup(const std::string& backup_dir) override;
  Status Refresh() override;

  // Full-store consistency check used by `sievectl store verify`: RocksDB block
  // checksums, then every record decoded, version numbering without gaps, aliases
  // pointing at existing versions, window index and chunks agreeing. Returns the
  // problems found (empty = healthy); an error only when the check could not run.
  Result<std::vector<Status>> Verify();

 private:
  class ReadView;

  RocksFeatureSetStore(std::string path, StoreOptions options);
  Status OpenDb();
  void CloseDb();

  // REQUIRES: write_mu_ held.
  Status ApplyBatch(rocksdb::WriteBatch* batch);
  Status RecoverFromWriteError();
  Status ProbeDiskWritable();
  Status CheckWritable() const;
  Result<FeatureSetVersion> CommitLocked(FeatureSetVersion version, const CommitOptions& options);

  rocksdb::Env* env() const;

  const std::string path_;
  const StoreOptions options_;

  // Shared by every call using db_; exclusive only to reopen after a write error.
  mutable std::shared_mutex db_mu_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* versions_ = nullptr;
  rocksdb::ColumnFamilyHandle* aliases_ = nullptr;
  rocksdb::ColumnFamilyHandle* window_ = nullptr;
  rocksdb::ColumnFamilyHandle* offsets_ = nullptr;

  // Decoded versions (immutable, so never stale).
  mutable VersionCache cache_;

  // Serialises writers; guards write_failed_.
  std::mutex write_mu_;
  bool write_failed_ = false;
};

}  // namespace sieve
