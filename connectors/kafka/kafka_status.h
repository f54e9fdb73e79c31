// Conversion of librdkafka errors to sieve Status, at the connector edge.
//
// Classification: transport, timeouts and unavailable brokers/partitions are
// Unavailable (retry); bad configuration is InvalidArgument; message-size and
// corrupt-record errors are DataLoss; authentication/authorisation failures are
// FailedPrecondition (fix the credentials); anything else Internal. The message keeps
// librdkafka's error name and text.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace sieve {

// Status for `code` with `context` prefixed and librdkafka's text (`detail`, or
// RdKafka::err2str(code) when empty) kept. ERR_NO_ERROR gives ok.
Status KafkaStatus(RdKafka::ErrorCode code, std::string_view context, std::string_view detail = {});

// Sets `key` = `value` on `conf`; InvalidArgument naming the key on failure.
Status SetKafkaProperty(RdKafka::Conf& conf, const std::string& key, const std::string& value);

}  // namespace sieve
