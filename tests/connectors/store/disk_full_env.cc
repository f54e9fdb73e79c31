#include "tests/connectors/store/disk_full_env.h"

#include <string>
#include <utility>

namespace sieve::testing {
namespace {

using rocksdb::FileOptions;
using rocksdb::FSWritableFile;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

class Switch {
 public:
  Switch(std::shared_ptr<std::atomic<bool>> full, std::shared_ptr<std::atomic<bool>> tables_full,
         std::shared_ptr<std::atomic<int>> refused)
      : full_(std::move(full)),
        tables_full_(std::move(tables_full)),
        refused_(std::move(refused)) {}
  // A switch for one file: table files also obey the tables-only switch.
  Switch ForFile(const std::string& name) const {
    Switch s = *this;
    s.is_table_ = name.size() > 4 && name.compare(name.size() - 4, 4, ".sst") == 0;
    return s;
  }
  // NoSpace while the disk is "full", ok otherwise.
  IOStatus Check() const {
    if (!full_->load() && !(is_table_ && tables_full_->load())) return IOStatus::OK();
    refused_->fetch_add(1);
    return IOStatus::NoSpace("disk full (injected)");
  }

 private:
  std::shared_ptr<std::atomic<bool>> full_;
  std::shared_ptr<std::atomic<bool>> tables_full_;
  std::shared_ptr<std::atomic<int>> refused_;
  bool is_table_ = false;
};

class FullableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FullableFile(std::unique_ptr<FSWritableFile> target, Switch sw)
      : FSWritableFileOwnerWrapper(std::move(target)), switch_(std::move(sw)) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* d) override {
    IOStatus s = switch_.Check();
    return s.ok() ? FSWritableFileOwnerWrapper::Append(data, o, d) : s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo& info,
                  IODebugContext* d) override {
    IOStatus s = switch_.Check();
    return s.ok() ? FSWritableFileOwnerWrapper::Append(data, o, info, d) : s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            IODebugContext* d) override {
    IOStatus s = switch_.Check();
    return s.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, o, d) : s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const rocksdb::DataVerificationInfo& info, IODebugContext* d) override {
    IOStatus s = switch_.Check();
    return s.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, o, info, d) : s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* d) override {
    IOStatus s = switch_.Check();
    return s.ok() ? FSWritableFileOwnerWrapper::Sync(o, d) : s;
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* d) override {
    IOStatus s = switch_.Check();
    return s.ok() ? FSWritableFileOwnerWrapper::Fsync(o, d) : s;
  }

 private:
  Switch switch_;
};

class FullableFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FullableFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target, Switch sw)
      : FileSystemWrapper(target), switch_(std::move(sw)) {}

  static const char* kClassName() { return "SieveDiskFullFileSystem"; }
  const char* Name() const override { return kClassName(); }

  // Reporting free space as unknown keeps RocksDB's own polling recovery (which
  // retries every few seconds) out of the way, so a test decides when to resume.
  IOStatus GetFreeSpace(const std::string&, const IOOptions&, uint64_t*, IODebugContext*) override {
    return IOStatus::NotSupported("free space unknown (injected)");
  }

  IOStatus NewWritableFile(const std::string& f, const FileOptions& o,
                           std::unique_ptr<FSWritableFile>* r, IODebugContext* d) override {
    return Wrap(f, target()->NewWritableFile(f, o, r, d), r);
  }
  IOStatus ReopenWritableFile(const std::string& f, const FileOptions& o,
                              std::unique_ptr<FSWritableFile>* r, IODebugContext* d) override {
    return Wrap(f, target()->ReopenWritableFile(f, o, r, d), r);
  }
  IOStatus ReuseWritableFile(const std::string& f, const std::string& old, const FileOptions& o,
                             std::unique_ptr<FSWritableFile>* r, IODebugContext* d) override {
    return Wrap(f, target()->ReuseWritableFile(f, old, o, r, d), r);
  }

 private:
  IOStatus Wrap(const std::string& name, IOStatus s, std::unique_ptr<FSWritableFile>* r) {
    if (!s.ok()) return s;
    Switch file_switch = switch_.ForFile(name);
    IOStatus full = file_switch.Check();
    if (!full.ok()) {
      r->reset();
      return full;
    }
    *r = std::make_unique<FullableFile>(std::move(*r), file_switch);
    return s;
  }

  Switch switch_;
};

}  // namespace

DiskFullEnv::DiskFullEnv()
    : full_(std::make_shared<std::atomic<bool>>(false)),
      tables_full_(std::make_shared<std::atomic<bool>>(false)),
      refused_(std::make_shared<std::atomic<int>>(0)) {
  auto fs = std::make_shared<FullableFileSystem>(rocksdb::FileSystem::Default(),
                                                 Switch(full_, tables_full_, refused_));
  env_ = rocksdb::NewCompositeEnv(fs);
}

}  // namespace sieve::testing
