// SystemdNotifier: sd_notify messages for Type=notify services (READY, WATCHDOG,
// RELOADING with MONOTONIC_USEC, STOPPING, STATUS). Does nothing when NOTIFY_SOCKET is
// not set, so sieved behaves the same outside systemd.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <string_view>

namespace sieve {

class SystemdNotifier {
 public:
  SystemdNotifier();

  bool enabled() const { return enabled_; }
  // Half the watchdog period systemd asked for (WATCHDOG_USEC); zero when none.
  std::chrono::microseconds watchdog_interval() const { return watchdog_interval_; }

  void Ready(std::string_view status = {});
  void Watchdog();
  void Reloading();
  void Stopping();

 private:
  void Notify(const std::string& message);
  bool enabled_ = false;
  std::chrono::microseconds watchdog_interval_{0};
};

}  // namespace sieve
