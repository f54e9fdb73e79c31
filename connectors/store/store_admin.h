// Operations on a store directory, for `sievectl store ...`: inspect and verify
// (safe while sieved runs: they read through a RocksDB secondary instance),
// backup and restore (RocksDB BackupEngine: incremental, checksummed).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/store/rocks_feature_set_store.h"
#include "core/status.h"

namespace sieve {

// A read-only follower of a store that another process may be writing, with a
// private temporary directory that is removed when the follower is destroyed.
class StoreFollower {
 public:
  // Errors: kNotFound when there is no store at db_path; as FeatureSetStore::Open.
  static Result<std::unique_ptr<StoreFollower>> Open(const std::string& db_path);
  ~StoreFollower();
  StoreFollower(const StoreFollower&) = delete;
  StoreFollower& operator=(const StoreFollower&) = delete;

  RocksFeatureSetStore& store() { return *store_; }

 private:
  StoreFollower() = default;
  std::string temp_dir_;
  std::unique_ptr<RocksFeatureSetStore> store_;
};

// Summaries of every pipeline in the store at db_path (read through a follower).
Result<std::vector<PipelineSummary>> InspectStore(const std::string& db_path);

// Checks the store at db_path (read through a follower): see
// RocksFeatureSetStore::Verify. Returns the problems found, empty when healthy.
Result<std::vector<Status>> VerifyStore(const std::string& db_path);

// Backs up the store at db_path into backup_dir (created if needed) and returns
// the new backup id. Opens the store for writing, so it fails with kUnavailable
// while sieved holds it (use the daemon's API then).
Result<uint32_t> BackupStore(const std::string& db_path, const std::string& backup_dir);

struct RestoreStoreOptions {
  // Which backup; empty = the latest.
  std::optional<uint32_t> backup_id;
  // Replace an existing store at the target. Off refuses to touch it.
  bool overwrite = false;
};

// Restores a backup from backup_dir into db_path. kAlreadyExists when db_path
// holds a store and overwrite is off; kNotFound for an unknown backup id.
Status RestoreStore(const std::string& backup_dir, const std::string& db_path,
                    const RestoreStoreOptions& options = {});

struct BackupCheck {
  uint32_t id = 0;
  int64_t timestamp = 0;  // seconds since the Unix epoch
  uint64_t size_bytes = 0;
  uint32_t files = 0;
  Status status;  // ok, or what is wrong with this backup
};

// Verifies every backup in backup_dir against its recorded checksums.
// kNotFound when the directory holds no backup.
Result<std::vector<BackupCheck>> VerifyBackups(const std::string& backup_dir);

}  // namespace sieve
