// Categorical units, embedding-size search, hidden-unit pruning and cross search.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/block_pruning.h"
#include "core/budgeted_selection.h"
#include "core/cross_search.h"
#include "core/rng.h"
#include "core/structured_model.h"
#include "tests/testing/datasets.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;

// A table of categorical units c0.. (ids 0..values-1) and numeric units x0.., label 0.
StructuredDataset Table(size_t rows, const std::vector<int>& values, int numerics, uint64_t seed) {
  StructuredDataset d;
  d.rows = rows;
  d.labels.assign(rows, 0.0f);
  d.num_classes = 2;
  Rng rng(seed);
  for (size_t c = 0; c < values.size(); ++c) {
    FeatureSpec spec;
    spec.name = "c" + std::to_string(c);
    spec.kind = FeatureKind::kCategorical;
    spec.buckets = values[c];
    d.units.push_back(spec);
    d.numeric.emplace_back();
    std::vector<int32_t> ids(rows);
    for (auto& id : ids) id = static_cast<int32_t>(rng.Below(values[c]));
    d.buckets.push_back(std::move(ids));
  }
  for (int i = 0; i < numerics; ++i) {
    FeatureSpec spec;
    spec.name = "x" + std::to_string(i);
    d.units.push_back(spec);
    std::vector<float> v(rows);
    for (auto& x : v) x = static_cast<float>(rng.Normal());
    d.numeric.push_back(std::move(v));
    d.buckets.emplace_back();
  }
  return d;
}

void SplitTail(const StructuredDataset& d, double fraction, StructuredDataset& train,
               StructuredDataset& validation) {
  std::vector<size_t> tr, va;
  const size_t cut = static_cast<size_t>(d.rows * (1 - fraction));
  for (size_t r = 0; r < d.rows; ++r) (r < cut ? tr : va).push_back(r);
  train = d.Rows(tr);
  validation = d.Rows(va);
}

TEST(StructuredDataTest, SchemaMakesCategoricalUnitsWithEmbeddingMemory) {
  Dataset base = testing::GaussianFeatures(10, 3, 1);
  for (size_t r = 0; r < 10; ++r) {
    base.at(r, 1) = static_cast<float>(r % 3);
    base.labels[r] = static_cast<float>(r % 2);
  }
  base.num_classes = 2;
  FeatureSchema schema;
  schema.default_costs["latency_us"] = 2;
  FeatureSpec cat;
  cat.name = "f1";
  cat.kind = FeatureKind::kCategorical;
  cat.buckets = 100;
  cat.embedding_dim = 4;
  cat.costs["latency_us"] = 9;
  schema.features.push_back(cat);
  ASSERT_OK_AND_ASSIGN(StructuredDataset d, StructuredFromDataset(base, schema));
  ASSERT_EQ(d.units.size(), 3u);
  EXPECT_EQ(d.units[1].kind, FeatureKind::kCategorical);
  EXPECT_EQ(CostOf(d.units[1], "memory_bytes"), 100 * 4 * 4);
  EXPECT_EQ(CostOf(d.units[1], "latency_us"), 9);
  EXPECT_EQ(CostOf(d.units[0], "latency_us"), 2);
  EXPECT_EQ(CostOf(d.units[0], "memory_bytes"), 0);
  EXPECT_EQ(d.buckets[1][0], d.buckets[1][3]);  // same value, same bucket
  EXPECT_EQ(d.buckets[1][0], BucketOf("0", 100));
  EXPECT_OK(ValidateStructuredDataset(d));

  schema.features[0].name = "nope";
  EXPECT_STATUS(StructuredFromDataset(base, schema), StatusCode::kInvalidArgument,
                HasSubstr("feature 'nope' is not a column"));
  schema.features[0].name = "f1";
  schema.features[0].buckets = 0;
  EXPECT_STATUS(StructuredFromDataset(base, schema), StatusCode::kInvalidArgument,
                HasSubstr("feature 'f1': buckets must be at least 1"));
}

