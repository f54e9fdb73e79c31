#include "core/status.h"

#include "tests/testing/status_matchers.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;

Result<int> Half(int x) {
  if (x % 2 != 0) return Err(Status::InvalidArgument("odd: " + std::to_string(x)));
  return x / 2;
}

Result<int> Quarter(int x) {
  SIEVE_ASSIGN_OR_RETURN(int h, Half(x));
  SIEVE_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  SIEVE_RETURN_IF_ERROR(x % 2 == 0 ? Status::Ok() : Status::InvalidArgument("odd: " + std::to_string(x)));
  return Status::Ok();
}

TEST(StatusTest, OkAndErrorsFormat) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "ok");
  Status s = Status::NotFound("no column 'y'");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "not_found: no column 'y'");
  EXPECT_EQ(s.WithContext("data.csv").message(), "data.csv: no column 'y'");
  EXPECT_TRUE(Status::Unavailable("broker").retryable());
  EXPECT_FALSE(Status::Corruption("bytes").retryable());
}

TEST(StatusTest, MacrosPropagateErrors) {
  ASSERT_OK_AND_ASSIGN(int q, Quarter(8));
  EXPECT_EQ(q, 2);
  EXPECT_STATUS(Quarter(6), StatusCode::kInvalidArgument, HasSubstr("odd: 3"));
  EXPECT_OK(CheckEven(4));
  EXPECT_STATUS(CheckEven(5), StatusCode::kInvalidArgument, HasSubstr("odd: 5"));
}

}  // namespace
}  // namespace sieve
