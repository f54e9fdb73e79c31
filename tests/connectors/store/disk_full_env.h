// A RocksDB Env whose file system runs out of space on demand: while the switch is
// on, every write, sync or file creation fails with IOStatus::NoSpace, the error a
// full disk gives. Used to test how the store behaves when the disk fills up and
// recovers once space returns.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>

namespace sieve::testing {

class DiskFullEnv {
 public:
  DiskFullEnv();

  // The Env to pass to the store; valid as long as this object lives.
  rocksdb::Env* env() { return env_.get(); }

  // While full, writes fail with "No space left on device".
  void SetFull(bool full) { full_->store(full); }
  // While set, only table files (*.sst) refuse writes: small writes (log, probe
  // files) succeed but RocksDB cannot flush, the state in which its own resume
  // fails.
  void SetTablesOnlyFull(bool full) { tables_full_->store(full); }
  // Number of operations refused since construction.
  int refused() const { return refused_->load(); }

 private:
  std::shared_ptr<std::atomic<bool>> full_;
  std::shared_ptr<std::atomic<bool>> tables_full_;
  std::shared_ptr<std::atomic<int>> refused_;
  std::unique_ptr<rocksdb::Env> env_;
};

}  // namespace sieve::testing
