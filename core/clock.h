// Clock: the only way sieve reads time, so tests can drive it by hand.
#pragma once

#include <cstdint>

namespace sieve {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic microseconds since an arbitrary start; never goes backwards.
  virtual int64_t MonotonicMicros() const = 0;
  // Microseconds since the Unix epoch (wall time, for timestamps shown to people).
  virtual int64_t WallMicros() const = 0;
};

// The real clocks (steady_clock and system_clock). Thread-safe.
class SystemClock : public Clock {
 public:
  int64_t MonotonicMicros() const override;
  int64_t WallMicros() const override;
  // A process-wide instance (stateless).
  static const SystemClock& Instance();
};

}  // namespace sieve
