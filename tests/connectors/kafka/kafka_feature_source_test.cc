#include "connectors/kafka/kafka_feature_source.h"

#include <cmath>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/kafka/dead_letter_writer.h"
#include "connectors/kafka/embedded_kafka.h"
#include "tests/connectors/kafka/kafka_test_util.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::unique_ptr<RecordDecoder> Decoder() {
  JsonDecoderOptions options;
  options.schema.numeric_features = {"f0", "f1"};
  options.schema.categorical_features = {"cat"};
  options.schema.label_field = "label";
  return std::move(CreateJsonDecoder(options)).value();
}

class KafkaFeatureSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kafka = EmbeddedKafka::Create();
    ASSERT_TRUE(kafka.has_value());
    kafka_ = std::move(kafka).value();
    ASSERT_OK(kafka_->CreateTopic("in", 4));
    ASSERT_OK(kafka_->CreateTopic("dlq", 1));
  }

  KafkaSourceOptions Options(const std::string& group = "g") {
    KafkaSourceOptions options;
    options.bootstrap_servers = kafka_->bootstrap_servers();
    options.group_id = group;
    options.topics = {"in"};
    options.dead_letter_topic = "dlq";
    options.statistics_interval_ms = 100;
    options.properties = testing::FastConsumerProperties();
    return options;
  }

  std::unique_ptr<FeatureSource> Source(const std::string& group = "g") {
    auto source = KafkaFeatureSource::Create(Options(group), Decoder());
    EXPECT_TRUE(source.has_value()) << source.error().ToString();
    return std::move(source).value();
  }

  Status ProduceRange(int begin, int end) {
    std::vector<testing::TestMessage> messages;
    for (int i = begin; i < end; ++i) {
      messages.push_back({.key = "k" + std::to_string(i), .value = testing::JsonRecord(i)});
    }
    return testing::ProduceMessages(kafka_->bootstrap_servers(), "in", messages);
  }

  // The record ids (f0) in `batch`.
  static std::multiset<int> Ids(const RecordBatch& batch) {
    std::multiset<int> ids;
    for (size_t r = 0; r < batch.rows(); ++r) ids.insert(static_cast<int>(batch.numeric(r, 0)));
    return ids;
  }

  std::unique_ptr<EmbeddedKafka> kafka_;
};

TEST_F(KafkaFeatureSourceTest, ConsumesAndDecodesEveryRecordWithItsSource) {
  ASSERT_OK(ProduceRange(0, 500));
  auto source = Source();
  RecordBatch batch;
  testing::PollUntil(*source, batch, 500, seconds(30));
  ASSERT_EQ(batch.rows(), 500u);
  std::set<std::pair<int32_t, int64_t>> offsets;
  for (size_t r = 0; r < batch.rows(); ++r) {
    const int id = static_cast<int>(batch.numeric(r, 0));
    EXPECT_FLOAT_EQ(batch.numeric(r, 1), id * 0.5f);
    EXPECT_EQ(batch.categorical(0).value(r), "c" + std::to_string(id % 3));
    EXPECT_FLOAT_EQ(batch.labels()[r], static_cast<float>(id % 2));
    EXPECT_EQ(batch.topic(r), "in");
    offsets.insert({batch.partition(r), batch.offset(r)});
  }
  EXPECT_EQ(offsets.size(), 500u);  // every (partition, offset) once
  std::multiset<int> ids = Ids(batch);
  EXPECT_EQ(std::set<int>(ids.begin(), ids.end()).size(), 500u);
  const FeatureSourceStats stats = source->stats();
  EXPECT_EQ(stats.records_consumed, 500u);
  EXPECT_EQ(stats.records_decoded, 500u);
  EXPECT_EQ(stats.assigned_partitions, 4);
  EXPECT_GT(stats.offsets_stored, 0u);
  ASSERT_OK(source->Close());
  EXPECT_STATUS(source->Poll(batch, 1, milliseconds(1)), StatusCode::kFailedPrecondition,
                HasSubstr("closed"));
}

