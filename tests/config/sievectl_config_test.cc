// Runs the sievectl binary: `sievectl config check` on good and broken files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

RunResult RunSievectl(const std::string& args) {
  RunResult result;
  const std::string command = std::string("'") + SIEVECTL_PATH + "' " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  const int status = pclose(pipe);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

TEST(SievectlConfigCheckTest, GoodFileSaysOkWithPipelineCount) {
  const RunResult r =
      RunSievectl(std::string("config check '") + SIEVE_CONFIG_EXAMPLES_DIR + "/production.yaml'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, MatchesRegex("ok: 2 pipelines \\(config hash [0-9a-f]{16}\\)\n"));
}

TEST(SievectlConfigCheckTest, BrokenFilePrintsEveryErrorAndExitsOne) {
  testing::TempDir dir;
  const std::string file = dir.File("broken.yaml");
  std::ofstream(file) << R"(kafka:
  bootstrap_servers: embedded
  brokers: x
pipelines:
  - name: p
    topic: t
    label: {field: y}
    features: [a]
    window: {size: -1}
)";
  const RunResult r = RunSievectl("config check '" + file + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output,
              AllOf(StartsWith(file + ":3:3: kafka.brokers: unknown key 'brokers'"),
                    HasSubstr(file + ":5:5: pipelines[0].selector.k: nothing limits"),
                    HasSubstr(file + ":9:20: pipelines[0].window.size: must be at least 1"),
                    HasSubstr(file + ": 3 errors\n")));
}

TEST(SievectlConfigCheckTest, MissingFileExitsOne) {
  testing::TempDir dir;
  const RunResult r = RunSievectl("config check '" + dir.File("absent.yaml") + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("cannot read config"));
  EXPECT_THAT(r.output, HasSubstr("absent.yaml"));
}

TEST(SievectlConfigShowTest, PrintsTheEffectiveConfigWithSecretsRedacted) {
  const std::string production = std::string("'") + SIEVE_CONFIG_EXAMPLES_DIR + "/production.yaml'";
  const RunResult r = RunSievectl("config show " + production);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, AllOf(StartsWith("daemon:\n"), HasSubstr("sasl.password: <redacted>"),
                              HasSubstr("learning_rate: 0.002"), Not(HasSubstr("change-me"))));

  const RunResult secrets = RunSievectl("config show --show-secrets " + production);
  EXPECT_EQ(secrets.exit_code, 0) << secrets.output;
  EXPECT_THAT(secrets.output, HasSubstr("sasl.password: change-me"));
}

TEST(SievectlConfigShowTest, BrokenFileExitsOneWithTheErrors) {
  testing::TempDir dir;
  const std::string file = dir.File("broken.yaml");
  std::ofstream(file) << "kafka: {bootstrap_servers: embedded, group: x}\n";
  const RunResult r = RunSievectl("config show '" + file + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(file + ":1:38: kafka.group: unknown key 'group'"));
}

TEST(SievectlConfigCheckTest, MissingArgumentIsAUsageError) {
  const RunResult r = RunSievectl("config check");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("FILE"));
}

}  // namespace
}  // namespace sieve
