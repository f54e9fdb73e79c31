#include "connectors/kafka/feature_source.h"

namespace sieve {

void SourcePosition::Advance(std::string_view topic, int32_t partition, int64_t next_offset) {
  for (auto& p : partitions) {
    if (p.partition == partition && p.topic == topic) {
      if (next_offset > p.next_offset) p.next_offset = next_offset;
      return;
    }
  }
  partitions.push_back({std::string(topic), partition, next_offset});
}

void SourcePosition::Merge(const SourcePosition& other) {
  for (const auto& p : other.partitions) Advance(p.topic, p.partition, p.next_offset);
}

}  // namespace sieve
