// Feature-set store speed: version write and read latency (p50/p99 as counters),
// window append throughput, and the time to restore (open + load) a window of
// 1M records x 100 features. Each benchmark works in a fresh directory under
// $TMPDIR (or /tmp), removed afterwards; the page cache is warm for the restore.
//
//   build/bench/store/store_bench                       # everything (~1 min)
//   build/bench/store/store_bench --benchmark_filter=Version
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "connectors/store/feature_set_store.h"

namespace sieve {
namespace {

class BenchDir {
 public:
  BenchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sieve-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  std::string db() const { return (path_ / "db").string(); }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<FeatureSetStore> OpenOrDie(const std::string& path, bool sync) {
  StoreOptions o;
  o.sync = sync;
  auto store = FeatureSetStore::Open(path, o);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
    std::abort();
  }
  return std::move(*store);
}

// A realistic version: 100 selected features with costs, budgets and metrics.
FeatureSetVersion BenchVersion(uint64_t seed) {
  FeatureSetVersion v;
  v.pipeline = "ctr";
  v.created_at_unix_ms = 1'700'000'000'000;
  v.reason = "validation auc within max_regression of the active version";
  v.algorithm = "sequential_attention";
  v.hyperparameters = {{"hidden", "64"}, {"steps", "2000"}, {"learning_rate", "0.001"}};
  v.seed = seed;
  v.config_hash = "9f2c1e77a0b3";
  for (int p = 0; p < 8; ++p) v.window_offsets.push_back({"events", p, 1'000'000 + p});
  for (int i = 0; i < 100; ++i) {
    SelectedFeature f;
    f.name = "feature_" + std::to_string(i);
    f.kind = i % 4 == 0 ? FeatureKind::kCategorical : FeatureKind::kNumeric;
    f.rank = i + 1;
    f.attention_weight = 1.0 / (i + 1);
    f.costs = {{"latency_us", 1.5}, {"memory_bytes", 256}};
    f.embedding_size = f.kind == FeatureKind::kCategorical ? 16 : 0;
    v.features.push_back(std::move(f));
  }
  v.budgets = {
      {"latency_us", {500, 150}}, {"memory_bytes", {1 << 20, 25600}}, {"features", {100, 100}}};
  v.validation_metrics = {{"auc", 0.81}, {"logloss", 0.42}};
  return v;
}

WindowChunk BenchChunk(uint64_t first_row, uint32_t rows, uint32_t cols) {
  WindowChunk c;
  for (uint32_t j = 0; j < cols; ++j) c.float_columns.push_back("f" + std::to_string(j));
  c.num_rows = rows;
  c.floats.resize(size_t{rows} * cols);
  std::mt19937 rng(static_cast<uint32_t>(first_row));
  std::normal_distribution<float> normal;
  for (float& x : c.floats) x = normal(rng);
  c.labels.assign(rows, 1.0f);
  c.offsets = {{"events", 0, static_cast<int64_t>(first_row + rows)}};
  return c;
}

void ReportPercentiles(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
}

// Commit latency of one version (100 features) with its alias move and offsets.
void BM_VersionWrite(benchmark::State& state) {
  const bool sync = state.range(0) != 0;
  BenchDir dir;
  auto store = OpenOrDie(dir.db(), sync);
  std::vector<double> micros;
  uint64_t i = 0;
  for (auto _ : state) {
    FeatureSetVersion v = BenchVersion(++i);
    auto t0 = std::chrono::steady_clock::now();
    auto r = store->CommitVersion(std::move(v), {.make_active = true});
    auto t1 = std::chrono::steady_clock::now();
    if (!r) state.SkipWithError(r.error().ToString().c_str());
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  ReportPercentiles(state, micros);
  state.SetLabel(sync ? "fsync per write" : "no fsync");
}
BENCHMARK(BM_VersionWrite)->Arg(1)->Arg(0)->Iterations(2000)->Unit(benchmark::kMicrosecond);

// Read latency of a random version by number, among 2000 stored, or of `active`.
void BM_VersionRead(benchmark::State& state) {
  const bool by_alias = state.range(0) != 0;
  BenchDir dir;
  auto store = OpenOrDie(dir.db(), false);
  constexpr uint64_t kStored = 2000;
  for (uint64_t i = 1; i <= kStored; ++i) {
    if (!store->CommitVersion(BenchVersion(i), {.make_active = true})) std::abort();
  }
  std::mt19937_64 rng(7);
  std::vector<double> micros;
  for (auto _ : state) {
    VersionRef ref = by_alias ? VersionRef::Active() : VersionRef::Number(1 + rng() % kStored);
    auto t0 = std::chrono::steady_clock::now();
    auto v = store->GetVersion("ctr", ref);
    auto t1 = std::chrono::steady_clock::now();
    if (!v) state.SkipWithError(v.error().ToString().c_str());
    benchmark::DoNotOptimize(v);
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  ReportPercentiles(state, micros);
  state.SetLabel(by_alias ? "active" : "random number");
}
BENCHMARK(BM_VersionRead)->Arg(0)->Arg(1)->Iterations(20000)->Unit(benchmark::kMicrosecond);

// Window append throughput: chunks of 1000 rows x 100 float features, with offsets.
void BM_WindowAppend(benchmark::State& state) {
  const bool sync = state.range(0) != 0;
  constexpr uint32_t kRows = 1000;
  constexpr uint32_t kCols = 100;
  BenchDir dir;
  auto store = OpenOrDie(dir.db(), sync);
  WindowChunk chunk = BenchChunk(0, kRows, kCols);
  uint64_t row = 0;
  for (auto _ : state) {
    row += kRows;
    chunk.offsets[0].next_offset = static_cast<int64_t>(row);
    auto seq = store->AppendWindowChunk("ctr", chunk);
    if (!seq) state.SkipWithError(seq.error().ToString().c_str());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kRows);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kRows * (kCols + 1) * 4);
  state.SetLabel(sync ? "rows/s, 1000x100 chunks, fsync per chunk"
                      : "rows/s, 1000x100 chunks, no fsync");
}
BENCHMARK(BM_WindowAppend)
    ->Arg(1)
    ->Arg(0)
    ->Iterations(1000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Restart: open the store and load the newest 1M rows x 100 features.
void BM_WindowRestore1M(benchmark::State& state) {
  constexpr uint32_t kRows = 1000;
  constexpr uint32_t kCols = 100;
  constexpr size_t kTotal = 1'000'000;
  BenchDir dir;
  {
    auto store = OpenOrDie(dir.db(), false);
    for (uint64_t row = 0; row < kTotal; row += kRows) {
      if (!store->AppendWindowChunk("ctr", BenchChunk(row, kRows, kCols))) std::abort();
    }
  }
  for (auto _ : state) {
    auto store = OpenOrDie(dir.db(), false);
    auto w = store->LoadWindow("ctr", kTotal);
    if (!w || w->num_rows != kTotal || w->floats.size() != kTotal * kCols) {
      state.SkipWithError("window not restored");
      break;
    }
    benchmark::DoNotOptimize(w->floats.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kTotal);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kTotal * (kCols + 1) * 4);
  state.SetLabel("open + load 1M x 100, warm page cache");
}
BENCHMARK(BM_WindowRestore1M)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sieve

BENCHMARK_MAIN();