TEST_F(KafkaFeatureSourceTest, StatisticsFeedLagAndRoundTripGauges) {
  auto source = Source();
  EXPECT_EQ(source->stats().consumer_lag, -1);  // unknown before any statistics
  ASSERT_OK(ProduceRange(0, 200));
  RecordBatch batch;
  testing::PollUntil(*source, batch, 200, seconds(30));
  ASSERT_EQ(batch.rows(), 200u);
  // Everything read, acknowledged and auto-committed: the lag gauge must settle
  // at 0 (it stays -1 while unknown), and the round trip must be measured.
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  FeatureSourceStats stats = source->stats();
  while ((stats.consumer_lag != 0 || stats.broker_rtt_ms < 0) &&
         std::chrono::steady_clock::now() < deadline) {
    auto result = source->Poll(batch, 1, milliseconds(50));  // serves the statistics callback
    ASSERT_TRUE(result.has_value());
    stats = source->stats();
  }
  EXPECT_EQ(stats.consumer_lag, 0);
  EXPECT_GE(stats.broker_rtt_ms, 0.0);
  EXPECT_EQ(batch.rows(), 200u);
}

TEST_F(KafkaFeatureSourceTest, AtLeastOnceAcrossRestartDuplicatesOnlyTheUnacknowledgedTail) {
  ASSERT_OK(ProduceRange(0, 1000));
  RecordBatch first;
  SourcePosition acknowledged;
  {
    auto source = Source();
    // Acknowledge the first ~400 records, then read more without acknowledging:
    // those form the uncommitted tail.
    acknowledged = testing::PollUntil(*source, first, 400, seconds(30), true, 50);
    RecordBatch tail;
    testing::PollUntil(*source, tail, 200, seconds(30), false, 50);
    ASSERT_GT(tail.rows(), 0u);
    ASSERT_OK(source->Close());
  }
  RecordBatch second;
  auto restarted = Source();
  testing::PollUntil(*restarted, second, 1000 - first.rows(), seconds(30));
  // Nothing lost: every id is in one of the two batches.
  std::multiset<int> all = Ids(first);
  for (int id : Ids(second)) all.insert(id);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(all.count(i), 1u) << "record " << i;
  // The restarted consumer starts exactly at the acknowledged position.
  std::map<int32_t, int64_t> first_offset;
  for (size_t r = 0; r < second.rows(); ++r) {
    auto [it, inserted] = first_offset.emplace(second.partition(r), second.offset(r));
    if (!inserted) it->second = std::min(it->second, second.offset(r));
  }
  for (const auto& p : acknowledged.partitions) {
    if (first_offset.contains(p.partition)) {
      EXPECT_EQ(first_offset[p.partition], p.next_offset) << "partition " << p.partition;
    }
  }
}

TEST_F(KafkaFeatureSourceTest, TwoConsumersInOneGroupCoverEveryPartitionWithoutLoss) {
  ASSERT_OK(ProduceRange(0, 1000));
  auto a = Source("shared");
  RecordBatch batch_a;
  RecordBatch batch_b;
  // A reads alone for a while, then B joins; both keep polling (and acknowledging)
  // through the rebalance, and more records arrive once both own partitions.
  testing::PollUntil(*a, batch_a, 300, seconds(30), true, 50);
  ASSERT_GT(batch_a.rows(), 0u);
  auto b = Source("shared");
  auto poll_both = [&]() {
    for (auto [source, batch] : {std::pair{a.get(), &batch_a}, std::pair{b.get(), &batch_b}}) {
      auto result = source->Poll(*batch, 20, milliseconds(50));
      ASSERT_TRUE(result.has_value()) << result.error().ToString();
      ASSERT_OK(source->Acknowledge(result->position));
    }
  };
  auto both_assigned = [&]() {
    const auto sa = a->stats();
    const auto sb = b->stats();
    return sa.assigned_partitions > 0 && sb.assigned_partitions > 0 &&
           sa.assigned_partitions + sb.assigned_partitions == 4;
  };
  auto distinct_ids = [&]() {
    std::set<int> ids;
    for (int id : Ids(batch_a)) ids.insert(id);
    for (int id : Ids(batch_b)) ids.insert(id);
    return ids.size();
  };
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (!both_assigned() && std::chrono::steady_clock::now() < deadline) poll_both();
  ASSERT_TRUE(both_assigned()) << "a=" << a->stats().assigned_partitions
                               << " b=" << b->stats().assigned_partitions;
  ASSERT_OK(ProduceRange(1000, 2000));
  while (distinct_ids() < 2000 && std::chrono::steady_clock::now() < deadline) poll_both();
  EXPECT_EQ(distinct_ids(), 2000u);
  std::set<int32_t> partitions_a_late;
  std::set<int32_t> partitions_b;
  for (size_t r = 0; r < batch_a.rows(); ++r) {
    if (batch_a.numeric(r, 0) >= 1000) partitions_a_late.insert(batch_a.partition(r));
  }
  for (size_t r = 0; r < batch_b.rows(); ++r) partitions_b.insert(batch_b.partition(r));
  EXPECT_FALSE(partitions_b.empty());  // B really took over partitions
  // After the rebalance each partition has exactly one owner.
  for (int32_t p : partitions_a_late) EXPECT_FALSE(partitions_b.contains(p)) << "partition " << p;
  EXPECT_EQ(partitions_a_late.size() + partitions_b.size(), 4u);
  EXPECT_GE(a->stats().rebalances, 2u);
}

