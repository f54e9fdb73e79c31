// The sieve-kafka-dev tool, run as a process and driven through standard input.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/connectors/kafka/kafka_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

#ifdef SIEVE_KAFKA_DEV

namespace sieve {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

TEST(SieveKafkaDevTest, StartsAClusterAndRunsCommands) {
  testing::TempDir dir;
  {
    std::ofstream commands(dir.File("commands"));
    commands << "topic events 3\n"
                "down 2\n"
                "up 2\n"
                "down 9\n"
                "topic bad x\n"
                "frobnicate\n"
                "bootstrap\n"
                "quit\n"
                "down 1\n";  // after quit: never run
  }
  ASSERT_OK_AND_ASSIGN(std::string out,
                       testing::RunShell(std::string(SIEVE_KAFKA_DEV) +
                                         " --brokers 2 --topic features:4 --bootstrap-file " +
                                         dir.File("bootstrap") + " < " + dir.File("commands")));
  EXPECT_THAT(out, ContainsRegex("^bootstrap\\.servers=127\\.0\\.0\\.1:[0-9]+,127\\.0\\.0\\.1:[0-9]+\nready\n"));
  EXPECT_THAT(out, HasSubstr("ok topic events partitions=3\n"));
  EXPECT_THAT(out, HasSubstr("ok broker 2 down\nok broker 2 up\n"));
  EXPECT_THAT(out, HasSubstr("error: embedded kafka: no broker 9"));
  EXPECT_THAT(out, HasSubstr("error: topic: partitions: 'x' is not an integer"));
  EXPECT_THAT(out, HasSubstr("error: unknown command 'frobnicate'"));
  EXPECT_THAT(out, HasSubstr("ok bye\n"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("broker 1 down")));
  std::ifstream bootstrap(dir.File("bootstrap"));
  std::string line;
  std::getline(bootstrap, line);
  EXPECT_THAT(out, HasSubstr("bootstrap.servers=" + line + "\n"));
}

TEST(SieveKafkaDevTest, RejectsABadTopicArgument) {
  auto out = testing::RunShell(std::string(SIEVE_KAFKA_DEV) + " --topic features:zero < /dev/null 2>&1");
  EXPECT_FALSE(out.has_value());
}

}  // namespace
}  // namespace sieve

#endif  // SIEVE_KAFKA_DEV
