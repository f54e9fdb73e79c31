// Flat-JSON record decoder on simdjson's On Demand API.
//
// Hot path: no allocation per record once buffers have grown. Field names are
// matched first against the name seen at the same position in the previous record
// (producers almost always emit a fixed field order), then through a hash map.
#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "connectors/codec/field_index.h"
#include "connectors/codec/record_decoder.h"

namespace sieve {
namespace {

using codec_internal::Fail;
using codec_internal::FieldIndex;
using codec_internal::FieldKind;
using codec_internal::FieldSlot;
namespace od = simdjson::ondemand;

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

std::string_view JsonTypeName(od::json_type type) {
  switch (type) {
    case od::json_type::array: return "array";
    case od::json_type::object: return "object";
    case od::json_type::number: return "number";
    case od::json_type::string: return "string";
    case od::json_type::boolean: return "boolean";
    case od::json_type::null: return "null";
  }
  return "unknown";
}

class JsonDecoder final : public RecordDecoder {
 public:
  explicit JsonDecoder(JsonDecoderOptions options)
      : options_(std::move(options)), index_(options_.schema) {
    numeric_.assign(options_.schema.numeric_features.size(), kMissing);
    categorical_.assign(options_.schema.categorical_features.size(), std::string_view());
    seen_.assign(index_.size(), 0);
  }

  const FeatureSchema& schema() const override { return options_.schema; }

  Status Decode(std::string_view bytes, const RowSource& source, RecordBatch& batch,
                DecodeErrorReason* reason) override {
    const size_t known_features = options_.schema.numeric_features.size();
    Status status = Parse(bytes, reason);
    if (!status.ok()) {
      UndoDiscoveries(known_features);
      return status;
    }
    batch.EnsureNumericColumns(numeric_.size());
    batch.EnsureCategoricalColumns(categorical_.size());
    batch.AppendRow(numeric_, categorical_, label_, source);
    return Status::Ok();
  }

 private:
  Status FailJson(simdjson::error_code error, DecodeErrorReason* reason, std::string_view where) {
    const DecodeErrorReason why = error == simdjson::UTF8_ERROR ? DecodeErrorReason::kInvalidUtf8
                                                                : DecodeErrorReason::kMalformed;
    std::string message = "invalid JSON";
    if (!where.empty()) message += " " + std::string(where);
    message += ": ";
    message += simdjson::error_message(error);
    return Fail(why, reason, std::move(message));
  }

  // Resolves the slot of `key` seen at field position `position`.
  const FieldSlot* Lookup(std::string_view key, size_t position) {
    if (position < order_.size() && order_[position].first == key) return order_[position].second;
    const FieldSlot* slot = index_.Find(key);
    const bool plain = key.find_first_of("\"\\") == std::string_view::npos;
    if (position < order_.size()) {
      order_[position] = {std::string(key), slot};
      order_plain_[position] = plain;
    } else if (position == order_.size() && position < kMaxRememberedOrder) {
      order_.emplace_back(std::string(key), slot);
      order_plain_.push_back(plain);
    }
    return slot;
  }

  // A rejected record must not change the schema: forgets features it discovered.
  void UndoDiscoveries(size_t known_features) {
    std::vector<std::string>& names = options_.schema.numeric_features;
    if (names.size() == known_features) return;
    while (names.size() > known_features) {
      index_.Remove(names.back());
      names.pop_back();
    }
    numeric_.resize(known_features);
    seen_.resize(index_.size());
    order_.clear();  // may point at removed slots
    order_plain_.clear();
  }

  const FieldSlot* Discover(std::string_view key, size_t position) {
    FeatureSchema& schema = options_.schema;
    if (!schema.discover_numeric_features ||
        schema.numeric_features.size() >= schema.max_numeric_features) {
      return nullptr;
    }
    const uint32_t column = static_cast<uint32_t>(schema.numeric_features.size());
    schema.numeric_features.emplace_back(key);
    numeric_.push_back(kMissing);
    seen_.push_back(0);
    const FieldSlot* slot = index_.AddNumeric(key, column);
    if (position < order_.size()) order_[position].second = slot;
    return slot;
  }

