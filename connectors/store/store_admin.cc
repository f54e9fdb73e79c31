#include "connectors/store/store_admin.h"

#include <rocksdb/utilities/backup_engine.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "connectors/store/rocks_status.h"

namespace sieve {
namespace {

Result<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenBackups(const std::string& backup_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(backup_dir, ec)) {
    return Err(Status::NotFound("no backup directory at " + backup_dir));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &raw);
  if (!s.ok()) return Err(FromRocks(s, "opening backups in " + backup_dir));
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

}  // namespace

Result<std::unique_ptr<StoreFollower>> StoreFollower::Open(const std::string& db_path) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(db_path) / "CURRENT", ec)) {
    return Err(Status::NotFound("no store at " + db_path));
  }
  std::string tmpl = (std::filesystem::temp_directory_path(ec) / "sieve-follower-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return Err(Status::IoError("cannot create a temporary directory for reading " + db_path));
  }
  std::unique_ptr<StoreFollower> follower(new StoreFollower());
  follower->temp_dir_ = tmpl;
  StoreOptions options;
  options.mode = StoreMode::kSecondary;
  options.secondary_path = tmpl;
  SIEVE_ASSIGN_OR_RETURN(follower->store_, RocksFeatureSetStore::OpenRocks(db_path, options));
  SIEVE_RETURN_IF_ERROR(follower->store_->Refresh());
  return follower;
}

StoreFollower::~StoreFollower() {
  store_.reset();
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
}

Result<std::vector<PipelineSummary>> InspectStore(const std::string& db_path) {
  SIEVE_ASSIGN_OR_RETURN(auto follower, StoreFollower::Open(db_path));
  SIEVE_ASSIGN_OR_RETURN(auto names, follower->store().ListPipelines());
  std::vector<PipelineSummary> out;
  for (const std::string& name : names) {
    SIEVE_ASSIGN_OR_RETURN(PipelineSummary s, follower->store().Summarize(name));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<Status>> VerifyStore(const std::string& db_path) {
  SIEVE_ASSIGN_OR_RETURN(auto follower, StoreFollower::Open(db_path));
  return follower->store().Verify();
}

Result<uint32_t> BackupStore(const std::string& db_path, const std::string& backup_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(db_path) / "CURRENT", ec)) {
    return Err(Status::NotFound("no store at " + db_path));
  }
  StoreOptions options;
  options.create_if_missing = false;
  SIEVE_ASSIGN_OR_RETURN(auto store, RocksFeatureSetStore::OpenRocks(db_path, options));
  return store->Backup(backup_dir);
}

Status RestoreStore(const std::string& backup_dir, const std::string& db_path,
                    const RestoreStoreOptions& options) {
  std::error_code ec;
  if (!options.overwrite &&
      std::filesystem::exists(std::filesystem::path(db_path) / "CURRENT", ec)) {
    return Status::AlreadyExists("a store already exists at " + db_path +
                                 "; pass overwrite (--force) to replace it");
  }
  SIEVE_ASSIGN_OR_RETURN(auto engine, OpenBackups(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) return Status::NotFound("no backup in " + backup_dir);
  rocksdb::IOStatus s;
  if (options.backup_id.has_value()) {
    bool known = false;
    for (const auto& info : infos) known |= info.backup_id == *options.backup_id;
    if (!known) {
      return Status::NotFound("backup " + std::to_string(*options.backup_id) + " is not in " +
                              backup_dir);
    }
    s = engine->RestoreDBFromBackup(*options.backup_id, db_path, db_path);
  } else {
    s = engine->RestoreDBFromLatestBackup(db_path, db_path);
  }
  return FromRocks(s, "restoring " + db_path + " from " + backup_dir);
}

Result<std::vector<BackupCheck>> VerifyBackups(const std::string& backup_dir) {
  SIEVE_ASSIGN_OR_RETURN(auto engine, OpenBackups(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) return Err(Status::NotFound("no backup in " + backup_dir));
  std::vector<BackupCheck> out;
  for (const auto& info : infos) {
    BackupCheck c;
    c.id = info.backup_id;
    c.timestamp = info.timestamp;
    c.size_bytes = info.size;
    c.files = info.number_files;
    c.status = FromRocks(engine->VerifyBackup(info.backup_id, /*verify_with_checksum=*/true),
                         "backup " + std::to_string(info.backup_id));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace sieve
