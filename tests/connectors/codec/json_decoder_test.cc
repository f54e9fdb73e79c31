#include <cmath>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/codec/record_decoder.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;

JsonDecoderOptions Options() {
  JsonDecoderOptions options;
  options.schema.numeric_features = {"a", "b", "c"};
  options.schema.categorical_features = {"country"};
  options.schema.label_field = "y";
  return options;
}

std::unique_ptr<RecordDecoder> MakeDecoder(JsonDecoderOptions options = Options()) {
  auto decoder = CreateJsonDecoder(std::move(options));
  EXPECT_TRUE(decoder.has_value());
  return std::move(decoder).value();
}

TEST(JsonDecoderTest, DecodesNumbersBooleansStringsAndNulls) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"a": 1.5, "b": true, "c": null, "country": "fr", "y": 1})",
                            {"t", 2, 40}, batch, nullptr));
  ASSERT_OK(decoder->Decode(R"({"y": 0, "country": 44, "b": false, "a": -3e2, "extra": "x"})",
                            {"t", 2, 41}, batch, nullptr));
  ASSERT_EQ(batch.rows(), 2u);
  ASSERT_EQ(batch.numeric_columns(), 3u);
  EXPECT_FLOAT_EQ(batch.numeric(0, 0), 1.5f);
  EXPECT_FLOAT_EQ(batch.numeric(0, 1), 1.0f);
  EXPECT_TRUE(std::isnan(batch.numeric(0, 2)));
  EXPECT_FLOAT_EQ(batch.numeric(1, 0), -300.0f);
  EXPECT_FLOAT_EQ(batch.numeric(1, 1), 0.0f);
  EXPECT_TRUE(std::isnan(batch.numeric(1, 2)));  // absent
  EXPECT_EQ(batch.categorical(0).value(0), "fr");
  EXPECT_EQ(batch.categorical(0).value(1), "44");
  EXPECT_FLOAT_EQ(batch.labels()[0], 1.0f);
  EXPECT_FLOAT_EQ(batch.labels()[1], 0.0f);
  EXPECT_EQ(batch.topic(1), "t");
  EXPECT_EQ(batch.partition(1), 2);
  EXPECT_EQ(batch.offset(0), 40);
  EXPECT_EQ(batch.offset(1), 41);
}

TEST(JsonDecoderTest, EscapedStringsAreUnescaped) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"country": "a\"b\u00e9", "y": 1})", {}, batch, nullptr));
  EXPECT_EQ(batch.categorical(0).value(0), "a\"b\xc3\xa9");
  EXPECT_FALSE(std::isnan(batch.labels()[0]));
}

TEST(JsonDecoderTest, MissingCategoricalIsAbsent) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"country": null, "y": 1})", {}, batch, nullptr));
  ASSERT_OK(decoder->Decode(R"({"country": "", "y": 1})", {}, batch, nullptr));
  EXPECT_FALSE(batch.categorical(0).present(0));
  EXPECT_TRUE(batch.categorical(0).present(1));
  EXPECT_EQ(batch.categorical(0).value(1), "");
}

struct BadCase {
  std::string name;
  std::string bytes;
  DecodeErrorReason reason;
  std::string message_part;
};

class JsonDecoderBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(JsonDecoderBadInputTest, RejectsWithReasonAndLeavesBatchUnchanged) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"a": 1, "y": 1})", {}, batch, nullptr));
  DecodeErrorReason reason = DecodeErrorReason::kEmpty;
  Status status = decoder->Decode(GetParam().bytes, {}, batch, &reason);
  EXPECT_STATUS(status, StatusCode::kDataLoss, HasSubstr(GetParam().message_part));
  EXPECT_EQ(DecodeErrorReasonName(reason), DecodeErrorReasonName(GetParam().reason));
  EXPECT_EQ(batch.rows(), 1u);
  for (size_t i = 0; i < batch.numeric_columns(); ++i) EXPECT_EQ(batch.numeric(i).size(), 1u);
  // The decoder keeps working after the failure.
  ASSERT_OK(decoder->Decode(R"({"a": 2, "y": 0})", {}, batch, nullptr));
  EXPECT_EQ(batch.rows(), 2u);
  EXPECT_FLOAT_EQ(batch.numeric(1, 0), 2.0f);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonDecoderBadInputTest,
    ::testing::Values(
        BadCase{"Empty", "", DecodeErrorReason::kEmpty, "empty"},
        BadCase{"Truncated", R"({"a": 1, "b": 2, "y)", DecodeErrorReason::kMalformed, "invalid JSON"},
        BadCase{"TruncatedAfterColon", R"({"a": 1, "b":)", DecodeErrorReason::kMalformed,
                "invalid JSON"},
        BadCase{"Garbage", "\x01\x02garbage", DecodeErrorReason::kMalformed, "invalid JSON"},
        BadCase{"InvalidUtf8", "{\"country\": \"\xff\xfe\", \"y\": 1}",
                DecodeErrorReason::kInvalidUtf8, "UTF-8"},
        BadCase{"WrongTypeNumeric", R"({"a": "fast", "y": 1})", DecodeErrorReason::kWrongType,
                "field 'a': expected a number"},
        BadCase{"WrongTypeLabel", R"({"a": 1, "y": "yes"})", DecodeErrorReason::kWrongType,
                "label field 'y'"},
        BadCase{"MissingLabel", R"({"a": 1})", DecodeErrorReason::kMissingLabel,
                "label field 'y' is missing"},
        BadCase{"NullLabel", R"({"a": 1, "y": null})", DecodeErrorReason::kMissingLabel, "'y'"},
        BadCase{"TopLevelArray", R"([1, 2])", DecodeErrorReason::kNotFlatObject, "array"},
        BadCase{"Nested", R"({"a": {"x": 1}, "y": 1})", DecodeErrorReason::kNotFlatObject,
                "field 'a': nested object"},
        BadCase{"NestedUnknown", R"({"zz": [1], "y": 1})", DecodeErrorReason::kNotFlatObject,
                "field 'zz'"},
        BadCase{"Duplicate", R"({"a": 1, "a": 2, "y": 1})", DecodeErrorReason::kDuplicateField,
                "field 'a' appears more than once"},
        BadCase{"TrailingContent", R"({"a": 1, "y": 1} {"a": 2})", DecodeErrorReason::kMalformed,
                "invalid JSON"}),
    [](const auto& info) { return info.param.name; });

TEST(JsonDecoderTest, RejectsMessagesOverTheByteLimit) {
  JsonDecoderOptions options = Options();
  options.max_message_bytes = 16;
  auto decoder = MakeDecoder(options);
  RecordBatch batch;
  DecodeErrorReason reason;
  EXPECT_STATUS(decoder->Decode(R"({"a": 1, "b": 2, "y": 1})", {}, batch, &reason),
                StatusCode::kDataLoss, HasSubstr("exceeds the limit of 16"));
  EXPECT_EQ(reason, DecodeErrorReason::kTooLarge);
  EXPECT_EQ(batch.rows(), 0u);
}

TEST(JsonDecoderTest, OneMegabyteOfGarbageIsRejected) {
  auto decoder = MakeDecoder();
  std::string garbage(1 << 20, '\0');
  uint32_t x = 12345;
  for (char& c : garbage) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  RecordBatch batch;
  DecodeErrorReason reason;
  Status status = decoder->Decode(garbage, {}, batch, &reason);
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(reason == DecodeErrorReason::kMalformed || reason == DecodeErrorReason::kInvalidUtf8)
      << DecodeErrorReasonName(reason);
  EXPECT_EQ(batch.rows(), 0u);
}

TEST(JsonDecoderTest, DiscoveryAddsNewNumericFieldsAsColumns) {
  JsonDecoderOptions options = Options();
  options.schema.discover_numeric_features = true;
  auto decoder = MakeDecoder(options);
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"a": 1, "y": 1})", {}, batch, nullptr));
  ASSERT_OK(decoder->Decode(R"({"a": 2, "new1": 7, "tag": "x", "y": 1})", {}, batch, nullptr));
  ASSERT_OK(decoder->Decode(R"({"new2": 8, "new1": 9, "y": 1})", {}, batch, nullptr));
  EXPECT_THAT(decoder->schema().numeric_features,
              ::testing::ElementsAre("a", "b", "c", "new1", "new2"));
  ASSERT_EQ(batch.numeric_columns(), 5u);
  EXPECT_TRUE(std::isnan(batch.numeric(0, 3)));  // backfilled
  EXPECT_FLOAT_EQ(batch.numeric(1, 3), 7.0f);
  EXPECT_FLOAT_EQ(batch.numeric(2, 3), 9.0f);
  EXPECT_FLOAT_EQ(batch.numeric(2, 4), 8.0f);
  EXPECT_TRUE(std::isnan(batch.numeric(1, 4)));
}

TEST(JsonDecoderTest, ARejectedRecordDiscoversNothing) {
  JsonDecoderOptions options = Options();
  options.schema.discover_numeric_features = true;
  auto decoder = MakeDecoder(options);
  RecordBatch batch;
  EXPECT_FALSE(decoder->Decode(R"({"new1": 1, "a": "bad", "y": 1})", {}, batch, nullptr).ok());
  EXPECT_EQ(decoder->schema().numeric_features.size(), 3u);
  ASSERT_OK(decoder->Decode(R"({"new2": 2, "new1": 3, "y": 1})", {}, batch, nullptr));
  EXPECT_THAT(decoder->schema().numeric_features,
              ::testing::ElementsAre("a", "b", "c", "new2", "new1"));
  EXPECT_FLOAT_EQ(batch.numeric(0, 4), 3.0f);
}

