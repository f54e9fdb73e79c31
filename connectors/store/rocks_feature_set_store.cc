#include "connectors/store/rocks_feature_set_store.h"

#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <set>

#include "connectors/store/rocks_status.h"
#include "connectors/store/store_keys.h"
#include "connectors/store/version_json.h"

namespace sieve {

namespace keys = store_keys;

namespace {

constexpr char kChunk = 'c';
constexpr char kIndex = 'i';
constexpr char kWindowOffsets = 'w';
constexpr char kVersionOffsets = 'v';

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string VersionContext(std::string_view pipeline, uint64_t version) {
  return "pipeline " + Quoted(pipeline) + " version " + std::to_string(version);
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

rocksdb::Slice AsSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view AsView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// Iterator bounds must outlive the iterator; this keeps them together.
struct BoundedIterator {
  std::string lower;
  std::string upper;
  rocksdb::Slice lower_slice;
  rocksdb::Slice upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
};

void SortOffsets(std::vector<PartitionOffset>* offsets) {
  std::sort(offsets->begin(), offsets->end(),
            [](const PartitionOffset& a, const PartitionOffset& b) {
              return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
            });
}

}  // namespace

// A consistent view for one call: a RocksDB snapshot in read-write mode (secondary
// and read-only instances only change on Refresh, so they read directly).
class RocksFeatureSetStore::ReadView {
 public:
  explicit ReadView(const RocksFeatureSetStore* store) : store_(store), lock_(store->db_mu_) {
    if (store_->db_ && store_->options_.mode == StoreMode::kReadWrite) {
      snapshot_ = store_->db_->GetSnapshot();
    }
  }
  ~ReadView() {
    if (snapshot_ != nullptr) store_->db_->ReleaseSnapshot(snapshot_);
  }
  ReadView(const ReadView&) = delete;
  ReadView& operator=(const ReadView&) = delete;

  Status Available() const {
    if (!store_->db_) {
      return Status::Unavailable("store at " + store_->path_ +
                                 " is closed after a failed recovery from a write error");
    }
    return Status::Ok();
  }

  rocksdb::ReadOptions Options() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    return ro;
  }

