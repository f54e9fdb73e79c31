#include "connectors/codec/record_decoder.h"

#include <unordered_set>

#include "connectors/codec/field_index.h"

namespace sieve {

Status FeatureSchema::Validate() const {
  std::unordered_set<std::string_view> seen;
  auto check = [&](const std::string& name, std::string_view what) -> Status {
    if (name.empty()) return Status::InvalidArgument(std::string(what) + ": empty field name");
    if (!seen.insert(name).second) {
      return Status::InvalidArgument(std::string(what) + ": field '" + name +
                                     "' is listed more than once");
    }
    return Status::Ok();
  };
  SIEVE_RETURN_IF_ERROR(check(label_field, "label_field"));
  for (const auto& name : numeric_features) SIEVE_RETURN_IF_ERROR(check(name, "numeric_features"));
  for (const auto& name : categorical_features) {
    SIEVE_RETURN_IF_ERROR(check(name, "categorical_features"));
  }
  if (numeric_features.size() > max_numeric_features) {
    return Status::InvalidArgument("numeric_features: more than max_numeric_features (" +
                                   std::to_string(max_numeric_features) + ")");
  }
  return Status::Ok();
}

std::string_view DecodeErrorReasonName(DecodeErrorReason reason) {
  switch (reason) {
    case DecodeErrorReason::kEmpty: return "empty";
    case DecodeErrorReason::kTooLarge: return "too_large";
    case DecodeErrorReason::kMalformed: return "malformed";
    case DecodeErrorReason::kInvalidUtf8: return "invalid_utf8";
    case DecodeErrorReason::kNotFlatObject: return "not_flat_object";
    case DecodeErrorReason::kWrongType: return "wrong_type";
    case DecodeErrorReason::kMissingLabel: return "missing_label";
    case DecodeErrorReason::kDuplicateField: return "duplicate_field";
    case DecodeErrorReason::kFieldCount: return "field_count";
  }
  return "unknown";
}

namespace codec_internal {

FieldIndex::FieldIndex(const FeatureSchema& schema) {
  uint32_t id = 0;
  slots_.emplace(schema.label_field, FieldSlot{FieldKind::kLabel, 0, id++});
  for (size_t i = 0; i < schema.numeric_features.size(); ++i) {
    slots_.emplace(schema.numeric_features[i],
                   FieldSlot{FieldKind::kNumeric, static_cast<uint32_t>(i), id++});
  }
  for (size_t i = 0; i < schema.categorical_features.size(); ++i) {
    slots_.emplace(schema.categorical_features[i],
                   FieldSlot{FieldKind::kCategorical, static_cast<uint32_t>(i), id++});
  }
}

const FieldSlot* FieldIndex::AddNumeric(std::string_view name, uint32_t index) {
  const uint32_t id = static_cast<uint32_t>(slots_.size());
  auto [it, inserted] = slots_.emplace(std::string(name), FieldSlot{FieldKind::kNumeric, index, id});
  return &it->second;
}

Status Fail(DecodeErrorReason why, DecodeErrorReason* reason, std::string message) {
  if (reason != nullptr) *reason = why;
  return Status::DataLoss(std::move(message));
}

Status CheckMessageSize(std::string_view bytes, size_t max_bytes, DecodeErrorReason* reason) {
  if (bytes.empty()) return Fail(DecodeErrorReason::kEmpty, reason, "empty message");
  if (bytes.size() > max_bytes) {
    return Fail(DecodeErrorReason::kTooLarge, reason,
                "message of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                    std::to_string(max_bytes));
  }
  return Status::Ok();
}

}  // namespace codec_internal
}  // namespace sieve
