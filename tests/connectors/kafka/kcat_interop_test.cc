// Interoperability with kcat, a Kafka client written by others: records it produces
// are decoded exactly, and versions the publisher writes are read back by it.
#include <cmath>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/kafka/embedded_kafka.h"
#include "connectors/kafka/feature_set_publisher.h"
#include "connectors/kafka/kafka_feature_source.h"
#include "tests/connectors/kafka/kafka_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;
using std::chrono::milliseconds;
using std::chrono::seconds;

class KcatInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kafka = EmbeddedKafka::Create();
    ASSERT_TRUE(kafka.has_value());
    kafka_ = std::move(kafka).value();
  }
  std::string Kcat(const std::string& args) const {
    return std::string(SIEVE_KCAT) + " -b " + kafka_->bootstrap_servers() + " " + args;
  }
  std::unique_ptr<EmbeddedKafka> kafka_;
  testing::TempDir dir_;
};

TEST_F(KcatInteropTest, RecordsProducedByKcatAreDecodedExactly) {
  ASSERT_OK(kafka_->CreateTopic("features", 2));
  // Each line is one message. Values cover integers, negatives, exponents,
  // booleans, nulls, absent fields, escapes and non-ASCII text.
  const int kRecords = 300;
  std::ofstream out(dir_.File("records.jsonl"));
  for (int i = 0; i < kRecords; ++i) {
    out << "{\"id\": " << i << ", \"x\": " << (i % 7 == 0 ? "null" : std::to_string(-i) + ".25")
        << ", \"big\": " << i << "e3"
        << ", \"flag\": " << (i % 2 ? "true" : "false");
    if (i % 5 != 0) out << ", \"city\": \"Z\\u00fcrich \\\"" << i % 4 << "\\\"\"";
    out << ", \"ignored\": \"x\", \"y\": " << i % 3 << "}\n";
  }
  out.close();
  ASSERT_OK(testing::RunShell(Kcat("-P -t features -l " + dir_.File("records.jsonl"))));

  JsonDecoderOptions decoder_options;
  decoder_options.schema.numeric_features = {"id", "x", "big", "flag"};
  decoder_options.schema.categorical_features = {"city"};
  decoder_options.schema.label_field = "y";
  ASSERT_OK_AND_ASSIGN(auto decoder, CreateJsonDecoder(decoder_options));
  KafkaSourceOptions options;
  options.bootstrap_servers = kafka_->bootstrap_servers();
  options.group_id = "kcat-test";
  options.topics = {"features"};
  options.properties = testing::FastConsumerProperties();
  ASSERT_OK_AND_ASSIGN(auto source, KafkaFeatureSource::Create(options, std::move(decoder)));
  RecordBatch batch;
  testing::PollUntil(*source, batch, kRecords, seconds(30));
  ASSERT_EQ(batch.rows(), static_cast<size_t>(kRecords));
  std::vector<bool> seen(kRecords, false);
  for (size_t r = 0; r < batch.rows(); ++r) {
    const int i = static_cast<int>(batch.numeric(r, 0));
    ASSERT_GE(i, 0);
    ASSERT_LT(i, kRecords);
    EXPECT_FALSE(seen[i]);
    seen[i] = true;
    if (i % 7 == 0) {
      EXPECT_TRUE(std::isnan(batch.numeric(r, 1)));
    } else {
      EXPECT_EQ(batch.numeric(r, 1), static_cast<float>(-i - 0.25));
    }
    EXPECT_EQ(batch.numeric(r, 2), static_cast<float>(i * 1000.0));
    EXPECT_EQ(batch.numeric(r, 3), i % 2 ? 1.0f : 0.0f);
    if (i % 5 == 0) {
      EXPECT_FALSE(batch.categorical(0).present(r));
    } else {
      EXPECT_EQ(batch.categorical(0).value(r), "Z\xc3\xbcrich \"" + std::to_string(i % 4) + "\"");
    }
    EXPECT_EQ(batch.labels()[r], static_cast<float>(i % 3));
    EXPECT_EQ(batch.topic(r), "features");
  }
  EXPECT_EQ(source->stats().records_dead_lettered, 0u);
}

PublisherOptions PublisherFor(const EmbeddedKafka& kafka) {
  PublisherOptions options;
  options.bootstrap_servers = kafka.bootstrap_servers();
  options.topic = "feature-sets";
  options.delivery_timeout = milliseconds(5000);
  return options;
}