  // Value of `key`, nullopt when absent.
  Result<std::optional<std::string>> Get(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                                         std::string_view context) const {
    std::string value;
    rocksdb::Status s = store_->db_->Get(Options(), cf, AsSlice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return Err(FromRocks(s, context));
    return std::optional<std::string>(std::move(value));
  }

  // An iterator over [lower, upper).
  std::unique_ptr<BoundedIterator> Iterate(rocksdb::ColumnFamilyHandle* cf, std::string lower,
                                           std::string upper, rocksdb::ReadOptions ro) const {
    auto b = std::make_unique<BoundedIterator>();
    b->lower = std::move(lower);
    b->upper = std::move(upper);
    b->lower_slice = AsSlice(b->lower);
    b->upper_slice = AsSlice(b->upper);
    ro.snapshot = snapshot_;
    ro.iterate_lower_bound = &b->lower_slice;
    ro.iterate_upper_bound = &b->upper_slice;
    b->it.reset(store_->db_->NewIterator(ro, cf));
    return b;
  }
  std::unique_ptr<BoundedIterator> Iterate(rocksdb::ColumnFamilyHandle* cf, std::string lower,
                                           std::string upper) const {
    return Iterate(cf, std::move(lower), std::move(upper), rocksdb::ReadOptions());
  }

  // Newest version number of `pipeline` (0 if none).
  Result<uint64_t> Latest(std::string_view pipeline) const {
    auto b =
        Iterate(store_->versions_, keys::PipelinePrefix(pipeline), keys::PipelineEnd(pipeline));
    b->it->SeekToLast();
    if (!b->it->Valid()) {
      if (!b->it->status().ok()) return Err(FromRocks(b->it->status(), "reading versions"));
      return uint64_t{0};
    }
    auto n = keys::VersionOfKey(pipeline, AsView(b->it->key()));
    if (!n)
      return Err(Status::Corruption("pipeline " + Quoted(pipeline) + ": malformed version key"));
    return *n;
  }

  Result<std::optional<uint64_t>> AliasTarget(std::string_view pipeline, Alias alias) const {
    SIEVE_ASSIGN_OR_RETURN(
        auto value,
        Get(store_->aliases_, keys::AliasKey(pipeline, AliasName(alias)), "reading alias"));
    if (!value) return std::optional<uint64_t>();
    auto n = keys::DecodeAliasValue(*value);
    if (!n) {
      return Err(Status::Corruption("pipeline " + Quoted(pipeline) + " alias " +
                                    std::string(AliasName(alias)) + ": malformed value"));
    }
    return std::optional<uint64_t>(*n);
  }

  // Reads and decodes one version; errors name pipeline and version.
  Result<FeatureSetVersion> Version(std::string_view pipeline, uint64_t n) const {
    const std::string ctx = VersionContext(pipeline, n);
    SIEVE_ASSIGN_OR_RETURN(auto value, Get(store_->versions_, keys::VersionKey(pipeline, n), ctx));
    if (!value) return Err(Status::NotFound(ctx + " does not exist"));
    SIEVE_ASSIGN_OR_RETURN(FeatureSetVersion v, Decode(pipeline, n, *value));
    store_->cache_.Put(std::make_shared<const FeatureSetVersion>(v));
    return v;
  }

  // Version(), answered from the cache of decoded versions when possible.
  Result<FeatureSetVersion> CachedVersion(std::string_view pipeline, uint64_t n) const {
    if (auto hit = store_->cache_.Get(pipeline, n)) return *hit;
    return Version(pipeline, n);
  }

  static Result<FeatureSetVersion> Decode(std::string_view pipeline, uint64_t n,
                                          std::string_view bytes) {
    const std::string ctx = VersionContext(pipeline, n);
    auto decoded = DecodeVersionJson(bytes);
    if (!decoded) return Err(decoded.error().WithContext(ctx));
    if (decoded->pipeline != pipeline || decoded->version != n) {
      return Err(Status::Corruption(ctx + ": record names pipeline " + Quoted(decoded->pipeline) +
                                    " version " + std::to_string(decoded->version)));
    }
    return decoded;
  }

  Result<uint64_t> Resolve(std::string_view pipeline, VersionRef ref) const {
    switch (ref.kind) {
      case VersionRef::Kind::kNumber:
        return ref.number;
      case VersionRef::Kind::kLatest: {
        SIEVE_ASSIGN_OR_RETURN(uint64_t n, Latest(pipeline));
        if (n == 0)
          return Err(Status::NotFound("pipeline " + Quoted(pipeline) + " has no versions"));
        return n;
      }
      case VersionRef::Kind::kActive:
      case VersionRef::Kind::kCandidate: {
        Alias alias = ref.kind == VersionRef::Kind::kActive ? Alias::kActive : Alias::kCandidate;
        SIEVE_ASSIGN_OR_RETURN(auto n, AliasTarget(pipeline, alias));
        if (!n) {
          return Err(Status::NotFound("pipeline " + Quoted(pipeline) + " has no " +
                                      std::string(AliasName(alias)) + " version"));
        }
        return *n;
      }
    }
    return Err(Status::Internal("unknown version reference"));
  }

  Result<PipelineState> State(std::string_view pipeline) const {
    SIEVE_ASSIGN_OR_RETURN(
        auto value, Get(store_->meta_, keys::PipelineStateKey(pipeline), "reading pipeline state"));
    if (!value) return PipelineState{};
    auto state = DecodePipelineStateJson(*value);
    if (!state) return Err(state.error().WithContext("pipeline " + Quoted(pipeline) + " state"));
    return state;
  }

  Result<std::vector<PartitionOffset>> Offsets(std::string_view pipeline, char kind) const {
    std::string prefix = keys::OffsetPrefix(pipeline, kind);
    std::string end = prefix;
    end.back() = static_cast<char>(kind + 1);
    auto b = Iterate(store_->offsets_, prefix, end);
    std::vector<PartitionOffset> out;
    for (b->it->SeekToFirst(); b->it->Valid(); b->it->Next()) {
      auto o = keys::DecodeOffset(pipeline, kind, AsView(b->it->key()), AsView(b->it->value()));
      if (!o)
        return Err(
            Status::Corruption("pipeline " + Quoted(pipeline) + ": malformed offset record"));
      out.push_back(std::move(*o));
    }
    if (!b->it->status().ok()) return Err(FromRocks(b->it->status(), "reading offsets"));
    SortOffsets(&out);
    return out;
  }

 private:
  const RocksFeatureSetStore* store_;
  std::shared_lock<std::shared_mutex> lock_;
  const rocksdb::Snapshot* snapshot_ = nullptr;
};

// ---------------------------------------------------------------------------

Result<VersionRef> VersionRef::Parse(std::string_view text) {
  if (text == "latest") return Latest();
  if (text == "active") return Active();
  if (text == "candidate") return Candidate();
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n == 0) {
    return Err(Status::InvalidArgument("version " + Quoted(text) +
                                       ": expected a number >= 1, latest, active or candidate"));
  }
  return Number(n);
}

std::string VersionRef::ToString() const {
  switch (kind) {
    case Kind::kNumber:
      return std::to_string(number);
    case Kind::kLatest:
      return "latest";
    case Kind::kActive:
      return "active";
    case Kind::kCandidate:
      return "candidate";
  }
  return "?";
}

std::string_view AliasName(Alias alias) { return alias == Alias::kActive ? "active" : "candidate"; }

Status ValidatePipelineName(std::string_view pipeline) {
  if (pipeline.empty()) return Status::InvalidArgument("pipeline name is empty");
  if (pipeline.size() > 128) {
    return Status::InvalidArgument("pipeline name " + Quoted(pipeline.substr(0, 32)) +
                                   "... is longer than 128 bytes");
  }
  for (unsigned char c : pipeline) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("pipeline name " + Quoted(pipeline) +
                                     " contains a control character");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<FeatureSetStore>> FeatureSetStore::Open(const std::string& path,
                                                               const StoreOptions& options) {
  SIEVE_ASSIGN_OR_RETURN(auto store, RocksFeatureSetStore::OpenRocks(path, options));
  return std::unique_ptr<FeatureSetStore>(std::move(store));
}

// ---------------------------------------------------------------------------

RocksFeatureSetStore::RocksFeatureSetStore(std::string path, StoreOptions options)
    : path_(std::move(path)),
      options_(std::move(options)),
      cache_(options_.version_cache_entries) {}

RocksFeatureSetStore::~RocksFeatureSetStore() { CloseDb(); }

rocksdb::Env* RocksFeatureSetStore::env() const {
  return options_.env != nullptr ? options_.env : rocksdb::Env::Default();
}

Result<std::unique_ptr<RocksFeatureSetStore>> RocksFeatureSetStore::OpenRocks(
    const std::string& path, const StoreOptions& options) {
  if (path.empty()) return Err(Status::InvalidArgument("store path is empty"));
  if (options.mode == StoreMode::kSecondary && options.secondary_path.empty()) {
    return Err(Status::InvalidArgument("secondary_path is required for a secondary store"));
  }
  std::unique_ptr<RocksFeatureSetStore> store(new RocksFeatureSetStore(path, options));
  SIEVE_RETURN_IF_ERROR(store->OpenDb());
  return store;
}

Status RocksFeatureSetStore::OpenDb() {
  const std::string ctx = "opening store at " + path_;
  rocksdb::DBOptions db_options;
  db_options.env = env();
  db_options.keep_log_file_num = 5;
  // Replaying the log into memory on open is enough; flushing it at once would
  // add several fsyncs to every restart.
  db_options.avoid_flush_during_recovery = true;
  const bool writable = options_.mode == StoreMode::kReadWrite;
  if (writable) {
    db_options.create_if_missing = options_.create_if_missing;
    db_options.create_missing_column_families = options_.create_if_missing;
  } else {
    db_options.max_open_files = -1;  // required by secondary instances
  }

  // A store that does not exist yet is reported as such, not as a RocksDB I/O error.
  std::vector<std::string> existing;
  rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, path_, &existing);
  if (!listed.ok()) {
    if (!writable || !options_.create_if_missing) {
      return Status::NotFound("no store at " + path_ + " (" + listed.ToString() + ")");
    }
    existing.clear();
  }

  rocksdb::ColumnFamilyOptions small;
  rocksdb::ColumnFamilyOptions bulk;
  bulk.compression =
      rocksdb::kNoCompression;  // float columns do not compress; restore speed matters
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, small}, {std::string(keys::kMetaCf), small},
      {std::string(keys::kVersionsCf), small},    {std::string(keys::kAliasesCf), small},
      {std::string(keys::kWindowCf), bulk},       {std::string(keys::kOffsetsCf), small},
  };
  if (!existing.empty()) {
    for (const auto& cf : cfs) {
      if (std::find(existing.begin(), existing.end(), cf.name) == existing.end() && !writable) {
        return Status::FailedPrecondition(ctx + ": not a sieve store (column family " + cf.name +
                                          " is missing)");
      }
    }
  }

  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s;
  switch (options_.mode) {
    case StoreMode::kReadWrite:
      s = rocksdb::DB::Open(db_options, path_, cfs, &handles, &raw);
      break;
    case StoreMode::kReadOnly:
      s = rocksdb::DB::OpenForReadOnly(db_options, path_, cfs, &handles, &raw);
      break;
    case StoreMode::kSecondary:
      s = rocksdb::DB::OpenAsSecondary(db_options, path_, options_.secondary_path, cfs, &handles,
                                       &raw);
      break;
  }
  if (!s.ok()) {
    Status st = FromRocks(s, ctx);
    if (st.code() == StatusCode::kUnavailable) {
      return Status::Unavailable(ctx + ": in use by another process (" + s.ToString() + ")");
    }
    return st;
  }
  db_.reset(raw);
  handles_ = handles;
  meta_ = handles_[1];
  versions_ = handles_[2];
  aliases_ = handles_[3];
  window_ = handles_[4];
  offsets_ = handles_[5];

  std::string format;
  s = db_->Get(rocksdb::ReadOptions(), meta_, AsSlice(keys::kStoreFormatKey), &format);
  if (s.IsNotFound()) {
    if (!writable) return Status::Ok();
    format = std::to_string(keys::kStoreFormat);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db_->Put(wo, meta_, AsSlice(keys::kStoreFormatKey), format);
    if (!s.ok()) {
      Status st = FromRocks(s, ctx + ": writing store format");
      CloseDb();
      return st;
    }
    return Status::Ok();
  }
  if (!s.ok()) {
    Status st = FromRocks(s, ctx + ": reading store format");
    CloseDb();
    return st;
  }
  int stored = 0;
  auto [p, ec] = std::from_chars(format.data(), format.data() + format.size(), stored);
  if (ec != std::errc() || stored < 1) {
    CloseDb();
    return Status::Corruption(ctx + ": malformed store format " + Quoted(format));
  }
  if (stored > keys::kStoreFormat) {
    CloseDb();
    return Status::FailedPrecondition(ctx + ": written by a newer store format " + format +
                                      " (this build reads up to " +
                                      std::to_string(keys::kStoreFormat) + ")");
  }
  return Status::Ok();
}

