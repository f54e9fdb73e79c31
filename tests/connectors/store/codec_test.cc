// Persisted encodings: version JSON and window chunks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "connectors/store/version_json.h"
#include "connectors/store/window_chunk.h"
#include "tests/connectors/store/store_test_util.h"
#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::sieve::testing::MakeChunk;
using ::sieve::testing::MakeVersion;
using ::testing::HasSubstr;

TEST(VersionJsonTest, RoundTripsEveryField) {
  FeatureSetVersion v = MakeVersion("ctr", 4);
  v.version = 12;
  v.parent = 9;
  v.state = FeatureSetState::kRejected;
  v.seed = std::numeric_limits<uint64_t>::max();
  v.created_at_unix_ms = -5;
  v.jaccard_to_previous_active = 1.0 / 3.0;
  v.features[1].kind = FeatureKind::kCross;
  v.features[0].attention_weight = 0.1 + 0.2;  // not exactly representable: must round-trip
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion back, DecodeVersionJson(EncodeVersionJson(v)));
  EXPECT_EQ(back, v);
}

TEST(VersionJsonTest, CarriesSchemaVersion) {
  auto j = nlohmann::json::parse(EncodeVersionJson(MakeVersion("ctr", 1)));
  EXPECT_EQ(j["schema_version"], kVersionSchema);
  EXPECT_EQ(j["state"], "candidate");
  EXPECT_TRUE(j["jaccard_to_previous_active"].is_null());
}

TEST(VersionJsonTest, NewerSchemaIsAFailedPrecondition) {
  auto j = nlohmann::json::parse(EncodeVersionJson(MakeVersion("ctr", 1)));
  j["schema_version"] = kVersionSchema + 1;
  EXPECT_STATUS(DecodeVersionJson(j.dump()), StatusCode::kFailedPrecondition,
                HasSubstr("newer schema_version 2"));
}

TEST(VersionJsonTest, DamagedRecordsNameTheField) {
  auto base = nlohmann::json::parse(EncodeVersionJson(MakeVersion("ctr", 2)));
  EXPECT_STATUS(DecodeVersionJson("{\"schema_version\":1,"), StatusCode::kCorruption,
                HasSubstr("not valid JSON"));
  EXPECT_STATUS(DecodeVersionJson("[1,2]"), StatusCode::kCorruption,
                HasSubstr("not a JSON object"));

  auto j = base;
  j["features"][1]["rank"] = "two";
  EXPECT_STATUS(DecodeVersionJson(j.dump()), StatusCode::kCorruption,
                HasSubstr("\"features[1].rank\": not an integer"));
  j = base;
  j["features"][0]["kind"] = "text";
  EXPECT_STATUS(DecodeVersionJson(j.dump()), StatusCode::kCorruption,
                HasSubstr("features[0].kind"));
  j = base;
  j["budgets"]["latency_us"].erase("used");
  EXPECT_STATUS(DecodeVersionJson(j.dump()), StatusCode::kCorruption,
                HasSubstr("\"budgets.latency_us.used\": missing"));
  j = base;
  j["window_offsets"][0]["partition"] = 1LL << 40;
  EXPECT_STATUS(DecodeVersionJson(j.dump()), StatusCode::kCorruption,
                HasSubstr("window_offsets[0].partition\": out of range"));
  j = base;
  j["state"] = "promoted";
  EXPECT_STATUS(DecodeVersionJson(j.dump()), StatusCode::kCorruption, HasSubstr("\"state\""));
  j = base;
  j.erase("schema_version");
  EXPECT_STATUS(DecodeVersionJson(j.dump()), StatusCode::kCorruption,
                HasSubstr("\"schema_version\": missing"));
}

TEST(VersionJsonTest, TextMustBeUtf8) {
  FeatureSetVersion v = MakeVersion("ctr", 2);
  EXPECT_OK(ValidateVersionText(v));
  v.features[1].name = "\xc3\xa9t\xc3\xa9 \xf0\x9f\x93\x88";  // "été" and a chart emoji
  EXPECT_OK(ValidateVersionText(v));
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion back, DecodeVersionJson(EncodeVersionJson(v)));
  EXPECT_EQ(back.features[1].name, v.features[1].name);
  for (std::string bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    v.features[1].name = "x" + bad;
    EXPECT_STATUS(ValidateVersionText(v), StatusCode::kInvalidArgument,
                  HasSubstr("features[1].name: not valid UTF-8"));
    // Encoding never throws, even unvalidated.
    EXPECT_FALSE(EncodeVersionJson(v).empty());
  }
}

TEST(VersionJsonTest, UnknownFieldsAreIgnored) {
  auto j = nlohmann::json::parse(EncodeVersionJson(MakeVersion("ctr", 2)));
  j["note"] = "added by a tool";
  ASSERT_OK_AND_ASSIGN(FeatureSetVersion v, DecodeVersionJson(j.dump()));
  EXPECT_EQ(v.pipeline, "ctr");
}