TEST(JsonDecoderTest, WithoutDiscoveryUnknownFieldsAreIgnored) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"zz": 3, "a": 1, "y": 1})", {}, batch, nullptr));
  EXPECT_EQ(batch.numeric_columns(), 3u);
  EXPECT_EQ(decoder->schema().numeric_features.size(), 3u);
}

TEST(JsonDecoderTest, FieldOrderChangesAreHandled) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"a": 1, "b": 2, "y": 1})", {}, batch, nullptr));
  ASSERT_OK(decoder->Decode(R"({"b": 3, "a": 4, "y": 0})", {}, batch, nullptr));
  EXPECT_FLOAT_EQ(batch.numeric(1, 0), 4.0f);
  EXPECT_FLOAT_EQ(batch.numeric(1, 1), 3.0f);
}

TEST(JsonDecoderTest, SameFieldOrderWithOtherValueTypesIsDecodedByType) {
  // Exercises the fast path that expects a number where the previous record had one.
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"a": 1, "b": 2, "c": 3, "y": 1})", {}, batch, nullptr));
  ASSERT_OK(decoder->Decode(R"({"a": true, "b": null, "c": 4, "y": 0})", {}, batch, nullptr));
  EXPECT_FLOAT_EQ(batch.numeric(1, 0), 1.0f);
  EXPECT_TRUE(std::isnan(batch.numeric(1, 1)));
  EXPECT_FLOAT_EQ(batch.numeric(1, 2), 4.0f);
  DecodeErrorReason reason;
  EXPECT_STATUS(decoder->Decode(R"({"a": 5, "b": "x", "c": 6, "y": 1})", {}, batch, &reason),
                StatusCode::kDataLoss, HasSubstr("field 'b'"));
  EXPECT_EQ(reason, DecodeErrorReason::kWrongType);
  EXPECT_STATUS(decoder->Decode(R"({"a": 5, "a": 6, "c": 6, "y": 1})", {}, batch, &reason),
                StatusCode::kDataLoss, HasSubstr("field 'a' appears more than once"));
  EXPECT_STATUS(decoder->Decode(R"({"a": 5, "b": 1.2.3, "c": 6, "y": 1})", {}, batch, &reason),
                StatusCode::kDataLoss, HasSubstr("invalid JSON"));
  ASSERT_OK(decoder->Decode(R"({"a": 7, "b": 8, "c": 9, "y": 1})", {}, batch, nullptr));
  ASSERT_EQ(batch.rows(), 3u);
  EXPECT_FLOAT_EQ(batch.numeric(2, 1), 8.0f);
}

TEST(JsonDecoderTest, OptionalLabelBecomesNaN) {
  JsonDecoderOptions options = Options();
  options.schema.label_required = false;
  auto decoder = MakeDecoder(options);
  RecordBatch batch;
  ASSERT_OK(decoder->Decode(R"({"a": 1})", {}, batch, nullptr));
  EXPECT_TRUE(std::isnan(batch.labels()[0]));
}

TEST(JsonDecoderTest, InvalidSchemaIsRejectedNamingTheField) {
  JsonDecoderOptions options = Options();
  options.schema.categorical_features.push_back("a");
  EXPECT_STATUS(CreateJsonDecoder(options), StatusCode::kInvalidArgument,
                HasSubstr("field 'a' is listed more than once"));
  options = Options();
  options.schema.label_field = "";
  EXPECT_STATUS(CreateJsonDecoder(options), StatusCode::kInvalidArgument,
                HasSubstr("label_field"));
}

TEST(RecordBatchTest, ClearKeepsColumnsAndBucketsAreStable) {
  RecordBatch batch(2, 1);
  float row[2] = {1, 2};
  std::string_view cat[1] = {"abc"};
  batch.AppendRow(row, cat, 1.0f, {"t", 0, 1});
  EXPECT_EQ(batch.categorical(0).Bucket(0, 1000), HashCategoricalValue("abc") % 1000);
  EXPECT_NE(HashCategoricalValue("abc"), HashCategoricalValue("abd"));
  batch.Clear();
  EXPECT_EQ(batch.rows(), 0u);
  EXPECT_EQ(batch.numeric_columns(), 2u);
  EXPECT_EQ(batch.numeric(0).size(), 0u);
}

}  // namespace
}  // namespace sieve
