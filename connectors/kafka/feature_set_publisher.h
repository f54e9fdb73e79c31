// FeatureSetPublisher: writes FeatureSetVersion JSON to a compacted Kafka topic,
// keyed by pipeline name, so that every consumer can read the latest version of
// each pipeline.
//
// Idempotent producer (enable.idempotence=true, acks=all). Publish waits for the
// delivery report; a failed delivery is retried with exponential backoff up to
// max_attempts, and a final failure is returned, counted and kept as the
// publisher's error state (cleared by the next success). Nothing is dropped
// silently.
//
// Thread-safety: Publish is serialised internally; stats() from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "connectors/kafka/kafka_options.h"
#include "core/status.h"

namespace sieve {

// Header carried by every published record.
inline constexpr char kPublisherContentTypeHeader[] = "content-type";

struct PublisherStats {
  uint64_t published = 0;        // versions delivered
  uint64_t attempts_failed = 0;  // delivery attempts that failed (each retried or reported)
  uint64_t publish_failures = 0; // Publish calls that gave up
  Status last_error;             // ok when the last Publish succeeded
};

class FeatureSetPublisher {
 public:
  // InvalidArgument naming the option or property when unusable.
  static Result<std::unique_ptr<FeatureSetPublisher>> Create(PublisherOptions options);
  ~FeatureSetPublisher();
  FeatureSetPublisher(const FeatureSetPublisher&) = delete;
  FeatureSetPublisher& operator=(const FeatureSetPublisher&) = delete;

  // Publishes `version_json` under key `pipeline` and waits until it is delivered.
  // Unavailable (with librdkafka's message) after max_attempts failed attempts;
  // InvalidArgument for an empty pipeline name.
  Status Publish(std::string_view pipeline, std::string_view version_json);

  PublisherStats stats() const;

 private:
  class Impl;
  explicit FeatureSetPublisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sieve
