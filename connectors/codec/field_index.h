// FieldIndex: maps record field names to the column they fill. Internal to the
// decoders of connectors/codec.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "connectors/codec/record_decoder.h"

namespace sieve::codec_internal {

enum class FieldKind : uint8_t { kNumeric, kCategorical, kLabel };

struct FieldSlot {
  FieldKind kind;
  uint32_t index;  // column index within its kind; 0 for the label
  uint32_t id;     // dense id over all slots, for duplicate detection
};

class FieldIndex {
 public:
  explicit FieldIndex(const FeatureSchema& schema);

  // The slot of `name`, or nullptr when the field is not in the schema.
  const FieldSlot* Find(std::string_view name) const {
    auto it = slots_.find(name);
    return it == slots_.end() ? nullptr : &it->second;
  }
  // Registers a new numeric feature at column `index` and returns its slot.
  const FieldSlot* AddNumeric(std::string_view name, uint32_t index);
  // Forgets `name`; used to undo a discovery.
  void Remove(std::string_view name) {
    auto it = slots_.find(name);
    if (it != slots_.end()) slots_.erase(it);
  }
  size_t size() const { return slots_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, FieldSlot, Hash, std::equal_to<>> slots_;
};

// A decoder's failure: sets *reason (when non-null) and returns DataLoss.
Status Fail(DecodeErrorReason why, DecodeErrorReason* reason, std::string message);

// Rejects an empty message and one larger than `max_bytes`, before any parsing.
Status CheckMessageSize(std::string_view bytes, size_t max_bytes, DecodeErrorReason* reason);

}  // namespace sieve::codec_internal