TEST_F(KafkaFeatureSourceTest, MalformedMessagesAreDeadLetteredAndGoodOnesConsumed) {
  std::string garbage(1 << 20, '\0');
  uint32_t x = 7;
  for (char& c : garbage) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  struct Bad {
    std::string value;
    DecodeErrorReason reason;
  };
  const std::vector<Bad> bad = {
      {R"({"f0": 1, "f1": 2, "lab)", DecodeErrorReason::kMalformed},
      {R"({"f0": "one", "label": 1})", DecodeErrorReason::kWrongType},
      {garbage, DecodeErrorReason::kMalformed},
      {"{\"cat\": \"\xc3\x28\", \"label\": 1}", DecodeErrorReason::kInvalidUtf8},
      {"", DecodeErrorReason::kEmpty},
      {R"({"f0": 1, "f1": 2})", DecodeErrorReason::kMissingLabel},
  };
  // All on one partition, each bad message between good ones.
  std::vector<testing::TestMessage> messages;
  int good = 0;
  for (const auto& b : bad) {
    messages.push_back({.key = "g", .value = testing::JsonRecord(good++), .partition = 0});
    messages.push_back({.key = "bad", .value = b.value, .partition = 0,
                        .headers = {{"origin", "test"}}});
  }
  messages.push_back({.key = "g", .value = testing::JsonRecord(good++), .partition = 0});
  ASSERT_OK(testing::ProduceMessages(kafka_->bootstrap_servers(), "in", messages));

  auto source = Source();
  RecordBatch batch;
  testing::PollUntil(*source, batch, good, seconds(30));
  ASSERT_EQ(batch.rows(), static_cast<size_t>(good));
  for (int i = 0; i < good; ++i) EXPECT_FLOAT_EQ(batch.numeric(i, 0), static_cast<float>(i));
  const FeatureSourceStats stats = source->stats();
  EXPECT_EQ(stats.records_dead_lettered, bad.size());
  EXPECT_EQ(stats.dead_lettered_by_reason[static_cast<size_t>(DecodeErrorReason::kMalformed)], 2u);
  EXPECT_EQ(stats.dead_lettered_by_reason[static_cast<size_t>(DecodeErrorReason::kWrongType)], 1u);
  EXPECT_EQ(stats.dead_lettered_by_reason[static_cast<size_t>(DecodeErrorReason::kInvalidUtf8)], 1u);
  EXPECT_EQ(stats.dead_lettered_by_reason[static_cast<size_t>(DecodeErrorReason::kEmpty)], 1u);
  EXPECT_EQ(stats.dead_lettered_by_reason[static_cast<size_t>(DecodeErrorReason::kMissingLabel)], 1u);
  EXPECT_EQ(stats.dead_letter_failures, 0u);

  ASSERT_OK_AND_ASSIGN(auto dead, testing::ReadMessages(kafka_->bootstrap_servers(), "dlq", 1,
                                                        bad.size(), seconds(30)));
  ASSERT_EQ(dead.size(), bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(dead[i].value, bad[i].value);  // original bytes, even 1 MB of garbage
    EXPECT_EQ(dead[i].key, "bad");
    EXPECT_EQ(dead[i].headers["origin"], "test");  // original headers kept
    EXPECT_EQ(dead[i].headers[kDeadLetterSourceTopicHeader], "in");
    EXPECT_EQ(dead[i].headers[kDeadLetterSourcePartitionHeader], "0");
    EXPECT_EQ(dead[i].headers[kDeadLetterSourceOffsetHeader], std::to_string(2 * i + 1));
    EXPECT_EQ(dead[i].headers[kDeadLetterReasonHeader], DecodeErrorReasonName(bad[i].reason));
    EXPECT_FALSE(dead[i].headers[kDeadLetterErrorHeader].empty());
  }
  EXPECT_THAT(dead[1].headers[kDeadLetterErrorHeader], HasSubstr("field 'f0'"));

  // The bad messages were acknowledged with the good ones: a restart reads nothing.
  ASSERT_OK(source->Close());
  source.reset();
  auto restarted = Source();
  RecordBatch again;
  testing::PollUntil(*restarted, again, 1, seconds(3));
  EXPECT_EQ(again.rows(), 0u);
  EXPECT_EQ(restarted->stats().records_consumed, 0u);
}