// A categorical feature is one unit: its whole embedding is selected (or not) together.
TEST(StructuredSelectionTest, SelectsAnInformativeCategoricalAsOneUnit) {
  StructuredDataset d = Table(3000, {30, 30}, 4, 7);
  Rng rng(8);
  std::vector<double> effect(30);
  for (auto& e : effect) e = rng.Uniform() < 0.5 ? -1.5 : 1.5;
  for (size_t r = 0; r < d.rows; ++r) {
    const double z = effect[d.buckets[1][r]] + 1.2 * d.numeric[5][r] + 0.3 * rng.Normal();
    d.labels[r] = z > 0;
  }
  BudgetedSelectionOptions o;
  o.k = 2;
  o.hidden = {16};
  o.steps_per_round = 150;
  o.seed = 4;
  ASSERT_OK_AND_ASSIGN(BudgetedSelection s, SelectUnderBudgets(d, o));
  std::vector<int> picked = UnitIndices(s);
  std::sort(picked.begin(), picked.end());
  EXPECT_EQ(picked, (std::vector<int>{1, 5}));  // c1 and x3
}

// Embedding-size search stays within its memory budget and gives the informative
// high-cardinality categorical more dimensions than the weakly informative one.
TEST(BlockPruningTest, EmbeddingSearchMeetsBudgetAndFavoursTheInformativeTable) {
  // Eight classes. c0 (64 values) mostly fixes the class: telling 8 classes apart
  // from its embedding takes several dimensions. c1 (8 values) only nudges it.
  StructuredDataset d = Table(5000, {64, 8}, 2, 11);
  d.num_classes = 8;
  Rng rng(12);
  std::vector<int> klass(64), nudge(8);
  for (int v = 0; v < 64; ++v) klass[v] = v % 8;
  for (auto& e : nudge) e = static_cast<int>(rng.Below(8));
  for (size_t r = 0; r < d.rows; ++r) {
    const double u = rng.Uniform();
    const int y = u < 0.75 ? klass[d.buckets[0][r]] : u < 0.85 ? nudge[d.buckets[1][r]] : static_cast<int>(rng.Below(8));
    d.labels[r] = static_cast<float>(y);
  }
  StructuredDataset train, validation;
  SplitTail(d, 0.2, train, validation);

  EmbeddingSearchOptions o;
  o.block_size = 2;
  o.memory_budget_bytes = 0.5 * (64 + 8) * 8 * 4;  // half of both full tables
  o.schedule = {.dense_steps = 800, .pruning_steps = 400, .sparse_steps = 200, .stages = 4};
  o.network.hidden = {32};
  o.network.learning_rate = 1e-2f;
  o.network.batch_size = 128;
  for (uint64_t seed : {3, 4, 5}) {
    o.network.seed = seed;
    ASSERT_OK_AND_ASSIGN(EmbeddingSearchResult r, SearchEmbeddingSizes(train, &validation, o));
    EXPECT_LE(r.memory_bytes, o.memory_budget_bytes);
    EXPECT_EQ(r.full_memory_bytes, (64 + 8) * 8 * 4);
    EXPECT_GT(r.embedding_dims[0], r.embedding_dims[1])
        << "seed " << seed << ": c0 " << r.embedding_dims[0] << " c1 " << r.embedding_dims[1];
    EXPECT_EQ(r.embedding_dims[2], 0);  // numeric
    EXPECT_GT(r.validation.accuracy, 0.6) << "seed " << seed;
  }

  o.memory_budget_bytes = 100;
  EXPECT_STATUS(SearchEmbeddingSizes(train, nullptr, o), StatusCode::kInvalidArgument,
                HasSubstr("below the 576 bytes that one block per embedding needs"));
}