void RocksFeatureSetStore::CloseDb() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  db_->Close().PermitUncheckedError();
  db_.reset();
}

Status RocksFeatureSetStore::CheckWritable() const {
  if (options_.mode != StoreMode::kReadWrite) {
    return Status::FailedPrecondition("store at " + path_ + " is opened read-only");
  }
  return Status::Ok();
}

Status RocksFeatureSetStore::ProbeDiskWritable() {
  // A small file written and synced next to the database: if the disk still
  // refuses it, resuming RocksDB now would fail and make its error permanent.
  const std::string probe = path_ + "/SIEVE_WRITE_PROBE";
  std::unique_ptr<rocksdb::WritableFile> file;
  rocksdb::Status s = env()->NewWritableFile(probe, &file, rocksdb::EnvOptions());
  if (s.ok()) s = file->Append(std::string(4096, '\0'));
  if (s.ok()) s = file->Sync();
  if (file) file->Close().PermitUncheckedError();
  env()->DeleteFile(probe).PermitUncheckedError();
  return FromRocks(s, "store at " + path_ + " still cannot write");
}

Status RocksFeatureSetStore::RecoverFromWriteError() {
  SIEVE_RETURN_IF_ERROR(ProbeDiskWritable());
  {
    std::shared_lock lock(db_mu_);
    if (db_) {
      rocksdb::Status s = db_->Resume();
      if (s.ok()) {
        write_failed_ = false;
        return Status::Ok();
      }
      if (s.IsBusy())
        return FromRocks(s, "store at " + path_ + " is recovering from a write error");
    }
  }
  // RocksDB could not resume (its error became permanent): reopen the database,
  // which replays the log of acknowledged writes.
  std::unique_lock lock(db_mu_);
  CloseDb();
  Status reopened = OpenDb();
  if (!reopened.ok()) return reopened.WithContext("recovering from a write error");
  write_failed_ = false;
  return Status::Ok();
}

Status RocksFeatureSetStore::ApplyBatch(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  std::shared_lock lock(db_mu_);
  if (!db_) return Status::Unavailable("store at " + path_ + " is closed");
  rocksdb::Status s = db_->Write(wo, batch);
  if (!s.ok()) {
    write_failed_ = true;
    return FromRocks(s, "writing to store at " + path_);
  }
  return Status::Ok();
}

