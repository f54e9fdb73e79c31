// The Sequential Attention training loop's arithmetic rate next to Eigen's own GEMM
// rate on the same shapes, in one run: how much of the machine the loop uses.
//
//   build/bench/training_bench [--benchmark_filter=...]
// Compare the GFLOP/s counters of BM_EigenGemm and BM_SequentialAttentionLoop.
#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include "core/mlp.h"
#include "core/rng.h"
#include "core/sequential_attention.h"

namespace sieve {
namespace {

constexpr int kRows = 8000, kFeatures = 784, kHidden = 64, kClasses = 10, kBatch = 256;

// Multiply-adds of one training step's three big products (forward, weight gradient,
// input gradient) of the first layer plus the output layer: 2 flops each.
double FlopsPerStep() {
  const double first = static_cast<double>(kBatch) * kFeatures * kHidden;
  const double out = static_cast<double>(kBatch) * kHidden * kClasses;
  return 2.0 * (3 * first + 3 * out);
}

void BM_EigenGemm(benchmark::State& state) {
  Eigen::setNbThreads(static_cast<int>(state.range(0)));
  Rng rng(1);
  MatrixRM a(kBatch, kFeatures), b(kFeatures, kHidden), c(kBatch, kHidden);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = static_cast<float>(rng.Normal());
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = static_cast<float>(rng.Normal());
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * kBatch * kFeatures * kHidden * state.iterations() / 1e9,
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EigenGemm)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_SequentialAttentionLoop(benchmark::State& state) {
  Dataset data;
  data.rows = kRows;
  data.cols = kFeatures;
  data.values.resize(static_cast<size_t>(kRows) * kFeatures);
  data.labels.resize(kRows);
  Rng rng(2);
  for (auto& v : data.values) v = static_cast<float>(rng.Normal());
  for (int r = 0; r < kRows; ++r) data.labels[r] = static_cast<float>(r % kClasses);
  for (int c = 0; c < kFeatures; ++c) data.feature_names.push_back("f" + std::to_string(c));
  data.task = Task::kClassification;
  data.num_classes = kClasses;
  SelectorOptions o;
  o.k = 3;
  o.steps_per_round = 200;
  o.hidden = {kHidden};
  o.threads = static_cast<int>(state.range(0));
  int64_t steps = 0;
  for (auto _ : state) {
    SequentialAttentionSelector selector(o);
    auto s = selector.Select(data, {});
    steps += s->training_steps;
  }
  state.counters["GFLOP/s"] = benchmark::Counter(FlopsPerStep() * steps / 1e9, benchmark::Counter::kIsRate);
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SequentialAttentionLoop)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sieve

BENCHMARK_MAIN();
