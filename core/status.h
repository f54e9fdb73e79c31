// Status and Result<T>: the one error model of sieve.
//
// Every fallible call returns a Status or a Result<T>; exceptions never cross a
// module boundary. Codes are chosen by what the caller should do about them:
//   kInvalidArgument / kFailedPrecondition  - fix the input or config, do not retry
//   kUnavailable                             - transient (broker down, disk busy): retry
//   kDataLoss / kCorruption                  - bytes are damaged: report, skip, keep going
//   kNotFound, kAlreadyExists, kOutOfRange   - lookups and sequencing
//   kResourceExhausted                       - a budget or disk ran out
//   kInternal                                - a bug; should not happen
// Vendor errors (librdkafka, RocksDB, yaml-cpp) are converted at the connector edge
// with the original message kept in message().
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace sieve {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kOutOfRange,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kDataLoss,
  kCorruption,
  kIoError,
  kCancelled,
  kInternal,
};

// Stable lower-case name of a code ("invalid_argument"), used in logs and JSON.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status OutOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // True for errors worth retrying with backoff.
  bool retryable() const { return code_ == StatusCode::kUnavailable; }

  // "invalid_argument: <message>", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; ok stays ok.
  Status WithContext(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
using Result = std::expected<T, Status>;

// Builds the error side of a Result from a Status: `return Err(status);`.
inline std::unexpected<Status> Err(Status s) { return std::unexpected<Status>(std::move(s)); }

namespace internal {
// Carries an error out of a function returning either Status or Result<T>.
struct ErrorReturn {
  Status status;
  operator Status() && { return std::move(status); }
  template <typename T>
  operator std::expected<T, Status>() && {
    return std::unexpected<Status>(std::move(status));
  }
};
}  // namespace internal

}  // namespace sieve

#define SIEVE_STATUS_CONCAT_INNER(a, b) a##b
#define SIEVE_STATUS_CONCAT(a, b) SIEVE_STATUS_CONCAT_INNER(a, b)

// Returns the error from the enclosing function (returning Status or Result<T>)
// if `expr` (a Status) is not ok.
#define SIEVE_RETURN_IF_ERROR(expr)                  \
  do {                                               \
    ::sieve::Status sieve_status_ = (expr);          \
    if (!sieve_status_.ok())                         \
      return ::sieve::internal::ErrorReturn{std::move(sieve_status_)}; \
  } while (0)

// `SIEVE_ASSIGN_OR_RETURN(auto x, Compute());` unwraps a Result or returns its error.
#define SIEVE_ASSIGN_OR_RETURN(lhs, expr) \
  SIEVE_ASSIGN_OR_RETURN_IMPL(SIEVE_STATUS_CONCAT(sieve_result_, __LINE__), lhs, expr)
#define SIEVE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)   \
  auto tmp = (expr);                                  \
  if (!tmp.has_value()) return ::sieve::internal::ErrorReturn{std::move(tmp).error()}; \
  lhs = std::move(tmp).value()