// ---- versions ----

Result<FeatureSetVersion> RocksFeatureSetStore::CommitVersion(FeatureSetVersion version,
                                                              const CommitOptions& options) {
  SIEVE_RETURN_IF_ERROR(CheckWritable());
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(version.pipeline));
  SIEVE_RETURN_IF_ERROR(ValidateFeatureSetVersion(version));
  SIEVE_RETURN_IF_ERROR(ValidateVersionText(version));
  std::lock_guard lock(write_mu_);
  if (write_failed_) SIEVE_RETURN_IF_ERROR(RecoverFromWriteError());
  return CommitLocked(std::move(version), options);
}

Result<FeatureSetVersion> RocksFeatureSetStore::CommitLocked(FeatureSetVersion version,
                                                             const CommitOptions& options) {
  const std::string& pipeline = version.pipeline;
  if (options.make_active && options.make_candidate) {
    return Err(Status::InvalidArgument("pipeline " + Quoted(pipeline) +
                                       ": a version cannot be made active and candidate at once"));
  }
  uint64_t next = 0;
  {
    ReadView view(this);
    SIEVE_RETURN_IF_ERROR(view.Available());
    SIEVE_ASSIGN_OR_RETURN(uint64_t latest, view.Latest(pipeline));
    next = latest + 1;
    if (version.version != 0 && version.version != next) {
      return Err(Status::FailedPrecondition(
          "pipeline " + Quoted(pipeline) + ": cannot store version " +
          std::to_string(version.version) + ", the next version is " + std::to_string(next)));
    }
    if (options.fill_jaccard && !version.jaccard_to_previous_active.has_value()) {
      SIEVE_ASSIGN_OR_RETURN(auto active, view.AliasTarget(pipeline, Alias::kActive));
      if (active) {
        auto previous = view.CachedVersion(pipeline, *active);
        // An unreadable previous version must not block new ones; leave it empty.
        if (previous) version.jaccard_to_previous_active = FeatureSetJaccard(*previous, version);
      }
    }
  }
  version.version = next;
  // The record's state tells the decision taken at creation, so it must agree
  // with the alias it gets.
  if (options.make_active && version.state == FeatureSetState::kRejected) {
    return Err(Status::InvalidArgument(VersionContext(pipeline, next) +
                                       ": a rejected version cannot be made active"));
  }
  if (options.make_candidate && version.state != FeatureSetState::kCandidate) {
    return Err(Status::InvalidArgument(VersionContext(pipeline, next) + ": state is " +
                                       std::string(FeatureSetStateName(version.state)) +
                                       ", only a candidate can be made the candidate"));
  }
  if (options.make_active) version.state = FeatureSetState::kActive;
  if (options.make_active) {
    auto exceeded = ExceededBudgets(version);
    if (!exceeded.empty()) {
      const BudgetUse& b = version.budgets.at(exceeded.front());
      return Err(Status::FailedPrecondition(
          VersionContext(pipeline, next) + " cannot be active: budget " + exceeded.front() +
          " used " + std::to_string(b.used) + " > declared " + std::to_string(b.declared)));
    }
  }

  rocksdb::WriteBatch batch;
  rocksdb::Status s =
      batch.Put(versions_, keys::VersionKey(pipeline, next), EncodeVersionJson(version));
  if (s.ok() && options.make_active) {
    s = batch.Put(aliases_, keys::AliasKey(pipeline, AliasName(Alias::kActive)),
                  keys::EncodeAliasValue(next));
  }
  if (s.ok() && options.make_candidate) {
    s = batch.Put(aliases_, keys::AliasKey(pipeline, AliasName(Alias::kCandidate)),
                  keys::EncodeAliasValue(next));
  }
  for (const PartitionOffset& o : version.window_offsets) {
    if (!s.ok()) break;
    s = batch.Put(offsets_, keys::OffsetKey(pipeline, kVersionOffsets, o.topic, o.partition),
                  keys::EncodeOffsetValue(o.next_offset));
  }
  if (!s.ok()) return Err(FromRocks(s, VersionContext(pipeline, next)));
  SIEVE_RETURN_IF_ERROR(
      ApplyBatch(&batch).WithContext("storing " + VersionContext(pipeline, next)));
  cache_.Put(std::make_shared<const FeatureSetVersion>(version));
  return version;
}

Result<FeatureSetVersion> RocksFeatureSetStore::GetVersion(std::string_view pipeline,
                                                           VersionRef ref) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  SIEVE_ASSIGN_OR_RETURN(uint64_t n, view.Resolve(pipeline, ref));
  return view.CachedVersion(pipeline, n);
}

Result<HistoryPage> RocksFeatureSetStore::History(std::string_view pipeline,
                                                  const HistoryQuery& query) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  if (query.limit == 0) return Err(Status::InvalidArgument("history limit must be >= 1"));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  HistoryPage page;
  if (query.before == 1) return page;
  std::string upper =
      query.before == 0 ? keys::PipelineEnd(pipeline) : keys::VersionKey(pipeline, query.before);
  auto b = view.Iterate(versions_, keys::PipelinePrefix(pipeline), upper);
  size_t taken = 0;
  uint64_t last = 0;
  for (b->it->SeekToLast(); b->it->Valid(); b->it->Prev()) {
    auto n = keys::VersionOfKey(pipeline, AsView(b->it->key()));
    if (!n) continue;  // not a version key of this pipeline
    if (taken == query.limit) {
      page.next_before = last;
      break;
    }
    if (auto hit = cache_.Get(pipeline, *n)) {
      page.versions.push_back(*hit);
      ++taken;
      last = *n;
      continue;
    }
    auto v = ReadView::Decode(pipeline, *n, AsView(b->it->value()));
    if (v) {
      page.versions.push_back(std::move(*v));
    } else {
      page.unreadable.push_back({*n, v.error()});
    }
    ++taken;
    last = *n;
  }
  if (!b->it->status().ok()) return Err(FromRocks(b->it->status(), "reading history"));
  return page;
}

