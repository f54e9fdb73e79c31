#include "connectors/kafka/feature_source.h"

namespace sieve {

void SourcePosition::Advance(std::string_view topic, int32_t partition, int64_t next_offset) {
  // Consecutive records usually come from the same partition: try the last one first.
  if (!partitions.empty()) {
    PartitionOffset& last = partitions[last_];
    if (last.partition == partition && last.topic == topic) {
      if (next_offset > last.next_offset) last.next_offset = next_offset;
      return;
    }
  }
  for (size_t i = 0; i < partitions.size(); ++i) {
    auto& p = partitions[i];
    if (p.partition == partition && p.topic == topic) {
      if (next_offset > p.next_offset) p.next_offset = next_offset;
      last_ = i;
      return;
    }
  }
  partitions.push_back({std::string(topic), partition, next_offset});
  last_ = partitions.size() - 1;
}

void SourcePosition::Merge(const SourcePosition& other) {
  for (const auto& p : other.partitions) Advance(p.topic, p.partition, p.next_offset);
}

}  // namespace sieve