  Status Parse(std::string_view bytes, DecodeErrorReason* reason) {
    SIEVE_RETURN_IF_ERROR(codec_internal::CheckMessageSize(bytes, options_.max_message_bytes, reason));
    if (buffer_.size() < bytes.size() + simdjson::SIMDJSON_PADDING) {
      buffer_.resize(bytes.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(buffer_.data(), bytes.data(), bytes.size());

    std::fill(numeric_.begin(), numeric_.end(), kMissing);
    std::fill(categorical_.begin(), categorical_.end(), std::string_view());
    label_ = kMissing;
    if (++generation_ == 0) {
      std::fill(seen_.begin(), seen_.end(), 0);
      generation_ = 1;
    }

    od::document doc;
    auto error = parser_.iterate(buffer_.data(), bytes.size(), buffer_.size()).get(doc);
    if (error) return FailJson(error, reason, "");
    od::object object;
    error = doc.get_object().get(object);
    if (error == simdjson::INCORRECT_TYPE) {
      // A JSON value that is not an object, or bytes that start no JSON value at all.
      od::json_type type;
      const size_t first = bytes.find_first_not_of(" \t\r\n");
      const bool starts_value =
          first != std::string_view::npos &&
          std::string_view("[\"-0123456789tfn").find(bytes[first]) != std::string_view::npos;
      if (starts_value && !doc.type().get(type)) {
        return Fail(DecodeErrorReason::kNotFlatObject, reason,
                    "top-level JSON value is " + std::string(JsonTypeName(type)) +
                        ", expected an object");
      }
      return Fail(DecodeErrorReason::kMalformed, reason, "invalid JSON: not an object");
    }
    if (error) return FailJson(error, reason, "");

    size_t position = 0;
    for (auto field_result : object) {
      od::field field;
      if ((error = std::move(field_result).get(field))) return FailJson(error, reason, "");
      // Fast path: the field at this position has the same (escape-free) name as
      // in the previous record; compare the raw key without unescaping it.
      const FieldSlot* slot = nullptr;
      std::string_view key;
      if (position < order_.size() && order_[position].second != nullptr &&
          order_plain_[position] && field.key().unsafe_is_equal(order_[position].first)) {
        slot = order_[position].second;
        key = order_[position].first;
        if (slot->kind == FieldKind::kNumeric && seen_[slot->id] != generation_) {
          // Hot path: a known numeric feature holding a number.
          double d;
          if (!field.value().get_double().get(d)) {
            seen_[slot->id] = generation_;
            numeric_[slot->index] = static_cast<float>(d);
            ++position;
            continue;
          }
        }
      } else {
        if ((error = field.unescaped_key().get(key))) return FailJson(error, reason, "in a field name");
        slot = Lookup(key, position);
      }
      od::value value = field.value();
      od::json_type type;
      if ((error = value.type().get(type))) {
        return FailJson(error, reason, "at field '" + std::string(key) + "'");
      }
      if (slot == nullptr && type == od::json_type::number) slot = Discover(key, position);
      ++position;
      if (slot == nullptr) {
        // Unknown field: On Demand skips its value, but nested values must still
        // be rejected to keep records flat.
        if (type == od::json_type::object || type == od::json_type::array) {
          return Fail(DecodeErrorReason::kNotFlatObject, reason,
                      "field '" + std::string(key) + "': nested " +
                          std::string(JsonTypeName(type)) + " values are not supported");
        }
        continue;
      }
      if (seen_[slot->id] == generation_) {
        return Fail(DecodeErrorReason::kDuplicateField, reason,
                    "field '" + std::string(key) + "' appears more than once");
      }
      seen_[slot->id] = generation_;
      Status status = ReadValue(*slot, key, value, type, reason);
      if (!status.ok()) return status;
    }
    // After the object, current_location() fails with OUT_OF_BOUNDS unless more
    // tokens follow.
    const char* trailing = nullptr;
    if (!doc.current_location().get(trailing)) {
      return Fail(DecodeErrorReason::kMalformed, reason, "invalid JSON: content after the object");
    }
    if (options_.schema.label_required && std::isnan(label_)) {
      return Fail(DecodeErrorReason::kMissingLabel, reason,
                  "label field '" + options_.schema.label_field + "' is missing or null");
    }
    return Status::Ok();
  }

  Status ReadValue(const FieldSlot& slot, std::string_view key, od::value& value,
                   od::json_type type, DecodeErrorReason* reason) {
    if (type == od::json_type::null) return Status::Ok();  // missing
    if (type == od::json_type::object || type == od::json_type::array) {
      return Fail(DecodeErrorReason::kNotFlatObject, reason,
                  "field '" + std::string(key) + "': nested " + std::string(JsonTypeName(type)) +
                      " values are not supported");
    }
    simdjson::error_code error = simdjson::SUCCESS;
    if (slot.kind == FieldKind::kCategorical) {
      std::string_view text;
      if (type == od::json_type::string) {
        error = value.get_string().get(text);
      } else {
        text = value.raw_json_token();
        while (!text.empty() && (text.back() == ' ' || text.back() == '\n' ||
                                 text.back() == '\r' || text.back() == '\t')) {
          text.remove_suffix(1);
        }
      }
      if (error) return FailJson(error, reason, "at field '" + std::string(key) + "'");
      categorical_[slot.index] = text.data() == nullptr ? std::string_view("", 0) : text;
      return Status::Ok();
    }
    float number;
    if (type == od::json_type::number) {
      double d;
      if ((error = value.get_double().get(d))) {
        return FailJson(error, reason, "at field '" + std::string(key) + "'");
      }
      number = static_cast<float>(d);
    } else if (type == od::json_type::boolean) {
      bool b;
      if ((error = value.get_bool().get(b))) {
        return FailJson(error, reason, "at field '" + std::string(key) + "'");
      }
      number = b ? 1.0f : 0.0f;
    } else {
      return Fail(DecodeErrorReason::kWrongType, reason,
                  std::string(slot.kind == FieldKind::kLabel ? "label field '" : "field '") +
                      std::string(key) + "': expected a number, boolean or null, got " +
                      std::string(JsonTypeName(type)));
    }
    if (slot.kind == FieldKind::kLabel) {
      label_ = number;
    } else {
      numeric_[slot.index] = number;
    }
    return Status::Ok();
  }

  static constexpr size_t kMaxRememberedOrder = 1 << 16;

  JsonDecoderOptions options_;
  FieldIndex index_;
  od::parser parser_;
  std::vector<char> buffer_;
  // Scratch row, filled by Parse and appended whole on success.
  std::vector<float> numeric_;
  std::vector<std::string_view> categorical_;
  float label_ = kMissing;
  // seen_[slot id] == generation_ when the field occurred in the current record.
  std::vector<uint32_t> seen_;
  uint32_t generation_ = 0;
  // Field name and slot at each position of the previous records.
  std::vector<std::pair<std::string, const FieldSlot*>> order_;
  // order_plain_[i]: order_[i]'s name has no quote or backslash, so it can be
  // compared with a raw (still escaped) key.
  std::vector<bool> order_plain_;
};

}  // namespace

Result<std::unique_ptr<RecordDecoder>> CreateJsonDecoder(JsonDecoderOptions options) {
  SIEVE_RETURN_IF_ERROR(options.schema.Validate().WithContext("json decoder schema"));
  if (options.max_message_bytes == 0) {
    return Err(Status::InvalidArgument("json decoder: max_message_bytes must be positive"));
  }
  return std::make_unique<JsonDecoder>(std::move(options));
}

}  // namespace sieve
