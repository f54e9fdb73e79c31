#include "tests/connectors/store/store_test_util.h"

#include <rocksdb/db.h>

#include <memory>

#include "connectors/store/rocks_status.h"

namespace sieve::testing {

FeatureSetVersion MakeVersion(const std::string& pipeline, uint64_t seed) {
  FeatureSetVersion v;
  v.pipeline = pipeline;
  v.created_at_unix_ms = 1'700'000'000'000 + static_cast<int64_t>(seed);
  v.state = FeatureSetState::kCandidate;
  v.reason = "trained on window " + std::to_string(seed);
  v.algorithm = "sequential_attention";
  v.hyperparameters = {{"hidden", "64"}, {"steps", std::to_string(100 + seed)}};
  v.seed = seed;
  v.config_hash = "cfg" + std::to_string(seed % 7);
  v.window_offsets = {{"events", 0, static_cast<int64_t>(seed * 10)},
                      {"events", 1, static_cast<int64_t>(seed * 10 + 1)}};
  const int n = 1 + static_cast<int>(seed % 5);
  double latency = 0;
  for (int i = 0; i < n; ++i) {
    SelectedFeature f;
    f.name = "f" + std::to_string(seed) + "_" + std::to_string(i);
    f.kind = i % 2 == 0 ? FeatureKind::kNumeric : FeatureKind::kCategorical;
    f.rank = i + 1;
    f.attention_weight = 1.0 / (i + 1) + static_cast<double>(seed) * 1e-3;
    f.costs = {{"latency_us", 2.5 * (i + 1)}, {"memory_bytes", 64.0 * i}};
    f.embedding_size = f.kind == FeatureKind::kCategorical ? 8 : 0;
    latency += f.costs["latency_us"];
    v.features.push_back(f);
  }
  v.budgets = {{"latency_us", {1000, latency}}, {"features", {10, static_cast<double>(n)}}};
  v.validation_metrics = {{"auc", 0.5 + static_cast<double>(seed % 50) / 100.0}, {"logloss", 0.3}};
  return v;
}

bool MatchesMakeVersion(const FeatureSetVersion& v, uint64_t seed) {
  FeatureSetVersion expected = MakeVersion(v.pipeline, seed);
  expected.version = v.version;
  expected.parent = v.parent;
  expected.jaccard_to_previous_active = v.jaccard_to_previous_active;
  expected.state = v.state;  // active when committed with make_active
  return v == expected;
}

float CellValue(uint64_t row, uint32_t col) {
  return static_cast<float>(row) + static_cast<float>(col) / 16.0f;
}

WindowChunk MakeChunk(uint64_t first_row, uint32_t rows, uint32_t float_cols,
                      uint32_t bucket_cols) {
  WindowChunk c;
  for (uint32_t j = 0; j < float_cols; ++j) c.float_columns.push_back("x" + std::to_string(j));
  for (uint32_t j = 0; j < bucket_cols; ++j) c.bucket_columns.push_back("cat" + std::to_string(j));
  c.num_rows = rows;
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t j = 0; j < float_cols; ++j) c.floats.push_back(CellValue(first_row + r, j));
    for (uint32_t j = 0; j < bucket_cols; ++j) {
      c.buckets.push_back(static_cast<int32_t>((first_row + r) * 31 + j));
    }
    c.labels.push_back(static_cast<float>((first_row + r) % 2));
  }
  c.offsets = {{"events", 0, static_cast<int64_t>(first_row + rows)}};
  return c;
}

Status RawPut(const std::string& db_path, const std::string& cf, const std::string& key,
              const std::string& value) {
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), db_path, &names);
  if (!s.ok()) return FromRocks(s, "listing column families");
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(rocksdb::DBOptions(), db_path, cfs, &handles, &raw);
  if (!s.ok()) return FromRocks(s, "opening raw");
  std::unique_ptr<rocksdb::DB> db(raw);
  Status out = Status::NotFound("column family " + cf);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == cf)
      out = FromRocks(db->Put(rocksdb::WriteOptions(), handles[i], key, value), "raw put");
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close().PermitUncheckedError();
  return out;
}

}  // namespace sieve::testing