// Pruning half of the hidden units by SequentialAttention++ block weights loses less
// validation accuracy than removing the same number of blocks at random.
TEST(BlockPruningTest, HiddenPruningBeatsRandomPruning) {
  double attention_sum = 0, random_sum = 0;
  for (uint64_t seed : {1, 2, 3}) {
    std::vector<int> planted;
    Dataset data = testing::PlantedNonlinear(3000, 12, seed, &planted);
    Standardizer::Fit(data).Apply(data);
    std::vector<size_t> tr, va;
    for (size_t r = 0; r < data.rows; ++r) (r < 2400 ? tr : va).push_back(r);
    const Dataset train = data.Rows(tr), validation = data.Rows(va);
    HiddenPruningOptions o;
    o.hidden_units = 32;
    o.block_size = 4;
    o.keep_fraction = 0.5;
    o.schedule = {.dense_steps = 600, .pruning_steps = 300, .sparse_steps = 100, .stages = 4};
    o.network.batch_size = 128;
    o.network.seed = seed;
    ASSERT_OK_AND_ASSIGN(HiddenPruningResult a, PruneHiddenUnits(train, validation, o));
    o.random_blocks = true;
    ASSERT_OK_AND_ASSIGN(HiddenPruningResult b, PruneHiddenUnits(train, validation, o));
    EXPECT_EQ(a.kept_units.size(), 16u);
    EXPECT_EQ(b.kept_units.size(), 16u);
    EXPECT_LT(a.pruned_parameters, a.dense_parameters);
    EXPECT_EQ(a.pruned_macs_per_sample, 16.0 * (12 + 1));
    attention_sum += a.dense.accuracy - a.pruned.accuracy;
    random_sum += b.dense.accuracy - b.pruned.accuracy;
  }
  EXPECT_LT(attention_sum, random_sum);

  Dataset tiny = testing::PlantedNonlinear(100, 10, 1, nullptr);
  HiddenPruningOptions o;
  o.max_macs_per_sample = 10;
  EXPECT_STATUS(PruneHiddenUnits(tiny, tiny, o), StatusCode::kInvalidArgument,
                HasSubstr("fewer units than one block"));
}

// The label depends on the pair (c0, c1) only — (c0 + c1) is odd — so neither alone
// tells anything; cross search finds the cross c0 x c1 among all ten pairs.
TEST(CrossSearchTest, FindsAPlantedCross) {
  StructuredDataset d = Table(4000, {8, 8, 8, 8, 8}, 2, 21);
  Rng rng(22);
  for (size_t r = 0; r < d.rows; ++r) {
    const bool odd = (d.buckets[0][r] + d.buckets[1][r]) % 2 == 1;
    d.labels[r] = rng.Uniform() < (odd ? 0.9 : 0.1);
  }
  for (int c = 0; c < 5; ++c) d.units[c].costs["latency_us"] = 5;
  CrossSearchOptions o;
  o.max_crosses = 1;
  o.cross_buckets = 64;
  o.cross_embedding_dim = 4;
  o.selection.hidden = {16};
  o.selection.steps_per_round = 300;
  o.selection.seed = 5;
  o.selection.budgets["latency_us"] = 12;
  const std::vector<int> base = {5};  // x0, a numeric without signal
  ASSERT_OK_AND_ASSIGN(CrossSearchResult r, SearchCrosses(d, base, o));
  EXPECT_EQ(r.candidates.size(), 10u);
  ASSERT_EQ(r.crosses.size(), 1u);
  EXPECT_EQ(r.crosses[0], std::make_pair(0, 1));
  // The cross pays for both of its components once.
  EXPECT_EQ(r.selection.budget_use.at("latency_us").used, 10);
  EXPECT_EQ(r.selection.units[0].index, 5);

  // A budget that no component pair fits leaves the base alone.
  o.selection.budgets["latency_us"] = 9;
  ASSERT_OK_AND_ASSIGN(CrossSearchResult none, SearchCrosses(d, base, o));
  EXPECT_TRUE(none.crosses.empty());
  EXPECT_EQ(none.selection.units.size(), 1u);
  EXPECT_EQ(none.selection.budget_use.at("latency_us").used, 0);

  o.components = {5, 0};
  EXPECT_STATUS(SearchCrosses(d, base, o), StatusCode::kInvalidArgument,
                HasSubstr("cross component 5 is not a categorical feature"));
}

}  // namespace
}  // namespace sieve
