// DeadLetterWriter: sends messages that could not be decoded to a dead-letter topic,
// keeping the original key, value and headers and adding
//   sieve.source.topic, sieve.source.partition, sieve.source.offset,
//   sieve.error (the decoder's message), sieve.error.reason (DecodeErrorReasonName).
// Deliveries are asynchronous; Flush waits for them. A failed delivery is kept and
// retried by the next Flush, never dropped.
//
// Thread-safety: not thread-safe; used by the thread that polls its source.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "connectors/codec/record_decoder.h"
#include "core/status.h"

struct rd_kafka_message_s;

namespace sieve {

// Header names added to dead-lettered messages.
inline constexpr char kDeadLetterSourceTopicHeader[] = "sieve.source.topic";
inline constexpr char kDeadLetterSourcePartitionHeader[] = "sieve.source.partition";
inline constexpr char kDeadLetterSourceOffsetHeader[] = "sieve.source.offset";
inline constexpr char kDeadLetterErrorHeader[] = "sieve.error";
inline constexpr char kDeadLetterReasonHeader[] = "sieve.error.reason";

class DeadLetterWriter {
 public:
  // InvalidArgument for an empty topic or a bad property (named).
  static Result<std::unique_ptr<DeadLetterWriter>> Create(
      const std::string& bootstrap_servers, const std::string& topic,
      const std::map<std::string, std::string>& properties);
  ~DeadLetterWriter();
  DeadLetterWriter(const DeadLetterWriter&) = delete;
  DeadLetterWriter& operator=(const DeadLetterWriter&) = delete;

  // Queues `original` for the dead-letter topic. Copies what it needs.
  void Write(const rd_kafka_message_s& original, std::string_view error, DecodeErrorReason reason);

  // Waits up to `timeout` until every queued message is delivered, re-sending
  // failed ones. Unavailable (with the last delivery error) when some are not.
  Status Flush(std::chrono::milliseconds timeout);

  // True when messages are queued or awaiting a retry.
  bool pending() const;
  uint64_t delivery_failures() const { return delivery_failures_; }

 private:
  class Impl;
  explicit DeadLetterWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  uint64_t delivery_failures_ = 0;
  friend class Impl;
};

}  // namespace sieve
