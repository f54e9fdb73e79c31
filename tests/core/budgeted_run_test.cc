#include "core/budgeted_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "core/rng.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;

// c0 (40 values) and c1 (40 values) drive the label together with x0; c2 and x1, x2
// are noise. Latency: categoricals 10, numerics 1.
StructuredDataset Recommender(size_t rows, uint64_t seed) {
  StructuredDataset d;
  d.rows = rows;
  d.num_classes = 2;
  d.labels.resize(rows);
  Rng rng(seed);
  std::vector<double> fx0(40), fx1(40);
  for (auto& e : fx0) e = 1.5 * rng.Normal();
  for (auto& e : fx1) e = 1.0 * rng.Normal();
  for (int c = 0; c < 3; ++c) {
    FeatureSpec s;
    s.name = "c" + std::to_string(c);
    s.kind = FeatureKind::kCategorical;
    s.buckets = 40;
    s.embedding_dim = 8;
    s.costs["latency_us"] = 10;
    d.units.push_back(s);
    d.numeric.emplace_back();
    std::vector<int32_t> ids(rows);
    for (auto& id : ids) id = static_cast<int32_t>(rng.Below(40));
    d.buckets.push_back(std::move(ids));
  }
  for (int i = 0; i < 3; ++i) {
    FeatureSpec s;
    s.name = "x" + std::to_string(i);
    s.costs["latency_us"] = 1;
    d.units.push_back(s);
    std::vector<float> v(rows);
    for (auto& x : v) x = static_cast<float>(rng.Normal());
    d.numeric.push_back(std::move(v));
    d.buckets.emplace_back();
  }
  for (size_t r = 0; r < rows; ++r) {
    const double z = fx0[d.buckets[0][r]] + fx1[d.buckets[1][r]] + d.numeric[3][r] + 0.3 * rng.Normal();
    d.labels[r] = z > 0;
  }
  return d;
}

BudgetedRunOptions Fast() {
  BudgetedRunOptions o;
  o.selection.k = 3;
  o.selection.hidden = {16};
  o.selection.steps_per_round = 100;
  o.selection.seed = 1;
  o.final_fit_steps = 600;
  return o;
}

TEST(BudgetedRunTest, SelectsWithinBudgetsAndReportsUseAndCosts) {
  const StructuredDataset data = Recommender(3000, 2);
  Constraints c;
  c.budgets = {{"latency_us", 25}, {"memory_bytes", 3000}};
  c.must_include = {"x2"};
  c.exclude = {"c2"};
  SystemClock clock;
  ASSERT_OK_AND_ASSIGN(BudgetedReport r, RunBudgetedSelection(data, c, Fast(), clock));
  ASSERT_FALSE(r.features.empty());
  EXPECT_EQ(r.features[0].name, "x2");
  double latency = 0, memory = 0;
  for (const BudgetedFeature& f : r.features) {
    EXPECT_NE(f.name, "c2");
    latency += f.costs.at("latency_us");
    memory += f.costs.at("memory_bytes");
    if (f.kind == FeatureKind::kCategorical) {
      EXPECT_EQ(f.embedding_size, 8);
      EXPECT_EQ(f.costs.at("memory_bytes"), 40 * 8 * 4);
    }
  }
  EXPECT_EQ(r.budgets.at("latency_us").used, latency);
  EXPECT_EQ(r.budgets.at("memory_bytes").used, memory);
  for (const auto& [resource, use] : r.budgets) EXPECT_TRUE(use.Satisfied()) << resource;
  EXPECT_EQ(r.train_rows + r.validation_rows, 3000u);
  EXPECT_GT(r.validation.accuracy, 0.6);
}

// Embedding search: selection counts each table at one block, then the selected
// tables share the memory budget; the result never exceeds it.
TEST(BudgetedRunTest, EmbeddingSearchSizesTablesWithinMemoryBudget) {
  const StructuredDataset data = Recommender(3000, 3);
  Constraints c;
  c.budgets = {{"memory_bytes", 40 * 4 * 4 * 2}};  // two tables of 4 dims, or one of 8
  c.max_features = 3;
  BudgetedRunOptions o = Fast();
  o.embedding_search = true;
  o.embedding_block_size = 2;
  SystemClock clock;
  ASSERT_OK_AND_ASSIGN(BudgetedReport r, RunBudgetedSelection(data, c, o, clock));
  double memory = 0;
  int tables = 0;
  for (const BudgetedFeature& f : r.features) {
    if (f.kind == FeatureKind::kNumeric) continue;
    ++tables;
    EXPECT_GE(f.embedding_size, 2);
    EXPECT_LE(f.embedding_size, 8);
    EXPECT_EQ(f.embedding_size % 2, 0);
    memory += f.costs.at("memory_bytes");
  }
  EXPECT_GE(tables, 1);
  EXPECT_EQ(r.budgets.at("memory_bytes").used, memory);
  EXPECT_LE(memory, 40 * 4 * 4 * 2);
  EXPECT_LE(r.budgets.at("features").used, 3);

  c.budgets.clear();
  EXPECT_STATUS(RunBudgetedSelection(data, c, o, clock), StatusCode::kInvalidArgument,
                HasSubstr("embedding search needs a memory_bytes budget"));
}

TEST(BudgetedRunTest, CrossSearchAddsCrossesWithComponentNames) {
  const StructuredDataset data = Recommender(2000, 4);
  Constraints c;
  c.budgets = {{"latency_us", 40}};
  BudgetedRunOptions o = Fast();
  o.cross_search = true;
  o.max_crosses = 1;
  o.cross_buckets = 256;
  o.cross_embedding_dim = 4;
  SystemClock clock;
  ASSERT_OK_AND_ASSIGN(BudgetedReport r, RunBudgetedSelection(data, c, o, clock));
  ASSERT_EQ(r.features.size(), 4u);
  const BudgetedFeature& cross = r.features.back();
  EXPECT_EQ(cross.kind, FeatureKind::kCross);
  ASSERT_EQ(cross.components.size(), 2u);
  EXPECT_EQ(cross.name, cross.components[0] + " x " + cross.components[1]);
  EXPECT_EQ(cross.embedding_size, 4);
  EXPECT_LE(r.budgets.at("latency_us").used, 40);
}

TEST(BudgetedRunTest, HiddenPruningOfNumericSelectionAndErrors) {
  const StructuredDataset data = Recommender(2000, 5);
  Constraints c;
  c.exclude = {"c0", "c1", "c2"};
  BudgetedRunOptions o = Fast();
  o.selection.hidden = {16};
  o.prune_hidden_macs = 8 * (3 + 1);  // 8 of 16 hidden units over 3 inputs, 1 output
  SystemClock clock;
  ASSERT_OK_AND_ASSIGN(BudgetedReport r, RunBudgetedSelection(data, c, o, clock));
  ASSERT_TRUE(r.hidden_pruning.has_value());
  EXPECT_LE(r.hidden_pruning->pruned_macs_per_sample, o.prune_hidden_macs);
  EXPECT_EQ(r.hidden_pruning->dense_macs_per_sample, 16 * 4);

  c.exclude = {};
  EXPECT_STATUS(RunBudgetedSelection(data, c, o, clock), StatusCode::kInvalidArgument,
                HasSubstr("numeric selections only"));
  c.must_include = {"zz"};
  EXPECT_STATUS(RunBudgetedSelection(data, c, Fast(), clock), StatusCode::kInvalidArgument,
                HasSubstr("must_include[0]: no feature named 'zz'"));
}

}  // namespace
}  // namespace sieve
