// A broker down for 10 s, then up: the source reports the outage while it lasts,
// does not crash, and resumes consuming afterwards without losing records.
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/kafka/embedded_kafka.h"
#include "connectors/kafka/kafka_feature_source.h"
#include "tests/connectors/kafka/kafka_test_util.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<testing::TestMessage> Records(int begin, int end) {
  std::vector<testing::TestMessage> messages;
  for (int i = begin; i < end; ++i) {
    messages.push_back({.key = std::to_string(i), .value = testing::JsonRecord(i)});
  }
  return messages;
}

TEST(BrokerOutageTest, ConsumptionResumesAfterTenSecondsDownAndTheErrorIsVisibleMeanwhile) {
  ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Create());
  ASSERT_OK(kafka->CreateTopic("in", 2));
  ASSERT_OK(testing::ProduceMessages(kafka->bootstrap_servers(), "in", Records(0, 200)));

  JsonDecoderOptions decoder_options;
  decoder_options.schema.numeric_features = {"f0", "f1"};
  ASSERT_OK_AND_ASSIGN(auto decoder, CreateJsonDecoder(decoder_options));
  KafkaSourceOptions options;
  options.bootstrap_servers = kafka->bootstrap_servers();
  options.group_id = "outage";
  options.topics = {"in"};
  options.properties = testing::FastConsumerProperties();
  ASSERT_OK_AND_ASSIGN(auto source, KafkaFeatureSource::Create(options, std::move(decoder)));
  RecordBatch batch;
  testing::PollUntil(*source, batch, 200, seconds(30));
  ASSERT_EQ(batch.rows(), 200u);
  EXPECT_OK(source->stats().last_error);
  ASSERT_OK(source->Commit());  // so that the outage has no uncommitted tail to replay

  ASSERT_OK(kafka->SetBrokerDown(1));
  const auto down_until = std::chrono::steady_clock::now() + seconds(10);
  bool error_seen = false;
  Status seen;
  while (std::chrono::steady_clock::now() < down_until) {
    auto result = source->Poll(batch, 100, milliseconds(100));
    ASSERT_TRUE(result.has_value()) << result.error().ToString();  // polling goes on
    const Status error = source->stats().last_error;
    if (!error.ok()) {
      error_seen = true;
      seen = error;
    }
  }
  EXPECT_TRUE(error_seen);
  EXPECT_EQ(seen.code(), StatusCode::kUnavailable) << seen.ToString();
  EXPECT_GT(source->stats().errors, 0u);
  EXPECT_EQ(batch.rows(), 200u);

  ASSERT_OK(kafka->SetBrokerUp(1));
  ASSERT_OK(testing::ProduceMessages(kafka->bootstrap_servers(), "in", Records(200, 400)));
  testing::PollUntil(*source, batch, 400, seconds(60));
  std::set<int> ids;
  for (size_t r = 0; r < batch.rows(); ++r) ids.insert(static_cast<int>(batch.numeric(r, 0)));
  EXPECT_EQ(ids.size(), 400u);  // nothing lost
  EXPECT_EQ(batch.rows(), 400u) << "records replayed although every offset was committed";
  EXPECT_OK(source->stats().last_error);  // cleared once records flow again
  EXPECT_OK(source->Close());
}

}  // namespace
}  // namespace sieve
