// Decoder throughput without Kafka: records of 50 numeric features plus a label
// decoded into a RecordBatch (Google Benchmark; items/s = records/s).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "connectors/codec/record_decoder.h"

namespace {

constexpr int kFeatures = 50;
constexpr int kRecords = 4096;

std::vector<std::string> Records(bool csv) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::string> out;
  char number[32];
  for (int i = 0; i < kRecords; ++i) {
    std::string r = csv ? "" : "{";
    for (int f = 0; f < kFeatures; ++f) {
      if (csv) {
        std::snprintf(number, sizeof(number), "%.6f,", normal(rng));
      } else {
        std::snprintf(number, sizeof(number), "\"f%d\": %.6f, ", f, normal(rng));
      }
      r += number;
    }
    r += csv ? std::to_string(i % 2) : "\"label\": " + std::to_string(i % 2) + "}";
    out.push_back(std::move(r));
  }
  return out;
}

sieve::FeatureSchema Schema() {
  sieve::FeatureSchema schema;
  for (int f = 0; f < kFeatures; ++f) schema.numeric_features.push_back("f" + std::to_string(f));
  schema.label_field = "label";
  return schema;
}

void Run(benchmark::State& state, sieve::RecordDecoder& decoder, const std::vector<std::string>& records) {
  sieve::RecordBatch batch(kFeatures, 0);
  batch.Reserve(kRecords);
  size_t bytes = 0;
  for (auto _ : state) {
    batch.Clear();
    for (const auto& r : records) {
      if (!decoder.Decode(r, {"bench", 0, 0}, batch, nullptr).ok()) state.SkipWithError("decode");
      bytes += r.size();
    }
    benchmark::DoNotOptimize(batch.numeric(0).data());
  }
  state.SetItemsProcessed(state.iterations() * records.size());
  state.SetBytesProcessed(bytes);
}

void BM_JsonDecode50Numeric(benchmark::State& state) {
  sieve::JsonDecoderOptions options;
  options.schema = Schema();
  auto decoder = sieve::CreateJsonDecoder(options);
  Run(state, **decoder, Records(false));
}
BENCHMARK(BM_JsonDecode50Numeric);

void BM_CsvDecode50Numeric(benchmark::State& state) {
  sieve::CsvDecoderOptions options;
  options.schema = Schema();
  for (int f = 0; f < kFeatures; ++f) options.header.push_back("f" + std::to_string(f));
  options.header.push_back("label");
  auto decoder = sieve::CreateCsvDecoder(options);
  Run(state, **decoder, Records(true));
}
BENCHMARK(BM_CsvDecode50Numeric);

}  // namespace

BENCHMARK_MAIN();
