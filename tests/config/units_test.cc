#include "config/units.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using std::chrono::nanoseconds;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(ParseDurationTest, AcceptsEveryUnit) {
  EXPECT_EQ(ParseDuration("300us").value(), 300us);
  EXPECT_EQ(ParseDuration("7\u00b5s").value(), 7us);
  EXPECT_EQ(ParseDuration("15ns").value(), 15ns);
  EXPECT_EQ(ParseDuration("250ms").value(), 250ms);
  EXPECT_EQ(ParseDuration("20s").value(), 20s);
  EXPECT_EQ(ParseDuration("2m").value(), 2min);
  EXPECT_EQ(ParseDuration("1h").value(), 1h);
  EXPECT_EQ(ParseDuration("2d").value(), 48h);
  EXPECT_EQ(ParseDuration("0").value(), 0ns);
}

TEST(ParseDurationTest, AcceptsFractionsAndCompounds) {
  EXPECT_EQ(ParseDuration("1.5s").value(), 1500ms);
  EXPECT_EQ(ParseDuration("0.25ms").value(), 250us);
  EXPECT_EQ(ParseDuration("1h30m").value(), 90min);
  EXPECT_EQ(ParseDuration("1m30s500ms").value(), 90500ms);
}

TEST(ParseDurationTest, RejectsBadText) {
  EXPECT_STATUS(ParseDuration("30"), StatusCode::kInvalidArgument, HasSubstr("needs a unit"));
  EXPECT_STATUS(ParseDuration("5x"), StatusCode::kInvalidArgument, HasSubstr("unknown unit 'x'"));
  EXPECT_STATUS(ParseDuration("-5s"), StatusCode::kInvalidArgument, HasSubstr("negative"));
  EXPECT_STATUS(ParseDuration(""), StatusCode::kInvalidArgument, HasSubstr("empty"));
  EXPECT_STATUS(ParseDuration("s"), StatusCode::kInvalidArgument, HasSubstr("expected a number"));
  EXPECT_STATUS(ParseDuration("1 s"), StatusCode::kInvalidArgument, HasSubstr("unknown unit"));
  EXPECT_STATUS(ParseDuration("99999999999h"), StatusCode::kInvalidArgument,
                HasSubstr("too large"));
  EXPECT_STATUS(ParseDuration("1..5s"), StatusCode::kInvalidArgument, HasSubstr("'1..5s'"));
}

TEST(FormatDurationTest, RoundTrips) {
  for (nanoseconds d : {nanoseconds(0), nanoseconds(300us), nanoseconds(20s), nanoseconds(90min),
                        nanoseconds(1h + 2s + 3ms), nanoseconds(7ns), nanoseconds(48h)}) {
    const std::string text = FormatDuration(d);
    ASSERT_OK_AND_ASSIGN(nanoseconds back, ParseDuration(text));
    EXPECT_EQ(back, d) << text;
  }
  EXPECT_EQ(FormatDuration(90min), "1h30m");
  EXPECT_EQ(FormatDuration(300us), "300us");
}

TEST(ParseByteSizeTest, AcceptsDecimalAndBinaryUnits) {
  EXPECT_EQ(ParseByteSize("64MiB").value(), 64LL * 1024 * 1024);
  EXPECT_EQ(ParseByteSize("1.5GB").value(), 1'500'000'000LL);
  EXPECT_EQ(ParseByteSize("4096").value(), 4096);
  EXPECT_EQ(ParseByteSize("12B").value(), 12);
  EXPECT_EQ(ParseByteSize("640kB").value(), 640'000);
  EXPECT_EQ(ParseByteSize("8KiB").value(), 8192);
  EXPECT_EQ(ParseByteSize("2 GiB").value(), 2LL << 30);
  EXPECT_EQ(ParseByteSize("1TB").value(), 1'000'000'000'000LL);
  EXPECT_EQ(ParseByteSize("1.5KiB").value(), 1536);
  EXPECT_EQ(ParseByteSize("64mib").value(), 64LL << 20);
}

TEST(ParseByteSizeTest, RejectsBadText) {
  EXPECT_STATUS(ParseByteSize("64XB"), StatusCode::kInvalidArgument, HasSubstr("unknown unit"));
  EXPECT_STATUS(ParseByteSize("-1MB"), StatusCode::kInvalidArgument, HasSubstr("negative"));
  EXPECT_STATUS(ParseByteSize("MB"), StatusCode::kInvalidArgument, HasSubstr("expected a number"));
  EXPECT_STATUS(ParseByteSize(""), StatusCode::kInvalidArgument, HasSubstr("empty"));
  EXPECT_STATUS(ParseByteSize("99999999TiB"), StatusCode::kInvalidArgument, HasSubstr("too large"));
}

TEST(ParseNonNegativeNumberTest, AcceptsPlainNumbersOnly) {
  EXPECT_DOUBLE_EQ(ParseNonNegativeNumber("42").value(), 42);
  EXPECT_DOUBLE_EQ(ParseNonNegativeNumber("0.5").value(), 0.5);
  EXPECT_DOUBLE_EQ(ParseNonNegativeNumber("1e6").value(), 1e6);
  EXPECT_FALSE(ParseNonNegativeNumber("5MB").has_value());
  EXPECT_FALSE(ParseNonNegativeNumber("nan").has_value());
  EXPECT_FALSE(ParseNonNegativeNumber("inf").has_value());
  EXPECT_STATUS(ParseNonNegativeNumber("-3"), StatusCode::kInvalidArgument, HasSubstr("negative"));
}

}  // namespace
}  // namespace sieve