Result<uint64_t> RocksFeatureSetStore::LatestVersion(std::string_view pipeline) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  return view.Latest(pipeline);
}

Result<Aliases> RocksFeatureSetStore::GetAliases(std::string_view pipeline) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  Aliases a;
  SIEVE_ASSIGN_OR_RETURN(a.active, view.AliasTarget(pipeline, Alias::kActive));
  SIEVE_ASSIGN_OR_RETURN(a.candidate, view.AliasTarget(pipeline, Alias::kCandidate));
  return a;
}

Status RocksFeatureSetStore::Promote(std::string_view pipeline, uint64_t version) {
  SIEVE_RETURN_IF_ERROR(CheckWritable());
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  std::lock_guard lock(write_mu_);
  if (write_failed_) SIEVE_RETURN_IF_ERROR(RecoverFromWriteError());
  rocksdb::WriteBatch batch;
  {
    ReadView view(this);
    SIEVE_RETURN_IF_ERROR(view.Available());
    SIEVE_ASSIGN_OR_RETURN(FeatureSetVersion v, view.Version(pipeline, version));
    auto exceeded = ExceededBudgets(v);
    if (!exceeded.empty()) {
      return Status::FailedPrecondition(VersionContext(pipeline, version) +
                                        " cannot be active: it exceeds budget " + exceeded.front());
    }
    SIEVE_ASSIGN_OR_RETURN(auto candidate, view.AliasTarget(pipeline, Alias::kCandidate));
    rocksdb::Status s = batch.Put(aliases_, keys::AliasKey(pipeline, AliasName(Alias::kActive)),
                                  keys::EncodeAliasValue(version));
    if (s.ok() && candidate == version) {
      s = batch.Delete(aliases_, keys::AliasKey(pipeline, AliasName(Alias::kCandidate)));
    }
    if (!s.ok()) return FromRocks(s, VersionContext(pipeline, version));
  }
  return ApplyBatch(&batch).WithContext("promoting " + VersionContext(pipeline, version));
}

Status RocksFeatureSetStore::ClearAlias(std::string_view pipeline, Alias alias) {
  SIEVE_RETURN_IF_ERROR(CheckWritable());
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  std::lock_guard lock(write_mu_);
  if (write_failed_) SIEVE_RETURN_IF_ERROR(RecoverFromWriteError());
  rocksdb::WriteBatch batch;
  rocksdb::Status s = batch.Delete(aliases_, keys::AliasKey(pipeline, AliasName(alias)));
  if (!s.ok()) return FromRocks(s, "clearing alias");
  return ApplyBatch(&batch).WithContext("clearing alias " + std::string(AliasName(alias)) +
                                        " of pipeline " + Quoted(pipeline));
}

Result<FeatureSetVersion> RocksFeatureSetStore::Rollback(std::string_view pipeline, uint64_t target,
                                                         std::string_view reason) {
  SIEVE_RETURN_IF_ERROR(CheckWritable());
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  std::lock_guard lock(write_mu_);
  if (write_failed_) SIEVE_RETURN_IF_ERROR(RecoverFromWriteError());
  FeatureSetVersion copy;
  {
    ReadView view(this);
    SIEVE_RETURN_IF_ERROR(view.Available());
    SIEVE_ASSIGN_OR_RETURN(copy, view.Version(pipeline, target));
  }
  copy.version = 0;
  copy.parent = target;
  copy.state = FeatureSetState::kActive;
  copy.reason =
      "rollback to v" + std::to_string(target) + (reason.empty() ? "" : ": ") + std::string(reason);
  copy.created_at_unix_ms = options_.now_unix_ms ? options_.now_unix_ms() : SystemNowMs();
  copy.jaccard_to_previous_active.reset();
  CommitOptions commit;
  commit.make_active = true;
  return CommitLocked(std::move(copy), commit);
}

Result<FeatureSetDiff> RocksFeatureSetStore::Diff(std::string_view pipeline, VersionRef from,
                                                  VersionRef to) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  SIEVE_ASSIGN_OR_RETURN(uint64_t a, view.Resolve(pipeline, from));
  SIEVE_ASSIGN_OR_RETURN(uint64_t b, view.Resolve(pipeline, to));
  SIEVE_ASSIGN_OR_RETURN(FeatureSetVersion va, view.CachedVersion(pipeline, a));
  SIEVE_ASSIGN_OR_RETURN(FeatureSetVersion vb, view.CachedVersion(pipeline, b));
  return DiffFeatureSets(va, vb);
}

Status RocksFeatureSetStore::SetPipelineState(std::string_view pipeline,
                                              const PipelineState& state) {
  SIEVE_RETURN_IF_ERROR(CheckWritable());
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  SIEVE_RETURN_IF_ERROR(ValidatePipelineStateText(state).WithContext("pipeline state"));
  std::lock_guard lock(write_mu_);
  if (write_failed_) SIEVE_RETURN_IF_ERROR(RecoverFromWriteError());
  rocksdb::WriteBatch batch;
  rocksdb::Status s =
      batch.Put(meta_, keys::PipelineStateKey(pipeline), EncodePipelineStateJson(state));
  if (!s.ok()) return FromRocks(s, "storing pipeline state");
  return ApplyBatch(&batch).WithContext("storing state of pipeline " + Quoted(pipeline));
}

Result<PipelineState> RocksFeatureSetStore::GetPipelineState(std::string_view pipeline) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  return view.State(pipeline);
}

Result<std::vector<std::string>> RocksFeatureSetStore::ListPipelines() {
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  std::set<std::string> names;
  for (auto* cf : {meta_, versions_, aliases_, window_, offsets_}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.Options(), cf));
    for (it->SeekToFirst(); it->Valid();) {
      auto p = keys::PipelineOf(AsView(it->key()));
      if (!p) {
        it->Next();
        continue;
      }
      names.emplace(*p);
      it->Seek(keys::PipelineEnd(*p));
    }
    if (!it->status().ok()) return Err(FromRocks(it->status(), "listing pipelines"));
  }
  return std::vector<std::string>(names.begin(), names.end());
}

