#include "daemon/scheduler.h"

#include <gtest/gtest.h>

#include "tests/testing/fake_clock.h"

namespace sieve {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;
using testing::FakeClock;

SchedulerOptions Options() {
  SchedulerOptions o;
  o.every_records = 100;
  o.every = seconds(60);
  o.min_records = 50;
  o.initial_backoff = seconds(10);
  o.max_backoff = seconds(40);
  o.drift_check_interval = seconds(5);
  return o;
}

// Runs the training the scheduler asked for, instantly.
void Train(TrainingScheduler& s, bool ok) {
  s.OnTrainingStarted();
  s.OnTrainingFinished(ok);
}

TEST(SchedulerTest, WaitsForMinRecordsThenFiresOnce) {
  FakeClock clock;
  TrainingScheduler s(Options(), &clock);
  EXPECT_FALSE(s.Poll(49, false, {}).has_value());
  auto t = s.Poll(50, false, {});
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TriggerKind::kRecords);
  s.OnTrainingStarted();
  s.OnRecords(1000);
  EXPECT_FALSE(s.Poll(1000, false, {}).has_value()) << "one training at a time";
  s.OnTrainingFinished(true);
  auto next = s.Poll(1000, false, {});
  ASSERT_TRUE(next.has_value())
      << "records that arrived during the training count towards the next";
  EXPECT_EQ(next->reason, "1000 new records");
}

TEST(SchedulerTest, EveryNRecords) {
  FakeClock clock;
  TrainingScheduler s(Options(), &clock);
  Train(s, true);
  s.OnRecords(99);
  EXPECT_FALSE(s.Poll(500, false, {}).has_value());
  s.OnRecords(1);
  auto t = s.Poll(500, false, {});
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TriggerKind::kRecords);
  EXPECT_EQ(t->reason, "100 new records");
}

TEST(SchedulerTest, EveryPeriodCountsFromTheLastStart) {
  FakeClock clock;
  TrainingScheduler s(Options(), &clock);
  Train(s, true);
  clock.Advance(seconds(59));
  EXPECT_FALSE(s.Poll(500, false, {}).has_value());
  clock.Advance(seconds(1));
  auto t = s.Poll(500, false, {});
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TriggerKind::kTime);
  Train(s, true);
  clock.Advance(seconds(30));
  EXPECT_FALSE(s.Poll(500, false, {}).has_value());
}

TEST(SchedulerTest, PausedNeverFires) {
  FakeClock clock;
  TrainingScheduler s(Options(), &clock);
  s.RequestRetrain();
  EXPECT_FALSE(s.Poll(500, true, {}).has_value());
  EXPECT_TRUE(s.Poll(500, false, {}).has_value()) << "the request waits for the resume";
}

TEST(SchedulerTest, ApiRequestWinsOverOtherTriggersButNeedsMinRecords) {
  FakeClock clock;
  TrainingScheduler s(Options(), &clock);
  s.RequestRetrain();
  EXPECT_FALSE(s.Poll(10, false, {}).has_value());
  s.OnRecords(1000);
  auto t = s.Poll(60, false, {});
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TriggerKind::kApi);
}

TEST(SchedulerTest, FailedTrainingRetriesWithDoublingBackoff) {
  FakeClock clock;
  TrainingScheduler s(Options(), &clock);
  Train(s, false);
  EXPECT_EQ(s.consecutive_failures(), 1);
  clock.Advance(seconds(9));
  EXPECT_FALSE(s.Poll(500, false, {}).has_value());
  clock.Advance(seconds(1));
  auto t = s.Poll(500, false, {});
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TriggerKind::kRetry);
  Train(s, false);  // second failure: 20 s
  clock.Advance(seconds(19));
  EXPECT_FALSE(s.Poll(500, false, {}).has_value());
  clock.Advance(seconds(1));
  ASSERT_TRUE(s.Poll(500, false, {}).has_value());
  Train(s, false);  // third: 40 s (the cap)
  Train(s, false);  // fourth: still 40 s
  clock.Advance(seconds(39));
  EXPECT_FALSE(s.Poll(500, false, {}).has_value());
  clock.Advance(seconds(1));
  ASSERT_TRUE(s.Poll(500, false, {}).has_value());
  Train(s, true);
  EXPECT_EQ(s.consecutive_failures(), 0);
  EXPECT_EQ(s.retry_due_micros(), 0);
}

TEST(SchedulerTest, DriftMeasuredAtItsIntervalAndFiresAboveThreshold) {
  FakeClock clock;
  SchedulerOptions o = Options();
  o.every_records = 0;
  o.every = microseconds(0);
  o.psi_threshold = 0.2;
  TrainingScheduler s(o, &clock);
  Train(s, true);
  int measured = 0;
  double psi = 0.1;
  auto measure = [&] {
    ++measured;
    return psi;
  };
  EXPECT_FALSE(s.Poll(500, false, measure).has_value());
  EXPECT_EQ(measured, 0) << "not before the interval";
  clock.Advance(seconds(5));
  EXPECT_FALSE(s.Poll(500, false, measure).has_value());
  EXPECT_EQ(measured, 1);
  EXPECT_FALSE(s.Poll(500, false, measure).has_value());
  EXPECT_EQ(measured, 1) << "at most once per interval";
  psi = 0.3;
  clock.Advance(seconds(5));
  auto t = s.Poll(500, false, measure);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TriggerKind::kDrift);
  EXPECT_NE(t->reason.find("0.300"), std::string::npos) << t->reason;
  EXPECT_DOUBLE_EQ(s.last_psi(), 0.3);
}

TEST(SchedulerTest, DisabledTriggersNeverFire) {
  FakeClock clock;
  SchedulerOptions o = Options();
  o.every_records = 0;
  o.every = microseconds(0);
  TrainingScheduler s(o, &clock);
  Train(s, true);
  s.OnRecords(1 << 20);
  clock.Advance(std::chrono::hours(24));
  EXPECT_FALSE(s.Poll(500, false, [] { return 10.0; }).has_value());
}

}  // namespace
}  // namespace sieve
