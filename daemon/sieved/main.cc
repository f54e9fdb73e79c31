// sieved: the sieve daemon.
//
//   sieved --config /etc/sieve/sieve.yaml
//
// Lifecycle: SIGTERM / SIGINT drain and exit 0 within daemon.shutdown_timeout;
// SIGHUP reloads the config (the old one stays in force if the new one is invalid).
// Under systemd (NOTIFY_SOCKET): READY=1, WATCHDOG=1, RELOADING=1 + MONOTONIC_USEC,
// STOPPING=1. Exit codes: 0 stopped cleanly, 1 invalid config, 2 could not start.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <thread>

#include "config/config_loader.h"
#include "daemon/daemon.h"
#include "daemon/logging.h"
#include "daemon/systemd_notifier.h"

namespace {

// Signal handlers only set these flags; the main loop acts on them.
std::atomic<bool> g_stop_requested{false};
std::atomic<bool> g_reload_requested{false};

void OnStopSignal(int) { g_stop_requested = true; }
void OnReloadSignal(int) { g_reload_requested = true; }

void InstallSignalHandlers() {
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  action.sa_handler = OnStopSignal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  action.sa_handler = OnReloadSignal;
  sigaction(SIGHUP, &action, nullptr);
  action.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &action, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sieve daemon: continuous feature selection over Kafka streams"};
  std::string config_path;
  bool show_version = false;
  app.add_option("--config", config_path, "YAML configuration file");
  app.add_flag("--version", show_version, "Print the version and exit");
  CLI11_PARSE(app, argc, argv);
  if (show_version) {
    std::cout << "sieved " << SIEVE_VERSION << "\n";
    return 0;
  }
  if (config_path.empty()) {
    std::cerr << "sieved: --config FILE is required (see config/examples/)\n";
    return 1;
  }
  InstallSignalHandlers();
  auto config = sieve::LoadConfig(config_path);
  if (!config.has_value()) {
    std::cerr << "sieved: invalid config:\n" << config.error().message() << "\n";
    return 1;
  }
  sieve::ConfigureLogging(config->daemon.log);
  const auto shutdown_timeout = config->daemon.shutdown_timeout;
  sieve::SystemdNotifier notifier;
  spdlog::info("sieved {} starting with {}", SIEVE_VERSION, config_path);
  auto daemon = sieve::Daemon::Start({.config_path = config_path, .version = SIEVE_VERSION},
                                     std::move(*config));
  if (!daemon.has_value()) {
    spdlog::critical("cannot start: {}", daemon.error().ToString());
    return 2;
  }
  notifier.Ready("serving");
  auto last_watchdog = std::chrono::steady_clock::now();
  while (!g_stop_requested) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (g_reload_requested.exchange(false)) {
      spdlog::info("SIGHUP: reloading {}", config_path);
      notifier.Reloading();
      (void)(*daemon)->Reload();  // logged and counted inside; the old config stays on failure
      notifier.Ready("serving");
    }
    if (notifier.watchdog_interval().count() > 0 &&
        std::chrono::steady_clock::now() - last_watchdog >= notifier.watchdog_interval()) {
      notifier.Watchdog();
      last_watchdog = std::chrono::steady_clock::now();
    }
  }
  spdlog::info("stopping (timeout {} ms)",
               std::chrono::duration_cast<std::chrono::milliseconds>(shutdown_timeout).count());
  notifier.Stopping();
  const auto deadline = std::chrono::steady_clock::now() + shutdown_timeout;
  // Leave a margin under the timeout for the steps after pipelines stop.
  const auto pipelines_deadline = deadline - shutdown_timeout / 4;
  auto done = std::async(std::launch::async, [&] { (*daemon)->Shutdown(pipelines_deadline); });
  if (done.wait_until(deadline) != std::future_status::ready) {
    // Every stored window chunk and version is already durable and offsets are only
    // acknowledged after persistence, so leaving now loses nothing.
    spdlog::warn("shutdown timeout reached with a training still running; exiting");
    spdlog::default_logger()->flush();
    _exit(0);
  }
  daemon->reset();
  return 0;
}