Result<PipelineSummary> RocksFeatureSetStore::Summarize(std::string_view pipeline) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  PipelineSummary s;
  s.name = std::string(pipeline);
  SIEVE_ASSIGN_OR_RETURN(s.latest_version, view.Latest(pipeline));
  SIEVE_ASSIGN_OR_RETURN(s.aliases.active, view.AliasTarget(pipeline, Alias::kActive));
  SIEVE_ASSIGN_OR_RETURN(s.aliases.candidate, view.AliasTarget(pipeline, Alias::kCandidate));
  std::string prefix = keys::WindowPrefix(pipeline, kIndex);
  auto b = view.Iterate(window_, prefix, keys::WindowPrefix(pipeline, kIndex + 1));
  for (b->it->SeekToFirst(); b->it->Valid(); b->it->Next()) {
    auto idx = keys::DecodeChunkIndex(AsView(b->it->value()));
    if (!idx)
      return Err(Status::Corruption("pipeline " + Quoted(pipeline) + ": malformed window index"));
    ++s.window_chunks;
    s.window_rows += idx->rows;
  }
  if (!b->it->status().ok()) return Err(FromRocks(b->it->status(), "reading window index"));
  SIEVE_ASSIGN_OR_RETURN(s.offsets, view.Offsets(pipeline, kWindowOffsets));
  SIEVE_ASSIGN_OR_RETURN(s.state, view.State(pipeline));
  return s;
}

// ---- window ----

Result<uint64_t> RocksFeatureSetStore::AppendWindowChunk(std::string_view pipeline,
                                                         const WindowChunk& chunk) {
  SIEVE_RETURN_IF_ERROR(CheckWritable());
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  SIEVE_RETURN_IF_ERROR(
      ValidateWindowChunk(chunk).WithContext("pipeline " + Quoted(pipeline) + " window chunk"));
  std::lock_guard lock(write_mu_);
  if (write_failed_) SIEVE_RETURN_IF_ERROR(RecoverFromWriteError());
  if (chunk.num_rows == 0) {
    // Only the positions move (every record was dead-lettered, say); an empty
    // chunk would also look like a column-layout change to LoadWindow.
    rocksdb::WriteBatch batch;
    rocksdb::Status s;
    for (const PartitionOffset& o : chunk.offsets) {
      if (!s.ok()) break;
      s = batch.Put(offsets_, keys::OffsetKey(pipeline, kWindowOffsets, o.topic, o.partition),
                    keys::EncodeOffsetValue(o.next_offset));
    }
    if (!s.ok()) return Err(FromRocks(s, "storing offsets"));
    SIEVE_RETURN_IF_ERROR(
        ApplyBatch(&batch).WithContext("storing offsets of pipeline " + Quoted(pipeline)));
    return uint64_t{0};
  }
  std::string encoded = EncodeWindowChunk(chunk);
  uint64_t sequence = 1;
  {
    ReadView view(this);
    SIEVE_RETURN_IF_ERROR(view.Available());
    SIEVE_ASSIGN_OR_RETURN(auto next, view.Get(meta_, keys::WindowNextSequenceKey(pipeline),
                                               "reading window sequence"));
    if (next) {
      if (next->size() != 8) {
        return Err(
            Status::Corruption("pipeline " + Quoted(pipeline) + ": malformed window sequence"));
      }
      sequence = keys::ReadBigEndian64(next->data());
    }
  }
  std::string next_value;
  keys::AppendBigEndian64(&next_value, sequence + 1);
  rocksdb::WriteBatch batch;
  rocksdb::Status s = batch.Put(window_, keys::WindowKey(pipeline, kChunk, sequence), encoded);
  if (s.ok()) {
    keys::ChunkIndex idx{chunk.num_rows,
                         WindowLayoutFingerprint(chunk.float_columns, chunk.bucket_columns)};
    s = batch.Put(window_, keys::WindowKey(pipeline, kIndex, sequence),
                  keys::EncodeChunkIndex(idx));
  }
  if (s.ok()) s = batch.Put(meta_, keys::WindowNextSequenceKey(pipeline), next_value);
  for (const PartitionOffset& o : chunk.offsets) {
    if (!s.ok()) break;
    s = batch.Put(offsets_, keys::OffsetKey(pipeline, kWindowOffsets, o.topic, o.partition),
                  keys::EncodeOffsetValue(o.next_offset));
  }
  const std::string ctx =
      "pipeline " + Quoted(pipeline) + " window chunk " + std::to_string(sequence);
  if (!s.ok()) return Err(FromRocks(s, ctx));
  SIEVE_RETURN_IF_ERROR(ApplyBatch(&batch).WithContext("storing " + ctx));
  return sequence;
}