TEST(PipelineStateJsonTest, RoundTripsAndRefusesNewerSchema) {
  PipelineState state{true, "incident 42", 1234};
  ASSERT_OK_AND_ASSIGN(PipelineState back, DecodePipelineStateJson(EncodePipelineStateJson(state)));
  EXPECT_EQ(back, state);
  EXPECT_STATUS(DecodePipelineStateJson("{\"schema_version\":3}"), StatusCode::kFailedPrecondition,
                HasSubstr("newer schema_version 3"));
  EXPECT_STATUS(DecodePipelineStateJson("{\"schema_version\":1,\"paused\":true}"),
                StatusCode::kCorruption, HasSubstr("\"reason\": missing"));
}

TEST(WindowChunkTest, RoundTrips) {
  WindowChunk c = MakeChunk(100, 7, 4, 2);
  c.offsets.push_back({"clicks", 3, 1234567890123});
  ASSERT_OK(ValidateWindowChunk(c));
  ASSERT_OK_AND_ASSIGN(WindowChunk back, DecodeWindowChunk(EncodeWindowChunk(c)));
  EXPECT_EQ(back, c);
}

TEST(WindowChunkTest, EmptyChunkRoundTrips) {
  WindowChunk c;
  c.offsets = {{"events", 0, 5}};
  ASSERT_OK(ValidateWindowChunk(c));
  ASSERT_OK_AND_ASSIGN(WindowChunk back, DecodeWindowChunk(EncodeWindowChunk(c)));
  EXPECT_EQ(back, c);
}

TEST(WindowChunkTest, EveryTruncationIsCorruptionNotACrash) {
  std::string bytes = EncodeWindowChunk(MakeChunk(0, 3, 2, 1));
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeWindowChunk(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(r.has_value()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(r.error().code(), StatusCode::kCorruption) << r.error().ToString();
  }
  EXPECT_STATUS(DecodeWindowChunk(bytes + "x"), StatusCode::kCorruption, HasSubstr("trailing"));
}

TEST(WindowChunkTest, HugeCountsInDamagedHeaderAreRejected) {
  std::string bytes = EncodeWindowChunk(MakeChunk(0, 3, 2, 1));
  bytes[5] = '\xff';  // float column count -> about 4 billion
  bytes[6] = '\xff';
  bytes[7] = '\xff';
  bytes[8] = '\x7f';
  EXPECT_STATUS(DecodeWindowChunk(bytes), StatusCode::kCorruption, HasSubstr("column names"));
}

TEST(WindowChunkTest, NewerFormatIsAFailedPrecondition) {
  std::string bytes = EncodeWindowChunk(MakeChunk(0, 1));
  bytes[0] = 9;
  EXPECT_STATUS(DecodeWindowChunk(bytes), StatusCode::kFailedPrecondition, HasSubstr("format 9"));
}

TEST(WindowChunkTest, ValidationNamesTheField) {
  WindowChunk c = MakeChunk(0, 2, 2, 1);
  c.floats.pop_back();
  EXPECT_STATUS(ValidateWindowChunk(c), StatusCode::kInvalidArgument,
                HasSubstr("floats: has 3 values, expected 4"));
  c = MakeChunk(0, 2, 2, 1);
  c.bucket_columns[0] = "x1";
  EXPECT_STATUS(ValidateWindowChunk(c), StatusCode::kInvalidArgument,
                HasSubstr("bucket_columns[0]: duplicate column \"x1\""));
  c = MakeChunk(0, 2);
  c.offsets.push_back(c.offsets[0]);
  EXPECT_STATUS(ValidateWindowChunk(c), StatusCode::kInvalidArgument,
                HasSubstr("offsets[1]: duplicate partition events/0"));
  c = MakeChunk(0, 2);
  c.offsets[0].next_offset = -1;
  EXPECT_STATUS(ValidateWindowChunk(c), StatusCode::kInvalidArgument,
                HasSubstr("offsets[0].next_offset"));
}

TEST(WindowChunkTest, LayoutFingerprintSeesNamesOrderAndKind) {
  uint64_t a = WindowLayoutFingerprint({"a", "b"}, {"c"});
  EXPECT_EQ(a, WindowLayoutFingerprint({"a", "b"}, {"c"}));
  EXPECT_NE(a, WindowLayoutFingerprint({"b", "a"}, {"c"}));
  EXPECT_NE(a, WindowLayoutFingerprint({"a"}, {"b", "c"}));
  EXPECT_NE(WindowLayoutFingerprint({"ab", "c"}, {}), WindowLayoutFingerprint({"a", "bc"}, {}));
}

}  // namespace
}  // namespace sieve
