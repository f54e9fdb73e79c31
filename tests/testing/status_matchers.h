// Shared gtest helpers for Status and Result<T>.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/status.h"

namespace sieve::testing {

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.has_value() ? Status::Ok() : r.error();
}

}  // namespace sieve::testing

#define ASSERT_OK(expr)                                                   \
  do {                                                                    \
    const auto& sieve_v_ = (expr);                                        \
    ASSERT_TRUE(::sieve::testing::StatusOf(sieve_v_).ok())                \
        << ::sieve::testing::StatusOf(sieve_v_).ToString();               \
  } while (0)

#define EXPECT_OK(expr)                                                   \
  do {                                                                    \
    const auto& sieve_v_ = (expr);                                        \
    EXPECT_TRUE(::sieve::testing::StatusOf(sieve_v_).ok())                \
        << ::sieve::testing::StatusOf(sieve_v_).ToString();               \
  } while (0)

// ASSERT_OK_AND_ASSIGN(auto x, Compute());
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL(SIEVE_STATUS_CONCAT(sieve_r_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr)                       \
  auto tmp = (expr);                                                    \
  ASSERT_TRUE(tmp.has_value()) << tmp.error().ToString();              \
  lhs = std::move(tmp).value()

// EXPECT_STATUS(expr, StatusCode::kInvalidArgument, HasSubstr("column"))
#define EXPECT_STATUS(expr, code_value, message_matcher)                     \
  do {                                                                       \
    const ::sieve::Status sieve_s_ = ::sieve::testing::StatusOf(expr);       \
    EXPECT_EQ(sieve_s_.code(), code_value) << sieve_s_.ToString();           \
    EXPECT_THAT(sieve_s_.message(), message_matcher);                        \
  } while (0)