// A dead letter the broker refuses is kept, not dropped: Acknowledge reports the
// failure and stores no offset, so the bad message is not skipped silently; once the
// broker accepts produce requests again the next Acknowledge delivers it and stores
// the offsets.
TEST_F(KafkaFeatureSourceTest, UndeliverableDeadLetterHoldsTheOffsetUntilDelivered) {
  ASSERT_OK(testing::ProduceMessages(kafka_->bootstrap_servers(), "in",
                                     {{.key = "g", .value = testing::JsonRecord(0), .partition = 0},
                                      {.key = "bad", .value = "{not json", .partition = 0},
                                      {.key = "g", .value = testing::JsonRecord(1), .partition = 0}}));
  ASSERT_OK(kafka_->FailProduceRequests(1000));
  KafkaSourceOptions options = Options();
  options.dead_letter_flush_timeout = seconds(3);
  auto created = KafkaFeatureSource::Create(options, Decoder());
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  std::unique_ptr<FeatureSource> source = std::move(created).value();
  RecordBatch batch;
  const SourcePosition position =
      testing::PollUntil(*source, batch, 2, seconds(30), /*acknowledge=*/false);
  ASSERT_EQ(batch.rows(), 2u);

  const Status refused = source->Acknowledge(position);
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), HasSubstr("dead-letter"));
  FeatureSourceStats stats = source->stats();
  EXPECT_GE(stats.dead_letter_failures, 1u);
  EXPECT_EQ(stats.offsets_stored, 0u);
  EXPECT_FALSE(stats.last_error.ok());

  kafka_->ClearProduceFailures();
  ASSERT_OK(source->Acknowledge(position));
  EXPECT_EQ(source->stats().offsets_stored, 1u);
  ASSERT_OK_AND_ASSIGN(auto dead, testing::ReadMessages(kafka_->bootstrap_servers(), "dlq", 1, 1,
                                                        seconds(30)));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].value, "{not json");
  EXPECT_EQ(dead[0].headers[kDeadLetterSourceOffsetHeader], "1");
}

