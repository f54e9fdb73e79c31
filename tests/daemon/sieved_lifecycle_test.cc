// sieved as a process under a fake systemd: the test owns the NOTIFY_SOCKET and checks
// READY, WATCHDOG, RELOADING (with MONOTONIC_USEC) then READY, and STOPPING; SIGHUP
// with a valid and a broken config; SIGTERM exit 0; JSON log lines; --version.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace sieve {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval timeout{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~NotifySocket() { close(fd_); }
  bool bound() const { return bound_; }

  // The next datagram containing `needle`, waiting up to `seconds`; "" on timeout.
  std::string WaitFor(const std::string& needle, int seconds = 60) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    char buffer[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      std::string message(buffer, n);
      received_.push_back(message);
      if (message.find(needle) != std::string::npos) return message;
    }
    return "";
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> received_;
};

std::string Config(const TempDir& dir) {
  return "daemon:\n  data_dir: " + dir.File("data") +
         "\n  http: {listen: \"127.0.0.1:0\"}\n  log: {level: info, format: json}\n"
         "  shutdown_timeout: 5s\nkafka:\n  bootstrap_servers: embedded\n"
         "pipelines:\n  - name: p\n    topic: events\n    label: {field: y}\n"
         "    features: [{name: a}, {name: b}]\n    selector: {k: 1}\n";
}

TEST(SievedLifecycleTest, SystemdNotificationsReloadAndTerm) {
  TempDir dir;
  std::ofstream(dir.File("sieve.yaml")) << Config(dir);
  NotifySocket notify(dir.File("notify"));
  ASSERT_TRUE(notify.bound());

  std::vector<std::string> env = {"NOTIFY_SOCKET=" + dir.File("notify"), "WATCHDOG_USEC=400000",
                                  "OMP_NUM_THREADS=1", "PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string program = SIEVED_PATH, flag = "--config", config = dir.File("sieve.yaml");
  char* argv[] = {program.data(), flag.data(), config.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, dir.File("stderr").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);

  EXPECT_THAT(notify.WaitFor("READY=1"), HasSubstr("READY=1"));
  EXPECT_EQ(notify.WaitFor("WATCHDOG=1", 10), "WATCHDOG=1");

  // A valid reload: RELOADING=1 with a monotonic timestamp, then READY=1 again.
  kill(pid, SIGHUP);
  const std::string reloading = notify.WaitFor("RELOADING=1");
  EXPECT_THAT(reloading, HasSubstr("MONOTONIC_USEC="));
  EXPECT_THAT(notify.WaitFor("READY=1"), HasSubstr("READY=1"));

  // A broken config: still running, the failure logged.
  std::ofstream(dir.File("sieve.yaml"), std::ios::app) << "bogus: 1\n";
  kill(pid, SIGHUP);
  EXPECT_THAT(notify.WaitFor("READY=1"), HasSubstr("READY=1"));
  EXPECT_EQ(kill(pid, 0), 0) << "sieved died on a broken reload";

  const auto stop_start = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  EXPECT_EQ(notify.WaitFor("STOPPING=1"), "STOPPING=1");
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, std::chrono::seconds(5));

  // Every log line is one JSON object; the failed reload names the bad key.
  std::ifstream log(dir.File("stderr"));
  int lines = 0;
  bool reload_failure_logged = false;
  for (std::string line; std::getline(log, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_TRUE(j.contains("time") && j.contains("level") && j.contains("message")) << line;
    if (j["message"].get<std::string>().find("bogus") != std::string::npos)
      reload_failure_logged = true;
    ++lines;
  }
  EXPECT_GT(lines, 3);
  EXPECT_TRUE(reload_failure_logged);
}

TEST(SievedLifecycleTest, SigtermDuringALongTrainingExitsWithinTheTimeout) {
  TempDir dir;
  std::ofstream(dir.File("sieve.yaml"))
      << "daemon:\n  data_dir: " << dir.File("data")
      << "\n  http: {listen: \"127.0.0.1:0\"}\n  shutdown_timeout: 2s\n"
         "kafka:\n  bootstrap_servers: embedded\n"
         "pipelines:\n  - name: ctr\n    topic: ctr-events\n    label: {field: clicked}\n"
         "    features: [{name: user_ctr_7d}, {name: ad_position}, {name: noise_1}, {name: "
         "noise_2}]\n"
         "    selector: {k: 3, hidden_units: [256, 256], steps_per_round: 100000}\n"
         "    schedule: {min_records: 500}\n";
  const std::string log = dir.File("stderr");
  pid_t pid = 0;
  std::string program = SIEVED_PATH, flag = "--config", config = dir.File("sieve.yaml");
  char* argv[] = {program.data(), flag.data(), config.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_EQ(posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  auto log_contains = [&](const std::string& text) {
    std::ifstream in(log);
    std::stringstream content;
    content << in.rdbuf();
    return content.str().find(text) != std::string::npos;
  };
  const std::string bootstrap_file = dir.File("data") + "/embedded-bootstrap";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::ifstream(bootstrap_file).good() && std::chrono::steady_clock::now() < deadline) {
    usleep(100000);
  }
  std::string bootstrap;
  std::ifstream(bootstrap_file) >> bootstrap;
  ASSERT_FALSE(bootstrap.empty());
  auto produced = testing::RunCommand(std::string(SIEVE_GENERATE_PATH) +
                                      " --count 1000 | kcat -P -b " + bootstrap + " -t ctr-events");
  ASSERT_EQ(produced.exit_code, 0) << produced.out;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!log_contains("training on") && std::chrono::steady_clock::now() < deadline)
    usleep(100000);
  ASSERT_TRUE(log_contains("training on"));

  const auto stop_start = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  const auto took = std::chrono::steady_clock::now() - stop_start;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_LT(took, std::chrono::milliseconds(2500)) << "shutdown_timeout is 2 s";
  EXPECT_TRUE(log_contains("abandoning the training in flight"))
      << "the training was still running";
}

TEST(SievedLifecycleTest, VersionAndBadInvocations) {
  auto version = testing::RunCommand(std::string(SIEVED_PATH) + " --version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("sieved " SIEVE_VERSION));
  auto missing = testing::RunCommand(std::string(SIEVED_PATH));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.out, HasSubstr("--config FILE is required"));
  TempDir dir;
  std::ofstream(dir.File("bad.yaml")) << "daemon:\n  nope: 1\n";
  auto bad = testing::RunCommand(std::string(SIEVED_PATH) + " --config " + dir.File("bad.yaml"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.out, HasSubstr("daemon.nope"));
  EXPECT_THAT(bad.out, HasSubstr("bad.yaml:2:3"));
}

}  // namespace
}  // namespace sieve
