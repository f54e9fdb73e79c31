#include <cmath>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/codec/record_decoder.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;

CsvDecoderOptions Options() {
  CsvDecoderOptions options;
  options.header = {"id", "a", "b", "city", "y"};
  options.schema.numeric_features = {"a", "b"};
  options.schema.categorical_features = {"city"};
  options.schema.label_field = "y";
  return options;
}

std::unique_ptr<RecordDecoder> MakeDecoder(CsvDecoderOptions options = Options()) {
  auto decoder = CreateCsvDecoder(std::move(options));
  EXPECT_TRUE(decoder.has_value()) << decoder.error().ToString();
  return std::move(decoder).value();
}

TEST(CsvDecoderTest, DecodesColumnsByHeader) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode("7,1.5,-2,Paris,1\n", {"t", 0, 5}, batch, nullptr));
  ASSERT_OK(decoder->Decode("8, 3 ,,\"New York, NY\",0", {"t", 0, 6}, batch, nullptr));
  ASSERT_EQ(batch.rows(), 2u);
  EXPECT_FLOAT_EQ(batch.numeric(0, 0), 1.5f);
  EXPECT_FLOAT_EQ(batch.numeric(0, 1), -2.0f);
  EXPECT_FLOAT_EQ(batch.numeric(1, 0), 3.0f);
  EXPECT_TRUE(std::isnan(batch.numeric(1, 1)));
  EXPECT_EQ(batch.categorical(0).value(0), "Paris");
  EXPECT_EQ(batch.categorical(0).value(1), "New York, NY");
  EXPECT_FLOAT_EQ(batch.labels()[0], 1.0f);
  EXPECT_FLOAT_EQ(batch.labels()[1], 0.0f);
  EXPECT_EQ(batch.offset(1), 6);
}

TEST(CsvDecoderTest, EmptyCategoricalIsAbsent) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode("1,1,1,,1", {}, batch, nullptr));
  EXPECT_FALSE(batch.categorical(0).present(0));
}

struct BadCase {
  std::string name;
  std::string bytes;
  DecodeErrorReason reason;
  std::string message_part;
};

class CsvDecoderBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(CsvDecoderBadInputTest, RejectsWithReasonAndLeavesBatchUnchanged) {
  auto decoder = MakeDecoder();
  RecordBatch batch;
  ASSERT_OK(decoder->Decode("1,1,1,x,1", {}, batch, nullptr));
  DecodeErrorReason reason = DecodeErrorReason::kEmpty;
  EXPECT_STATUS(decoder->Decode(GetParam().bytes, {}, batch, &reason), StatusCode::kDataLoss,
                HasSubstr(GetParam().message_part));
  EXPECT_EQ(DecodeErrorReasonName(reason), DecodeErrorReasonName(GetParam().reason));
  EXPECT_EQ(batch.rows(), 1u);
  ASSERT_OK(decoder->Decode("2,4,5,y,0", {}, batch, nullptr));
  EXPECT_EQ(batch.rows(), 2u);
  EXPECT_FLOAT_EQ(batch.numeric(1, 0), 4.0f);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CsvDecoderBadInputTest,
    ::testing::Values(
        BadCase{"Empty", "", DecodeErrorReason::kEmpty, "empty"},
        BadCase{"TooFewFields", "1,2,3", DecodeErrorReason::kFieldCount,
                "has 3 fields, the header has 5"},
        BadCase{"TooManyFields", "1,2,3,4,5,6", DecodeErrorReason::kFieldCount, "6 fields"},
        BadCase{"NotANumber", "1,abc,3,x,1", DecodeErrorReason::kWrongType,
                "column 'a' (field 2): 'abc' is not a number"},
        BadCase{"BadLabel", "1,2,3,x,yes", DecodeErrorReason::kWrongType, "column 'y'"},
        BadCase{"MissingLabel", "1,2,3,x,", DecodeErrorReason::kMissingLabel,
                "label column 'y'"},
        BadCase{"UnterminatedQuote", "1,2,3,\"x,1", DecodeErrorReason::kMalformed,
                "invalid CSV"},
        BadCase{"TwoRecords", "1,2,3,x,1\n1,2,3,x,1\n", DecodeErrorReason::kMalformed,
                "one CSV record per message, got 2"},
        BadCase{"InvalidUtf8", "1,2,3,\xff,1", DecodeErrorReason::kInvalidUtf8, "UTF-8"}),
    [](const auto& info) { return info.param.name; });

TEST(CsvDecoderTest, DiscoveryTurnsUnlistedColumnsIntoNumericFeatures) {
  CsvDecoderOptions options = Options();
  options.schema.numeric_features = {"a"};
  options.schema.discover_numeric_features = true;
  auto decoder = MakeDecoder(options);
  EXPECT_THAT(decoder->schema().numeric_features, ::testing::ElementsAre("a", "id", "b"));
  RecordBatch batch;
  ASSERT_OK(decoder->Decode("7,1,2,x,1", {}, batch, nullptr));
  EXPECT_FLOAT_EQ(batch.numeric(0, 1), 7.0f);
  EXPECT_FLOAT_EQ(batch.numeric(0, 2), 2.0f);
}

TEST(CsvDecoderTest, InvalidConfigurationIsRejectedNamingTheColumn) {
  CsvDecoderOptions options = Options();
  options.schema.numeric_features.push_back("missing_col");
  EXPECT_STATUS(CreateCsvDecoder(options), StatusCode::kInvalidArgument,
                HasSubstr("'missing_col' is not a header column"));
  options = Options();
  options.header.push_back("a");
  EXPECT_STATUS(CreateCsvDecoder(options), StatusCode::kInvalidArgument,
                HasSubstr("'a' appears more than once"));
  options = Options();
  options.header = {};
  EXPECT_STATUS(CreateCsvDecoder(options), StatusCode::kInvalidArgument, HasSubstr("header"));
}

}  // namespace
}  // namespace sieve
