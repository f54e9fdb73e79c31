#include "connectors/kafka/embedded_kafka.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/connectors/kafka/kafka_test_util.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(EmbeddedKafkaTest, ServesTheKafkaProtocolOnLoopback) {
  ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Create({.brokers = 2}));
  EXPECT_THAT(kafka->bootstrap_servers(), StartsWith("127.0.0.1:"));
  EXPECT_EQ(kafka->brokers(), 2);
  ASSERT_OK(kafka->CreateTopic("t", 3, 2));
  std::vector<testing::TestMessage> messages;
  for (int p = 0; p < 3; ++p) messages.push_back({.key = "k", .value = "v" + std::to_string(p), .partition = p});
  ASSERT_OK(testing::ProduceMessages(kafka->bootstrap_servers(), "t", messages));
  ASSERT_OK_AND_ASSIGN(auto read, testing::ReadMessages(kafka->bootstrap_servers(), "t", 3, 3,
                                                        std::chrono::seconds(20)));
  ASSERT_EQ(read.size(), 3u);
  for (const auto& m : read) EXPECT_EQ(m.value, "v" + std::to_string(m.partition));
}

TEST(EmbeddedKafkaTest, RejectsBadArgumentsNamingThem) {
  EXPECT_STATUS(EmbeddedKafka::Create({.brokers = 0}), StatusCode::kInvalidArgument,
                HasSubstr("brokers"));
  ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Create());
  EXPECT_STATUS(kafka->CreateTopic("", 1), StatusCode::kInvalidArgument, HasSubstr("topic"));
  EXPECT_STATUS(kafka->CreateTopic("x", 0), StatusCode::kInvalidArgument, HasSubstr("partitions"));
  EXPECT_STATUS(kafka->CreateTopic("x", 1, 2), StatusCode::kInvalidArgument,
                HasSubstr("replication_factor"));
  EXPECT_STATUS(kafka->SetBrokerDown(2), StatusCode::kInvalidArgument, HasSubstr("no broker 2"));
  EXPECT_STATUS(kafka->SetBrokerUp(0), StatusCode::kInvalidArgument, HasSubstr("no broker 0"));
  EXPECT_OK(kafka->SetBrokerDown(1));
  EXPECT_OK(kafka->SetBrokerUp(1));
}

}  // namespace
}  // namespace sieve
