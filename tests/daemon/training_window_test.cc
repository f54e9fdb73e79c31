#include "daemon/training_window.h"

#include <gtest/gtest.h>

namespace sieve {
namespace {

WindowChunk Chunk(int first, int rows) {
  WindowChunk c;
  c.float_columns = {"x"};
  c.bucket_columns = {"c"};
  c.num_rows = rows;
  for (int i = first; i < first + rows; ++i) {
    c.floats.push_back(static_cast<float>(i));
    c.buckets.push_back(i % 7);
    c.labels.push_back(i % 2);
  }
  return c;
}

TEST(TrainingWindowTest, KeepsTheNewestRowsInOrder) {
  TrainingWindow w(10);
  for (int i = 0; i < 5; ++i) w.Append(Chunk(i * 4, 4));  // rows 0..19
  EXPECT_EQ(w.rows(), 10u);
  auto s = w.Snapshot();
  ASSERT_EQ(s->num_rows, 10u);
  EXPECT_EQ(s->floats.front(), 10.0f);
  EXPECT_EQ(s->floats.back(), 19.0f);
  EXPECT_EQ(s->buckets.back(), 19 % 7);
  EXPECT_EQ(s->labels.size(), 10u);
}

TEST(TrainingWindowTest, SnapshotIsImmutableWhileAppending) {
  TrainingWindow w(100);
  w.Append(Chunk(0, 3));
  auto s = w.Snapshot();
  w.Append(Chunk(3, 3));
  EXPECT_EQ(s->num_rows, 3u);
  EXPECT_EQ(w.Snapshot()->num_rows, 6u);
}

TEST(TrainingWindowTest, LayoutChangeStartsANewWindow) {
  TrainingWindow w(100);
  w.Append(Chunk(0, 3));
  WindowChunk other = Chunk(0, 2);
  other.float_columns = {"y"};
  w.Append(other);
  auto s = w.Snapshot();
  EXPECT_EQ(s->num_rows, 2u);
  EXPECT_EQ(s->float_columns, std::vector<std::string>{"y"});
}

TEST(TrainingWindowTest, RestoreAndShrink) {
  TrainingWindow w(100);
  WindowSnapshot restored;
  restored.float_columns = {"x"};
  restored.bucket_columns = {"c"};
  WindowChunk c = Chunk(0, 8);
  restored.num_rows = 8;
  restored.floats = c.floats;
  restored.buckets = c.buckets;
  restored.labels = c.labels;
  w.Restore(restored);
  EXPECT_EQ(w.rows(), 8u);
  w.set_capacity(3);
  auto s = w.Snapshot();
  ASSERT_EQ(s->num_rows, 3u);
  EXPECT_EQ(s->floats.front(), 5.0f);
}

}  // namespace
}  // namespace sieve

namespace sieve {
namespace {

TEST(TrainingWindowTest, ReservoirSamplesTheWholeStreamInArrivalOrder) {
  TrainingWindow w(100, /*reservoir=*/true, /*seed=*/7);
  for (int i = 0; i < 100; ++i) w.Append(Chunk(i * 100, 100));  // rows 0..9999
  EXPECT_EQ(w.rows(), 100u);
  auto s = w.Snapshot();
  ASSERT_EQ(s->num_rows, 100u);
  int early = 0;
  for (size_t r = 0; r < s->num_rows; ++r) {
    if (r > 0) EXPECT_LT(s->floats[r - 1], s->floats[r]) << "arrival order";
    if (s->floats[r] < 5000) ++early;
    EXPECT_EQ(s->buckets[r], static_cast<int>(s->floats[r]) % 7) << "rows stay whole";
  }
  // A uniform sample keeps about half its rows from the first half of the stream
  // (a sliding window would keep none).
  EXPECT_GT(early, 30);
  EXPECT_LT(early, 70);
}

}  // namespace
}  // namespace sieve