Result<WindowSnapshot> RocksFeatureSetStore::LoadWindow(std::string_view pipeline,
                                                        size_t max_rows) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  WindowSnapshot snap;
  SIEVE_ASSIGN_OR_RETURN(snap.offsets, view.Offsets(pipeline, kWindowOffsets));
  if (max_rows == 0) return snap;

  // Walk the small index backwards to find which chunks hold the newest rows.
  struct Planned {
    uint64_t sequence;
    uint32_t rows;
  };
  std::vector<Planned> plan;
  uint64_t total = 0;
  {
    auto b = view.Iterate(window_, keys::WindowPrefix(pipeline, kIndex),
                          keys::WindowPrefix(pipeline, kIndex + 1));
    std::optional<uint64_t> layout;
    for (b->it->SeekToLast(); b->it->Valid() && total < max_rows; b->it->Prev()) {
      auto seq = keys::SequenceOfWindowKey(pipeline, kIndex, AsView(b->it->key()));
      auto idx = keys::DecodeChunkIndex(AsView(b->it->value()));
      if (!seq || !idx) {
        return Err(
            Status::Corruption("pipeline " + Quoted(pipeline) + ": malformed window index entry"));
      }
      if (layout && *layout != idx->fingerprint)
        break;  // older column layout: not part of this window
      layout = idx->fingerprint;
      plan.push_back({*seq, idx->rows});
      total += idx->rows;
    }
    if (!b->it->status().ok()) return Err(FromRocks(b->it->status(), "reading window index"));
  }
  if (plan.empty()) return snap;
  std::reverse(plan.begin(), plan.end());
  uint64_t skip = total > max_rows ? total - max_rows : 0;  // oldest rows of the first chunk
  snap.num_rows = total - skip;
  snap.first_sequence = plan.front().sequence;
  snap.last_sequence = plan.back().sequence;

  // Then stream the chunks forward, copying rows straight into the snapshot.
  rocksdb::ReadOptions bulk;
  bulk.fill_cache = false;
  bulk.readahead_size = 8 << 20;
  auto b = view.Iterate(window_, keys::WindowKey(pipeline, kChunk, snap.first_sequence),
                        keys::WindowKey(pipeline, kChunk, snap.last_sequence + 1), bulk);
  size_t row = 0;
  size_t next_plan = 0;
  for (b->it->SeekToFirst(); b->it->Valid(); b->it->Next(), ++next_plan) {
    auto seq = keys::SequenceOfWindowKey(pipeline, kChunk, AsView(b->it->key()));
    const std::string ctx = "pipeline " + Quoted(pipeline) + " window chunk " +
                            (seq ? std::to_string(*seq) : std::string("?"));
    if (next_plan >= plan.size() || !seq || *seq != plan[next_plan].sequence) {
      return Err(Status::Corruption(ctx + ": chunk and window index disagree"));
    }
    auto view_or = ParseWindowChunk(AsView(b->it->value()));
    if (!view_or) return Err(view_or.error().WithContext(ctx));
    const WindowChunkView& c = *view_or;
    if (c.num_rows != plan[next_plan].rows) {
      return Err(Status::Corruption(ctx + ": holds " + std::to_string(c.num_rows) +
                                    " rows, index says " + std::to_string(plan[next_plan].rows)));
    }
    if (next_plan == 0) {
      snap.float_columns = c.float_columns;
      snap.bucket_columns = c.bucket_columns;
      snap.floats.resize(snap.num_rows * snap.float_columns.size());
      snap.buckets.resize(snap.num_rows * snap.bucket_columns.size());
      snap.labels.resize(snap.num_rows);
    } else if (c.float_columns != snap.float_columns || c.bucket_columns != snap.bucket_columns) {
      return Err(Status::Corruption(ctx + ": column layout differs from its index"));
    }
    const size_t from = next_plan == 0 ? skip : 0;
    const size_t n = c.num_rows - from;
    const size_t nf = snap.float_columns.size();
    const size_t nb = snap.bucket_columns.size();
    // (No memcpy into the null data() of an empty column set.)
    if (nf > 0) std::memcpy(snap.floats.data() + row * nf, c.floats + from * nf * 4, n * nf * 4);
    if (nb > 0) std::memcpy(snap.buckets.data() + row * nb, c.buckets + from * nb * 4, n * nb * 4);
    std::memcpy(snap.labels.data() + row, c.labels + from * 4, n * 4);
    row += n;
  }
  if (!b->it->status().ok()) return Err(FromRocks(b->it->status(), "reading window chunks"));
  if (next_plan != plan.size()) {
    return Err(Status::Corruption("pipeline " + Quoted(pipeline) + " window chunk " +
                                  std::to_string(plan[next_plan].sequence) +
                                  ": listed in the window index but missing"));
  }
  return snap;
}

Result<std::vector<PartitionOffset>> RocksFeatureSetStore::LoadOffsets(std::string_view pipeline) {
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  return view.Offsets(pipeline, kWindowOffsets);
}

Result<uint64_t> RocksFeatureSetStore::TrimWindow(std::string_view pipeline, size_t keep_rows) {
  SIEVE_RETURN_IF_ERROR(CheckWritable());
  SIEVE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  std::lock_guard lock(write_mu_);
  if (write_failed_) SIEVE_RETURN_IF_ERROR(RecoverFromWriteError());
  uint64_t keep_from = 0;  // first sequence kept; chunks before it go
  uint64_t deleted = 0;
  {
    ReadView view(this);
    SIEVE_RETURN_IF_ERROR(view.Available());
    auto b = view.Iterate(window_, keys::WindowPrefix(pipeline, kIndex),
                          keys::WindowPrefix(pipeline, kIndex + 1));
    uint64_t total = 0;
    std::optional<uint64_t> layout;
    bool keeping = keep_rows > 0;
    for (b->it->SeekToLast(); b->it->Valid(); b->it->Prev()) {
      auto seq = keys::SequenceOfWindowKey(pipeline, kIndex, AsView(b->it->key()));
      auto idx = keys::DecodeChunkIndex(AsView(b->it->value()));
      if (!seq || !idx) {
        return Err(
            Status::Corruption("pipeline " + Quoted(pipeline) + ": malformed window index entry"));
      }
      if (keeping && (!layout || *layout == idx->fingerprint)) {
        layout = idx->fingerprint;
        keep_from = *seq;
        total += idx->rows;
        keeping = total < keep_rows;
        continue;
      }
      keeping = false;
      ++deleted;
      if (keep_from == 0) keep_from = *seq + 1;
    }
    if (!b->it->status().ok()) return Err(FromRocks(b->it->status(), "reading window index"));
  }
  if (deleted == 0) return uint64_t{0};
  rocksdb::WriteBatch batch;
  rocksdb::Status s = batch.DeleteRange(window_, keys::WindowKey(pipeline, kChunk, 0),
                                        keys::WindowKey(pipeline, kChunk, keep_from));
  if (s.ok()) {
    s = batch.DeleteRange(window_, keys::WindowKey(pipeline, kIndex, 0),
                          keys::WindowKey(pipeline, kIndex, keep_from));
  }
  if (!s.ok()) return Err(FromRocks(s, "trimming window"));
  SIEVE_RETURN_IF_ERROR(
      ApplyBatch(&batch).WithContext("trimming window of pipeline " + Quoted(pipeline)));
  return deleted;
}