// A consumer that does not poll within max.poll.interval.ms is put out of the group
// and its partitions go to another member. When it polls again its assignment is
// lost, counted in partitions_lost; the offsets it had stored but not committed are
// not committed (sieve does not try, and the group would refuse a member that left),
// so no record is skipped: the group reads them again.
TEST_F(KafkaFeatureSourceTest, PartitionsLostToAnotherMemberAreReadAgainNotSkipped) {
  ASSERT_OK(ProduceRange(0, 100));
  KafkaSourceOptions options = Options("lost");
  options.properties["enable.auto.commit"] = "false";  // only commits sieve makes itself
  // The shortest poll interval the mock's group join tolerates (its initial
  // rebalance delay is 3 s) and librdkafka allows (not below session.timeout.ms).
  options.properties["max.poll.interval.ms"] = "6000";
  auto created = KafkaFeatureSource::Create(options, Decoder());
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  std::unique_ptr<FeatureSource> a = std::move(created).value();
  RecordBatch batch_a;
  testing::PollUntil(*a, batch_a, 50, seconds(30), true, 50);
  ASSERT_OK(a->Commit());  // the first records are committed ...
  const size_t committed = batch_a.rows();
  testing::PollUntil(*a, batch_a, 100, seconds(30), true, 50);  // ... the rest only stored
  ASSERT_EQ(batch_a.rows(), 100u);
  const uint64_t commits_before = a->stats().commits;

  std::this_thread::sleep_for(milliseconds(7000));  // past max.poll.interval.ms
  {
    // B takes the partitions over and reads from the committed offsets, without
    // acknowledging (so it commits nothing either).
    auto b = Source("lost");
    RecordBatch batch_b;
    testing::PollUntil(*b, batch_b, 100 - committed, seconds(30), false);
    EXPECT_EQ(batch_b.rows(), 100 - committed);
    // A polls again: its revoke comes with the assignment lost.
    const auto deadline = std::chrono::steady_clock::now() + seconds(20);
    while (a->stats().partitions_lost == 0 && std::chrono::steady_clock::now() < deadline) {
      RecordBatch ignored;
      (void)a->Poll(ignored, 100, milliseconds(100));
    }
    EXPECT_GT(a->stats().partitions_lost, 0u);
    EXPECT_EQ(a->stats().commits, commits_before);
    ASSERT_OK(b->Close());
  }
  a.reset();
  // A third consumer starts where the group's committed offsets are: right after the
  // records A committed, not after the ones it had only stored.
  auto c = Source("lost");
  RecordBatch batch_c;
  testing::PollUntil(*c, batch_c, 100 - committed, seconds(30));
  EXPECT_EQ(batch_c.rows(), 100 - committed);
}

TEST(KafkaFeatureSourceCreateTest, RejectsBadOptionsNamingThem) {
  KafkaSourceOptions options;
  options.bootstrap_servers = "127.0.0.1:1";
  options.group_id = "g";
  options.topics = {"t"};
  auto with = [&](auto change) {
    KafkaSourceOptions o = options;
    change(o);
    return KafkaFeatureSource::Create(o, Decoder());
  };
  EXPECT_STATUS(with([](auto& o) { o.bootstrap_servers = ""; }), StatusCode::kInvalidArgument,
                HasSubstr("bootstrap_servers"));
  EXPECT_STATUS(with([](auto& o) { o.bootstrap_servers = "embedded"; }),
                StatusCode::kInvalidArgument, HasSubstr("embedded"));
  EXPECT_STATUS(with([](auto& o) { o.group_id = ""; }), StatusCode::kInvalidArgument,
                HasSubstr("group_id"));
  EXPECT_STATUS(with([](auto& o) { o.topics = {}; }), StatusCode::kInvalidArgument,
                HasSubstr("topics"));
  EXPECT_STATUS(with([](auto& o) { o.properties["no.such.property"] = "1"; }),
                StatusCode::kInvalidArgument, HasSubstr("no.such.property"));
  EXPECT_STATUS(with([](auto& o) { o.properties["enable.auto.offset.store"] = "true"; }),
                StatusCode::kInvalidArgument, HasSubstr("enable.auto.offset.store"));
  EXPECT_STATUS(with([](auto& o) { o.auto_offset_reset = "sometimes"; }),
                StatusCode::kInvalidArgument, HasSubstr("auto_offset_reset"));
  EXPECT_STATUS(KafkaFeatureSource::Create(options, nullptr), StatusCode::kInvalidArgument,
                HasSubstr("decoder"));
}

}  // namespace
}  // namespace sieve
