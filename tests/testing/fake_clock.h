// FakeClock: a Clock that moves only when a test advances it, so time-driven code
// (the scheduler, backoff) is tested without sleeping.
//
// Thread-safety: reads and Advance may race safely (atomics); tests normally drive
// it from one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/clock.h"

namespace sieve::testing {

class FakeClock : public Clock {
 public:
  // Starts at monotonic 0 and wall time `wall_start_micros` (2026-01-01 by default).
  explicit FakeClock(int64_t wall_start_micros = 1767225600LL * 1000000)
      : wall_offset_(wall_start_micros) {}

  int64_t MonotonicMicros() const override { return now_.load(); }
  int64_t WallMicros() const override { return wall_offset_ + now_.load(); }

  void Advance(std::chrono::microseconds by) { now_ += by.count(); }

 private:
  std::atomic<int64_t> now_{0};
  int64_t wall_offset_;
};

}  // namespace sieve::testing