// ---- operations ----

Result<uint32_t> RocksFeatureSetStore::Backup(const std::string& backup_dir) {
  SIEVE_RETURN_IF_ERROR(CheckWritable());
  std::shared_lock lock(db_mu_);
  if (!db_) return Err(Status::Unavailable("store at " + path_ + " is closed"));
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s =
      rocksdb::BackupEngine::Open(rocksdb::BackupEngineOptions(backup_dir), env(), &raw);
  if (!s.ok()) return Err(FromRocks(s, "opening backup directory " + backup_dir));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  s = engine->CreateNewBackup(create, db_.get(), &id);
  if (!s.ok()) return Err(FromRocks(s, "backing up store at " + path_ + " to " + backup_dir));
  return id;
}

Status RocksFeatureSetStore::Refresh() {
  if (options_.mode != StoreMode::kSecondary) return Status::Ok();
  std::shared_lock lock(db_mu_);
  if (!db_) return Status::Unavailable("store at " + path_ + " is closed");
  return FromRocks(db_->TryCatchUpWithPrimary(), "catching up with store at " + path_);
}

Result<std::vector<Status>> RocksFeatureSetStore::Verify() {
  std::vector<Status> problems;
  SIEVE_ASSIGN_OR_RETURN(auto pipelines, ListPipelines());
  ReadView view(this);
  SIEVE_RETURN_IF_ERROR(view.Available());
  rocksdb::Status checksums = db_->VerifyChecksum(view.Options());
  if (!checksums.ok()) problems.push_back(FromRocks(checksums, "block checksums"));

  for (const std::string& p : pipelines) {
    // Versions: decodable and numbered 1..latest.
    auto b = view.Iterate(versions_, keys::PipelinePrefix(p), keys::PipelineEnd(p));
    uint64_t expected = 1;
    std::set<uint64_t> present;
    for (b->it->SeekToFirst(); b->it->Valid(); b->it->Next()) {
      auto n = keys::VersionOfKey(p, AsView(b->it->key()));
      if (!n) {
        problems.push_back(Status::Corruption("pipeline " + Quoted(p) + ": malformed version key"));
        continue;
      }
      if (*n != expected) {
        problems.push_back(Status::DataLoss("pipeline " + Quoted(p) + ": version " +
                                            std::to_string(*n) + " follows " +
                                            std::to_string(expected - 1) + " (gap)"));
      }
      expected = *n + 1;
      present.insert(*n);
      auto v = ReadView::Decode(p, *n, AsView(b->it->value()));
      if (!v) problems.push_back(v.error());
    }
    if (!b->it->status().ok()) problems.push_back(FromRocks(b->it->status(), "reading versions"));

    for (Alias alias : {Alias::kActive, Alias::kCandidate}) {
      auto target = view.AliasTarget(p, alias);
      if (!target) {
        problems.push_back(target.error());
      } else if (*target && !present.contains(**target)) {
        problems.push_back(
            Status::DataLoss("pipeline " + Quoted(p) + ": alias " + std::string(AliasName(alias)) +
                             " points at missing version " + std::to_string(**target)));
      }
    }

    // Window: every index entry has its chunk, which decodes and agrees.
    auto idx_it =
        view.Iterate(window_, keys::WindowPrefix(p, kIndex), keys::WindowPrefix(p, kIndex + 1));
    auto chunk_it =
        view.Iterate(window_, keys::WindowPrefix(p, kChunk), keys::WindowPrefix(p, kChunk + 1));
    idx_it->it->SeekToFirst();
    chunk_it->it->SeekToFirst();
    while (idx_it->it->Valid() || chunk_it->it->Valid()) {
      // 0 stands for "no entry": sequences start at 1.
      const uint64_t is =
          idx_it->it->Valid()
              ? keys::SequenceOfWindowKey(p, kIndex, AsView(idx_it->it->key())).value_or(0)
              : 0;
      const uint64_t cs =
          chunk_it->it->Valid()
              ? keys::SequenceOfWindowKey(p, kChunk, AsView(chunk_it->it->key())).value_or(0)
              : 0;
      if (is == 0 || cs == 0 || is != cs) {
        uint64_t seq = is != 0 ? is : cs;
        problems.push_back(Status::DataLoss("pipeline " + Quoted(p) + " window chunk " +
                                            std::to_string(seq) + ": chunk and index disagree"));
        break;
      }
      auto idx = keys::DecodeChunkIndex(AsView(idx_it->it->value()));
      auto chunk = ParseWindowChunk(AsView(chunk_it->it->value()));
      const std::string ctx = "pipeline " + Quoted(p) + " window chunk " + std::to_string(is);
      if (!chunk) {
        problems.push_back(chunk.error().WithContext(ctx));
      } else if (!idx || idx->rows != chunk->num_rows ||
                 idx->fingerprint !=
                     WindowLayoutFingerprint(chunk->float_columns, chunk->bucket_columns)) {
        problems.push_back(Status::Corruption(ctx + ": index entry does not match the chunk"));
      }
      idx_it->it->Next();
      chunk_it->it->Next();
    }
    auto offsets = view.Offsets(p, kWindowOffsets);
    if (!offsets) problems.push_back(offsets.error());
    auto state = view.State(p);
    if (!state) problems.push_back(state.error());
  }
  return problems;
}

}  // namespace sieve