TEST_F(KcatInteropTest, PublishedVersionsAreReadBackByKcat) {
  ASSERT_OK(kafka_->CreateTopic("feature-sets", 1));
  ASSERT_OK_AND_ASSIGN(auto publisher, FeatureSetPublisher::Create(PublisherFor(*kafka_)));
  const std::string v1 = R"({"pipeline":"fraud","version":1,"features":["amount","hour"]})";
  const std::string v2 = R"({"pipeline":"fraud","version":2,"features":["amount"]})";
  const std::string other = R"({"pipeline":"churn","version":1,"features":["tenure"]})";
  ASSERT_OK(publisher->Publish("fraud", v1));
  ASSERT_OK(publisher->Publish("churn", other));
  ASSERT_OK(publisher->Publish("fraud", v2));
  EXPECT_EQ(publisher->stats().published, 3u);
  EXPECT_OK(publisher->stats().last_error);

  ASSERT_OK_AND_ASSIGN(std::string read,
                       testing::RunShell(Kcat("-C -t feature-sets -o beginning -e -q -f "
                                              "'%k|%h|%s\\n'")));
  EXPECT_EQ(read, "fraud|content-type=application/json|" + v1 + "\n" +
                      "churn|content-type=application/json|" + other + "\n" +
                      "fraud|content-type=application/json|" + v2 + "\n");
}

TEST_F(KcatInteropTest, PublishFailuresAreRetriedThenReportedAndClearedBySuccess) {
  ASSERT_OK(kafka_->CreateTopic("feature-sets", 1));
  PublisherOptions options = PublisherFor(*kafka_);
  options.delivery_timeout = milliseconds(1000);
  options.max_attempts = 2;
  options.initial_backoff = milliseconds(50);
  options.properties = {{"reconnect.backoff.max.ms", "200"}};
  ASSERT_OK_AND_ASSIGN(auto publisher, FeatureSetPublisher::Create(options));
  ASSERT_OK(kafka_->SetBrokerDown(1));
  const Status failed = publisher->Publish("fraud", "{}");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_THAT(failed.message(), HasSubstr("pipeline 'fraud'"));
  PublisherStats stats = publisher->stats();
  EXPECT_EQ(stats.attempts_failed, 2u);
  EXPECT_EQ(stats.publish_failures, 1u);
  EXPECT_EQ(stats.published, 0u);
  EXPECT_EQ(stats.last_error.code(), StatusCode::kUnavailable);

  ASSERT_OK(kafka_->SetBrokerUp(1));
  ASSERT_OK(publisher->Publish("fraud", R"({"version":3})"));
  stats = publisher->stats();
  EXPECT_EQ(stats.published, 1u);
  EXPECT_OK(stats.last_error);
  ASSERT_OK_AND_ASSIGN(std::string read,
                       testing::RunShell(Kcat("-C -t feature-sets -o beginning -e -q -f '%k %s\\n'")));
  EXPECT_EQ(read, "fraud {\"version\":3}\n");
}

TEST(FeatureSetPublisherCreateTest, RejectsBadOptionsNamingThem) {
  PublisherOptions options;
  options.bootstrap_servers = "127.0.0.1:1";
  options.topic = "t";
  auto with = [&](auto change) {
    PublisherOptions o = options;
    change(o);
    return FeatureSetPublisher::Create(o);
  };
  EXPECT_STATUS(with([](auto& o) { o.topic = ""; }), StatusCode::kInvalidArgument, HasSubstr("topic"));
  EXPECT_STATUS(with([](auto& o) { o.bootstrap_servers = "embedded"; }),
                StatusCode::kInvalidArgument, HasSubstr("embedded"));
  EXPECT_STATUS(with([](auto& o) { o.max_attempts = 0; }), StatusCode::kInvalidArgument,
                HasSubstr("max_attempts"));
  EXPECT_STATUS(with([](auto& o) { o.properties["acks"] = "1"; }), StatusCode::kInvalidArgument,
                HasSubstr("acks"));
  EXPECT_STATUS(with([](auto& o) { o.properties["bogus.key"] = "1"; }),
                StatusCode::kInvalidArgument, HasSubstr("bogus.key"));
  ASSERT_OK_AND_ASSIGN(auto publisher, FeatureSetPublisher::Create(options));
  EXPECT_STATUS(publisher->Publish("", "{}"), StatusCode::kInvalidArgument, HasSubstr("pipeline"));
}

}  // namespace
}  // namespace sieve
