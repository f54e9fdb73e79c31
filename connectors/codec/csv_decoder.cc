// CSV record decoder: one record per message, parsed with libcsv (strict quoting),
// columns mapped to features by a configured header.
#include <csv.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>
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

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

class CsvDecoder final : public RecordDecoder {
 public:
  CsvDecoder(CsvDecoderOptions options, std::vector<const FieldSlot*> columns, FieldIndex index)
      : options_(std::move(options)), index_(std::move(index)), columns_(std::move(columns)) {
    numeric_.assign(options_.schema.numeric_features.size(), kMissing);
    categorical_.assign(options_.schema.categorical_features.size(), std::string_view());
    ResetParser();
  }
  ~CsvDecoder() override { csv_free(&parser_); }
  CsvDecoder(const CsvDecoder&) = delete;
  CsvDecoder& operator=(const CsvDecoder&) = delete;

  const FeatureSchema& schema() const override { return options_.schema; }

  Status Decode(std::string_view bytes, const RowSource& source, RecordBatch& batch,
                DecodeErrorReason* reason) override {
    Status status = Parse(bytes, reason);
    if (!status.ok()) return status;
    batch.EnsureNumericColumns(numeric_.size());
    batch.EnsureCategoricalColumns(categorical_.size());
    batch.AppendRow(numeric_, categorical_, label_, source);
    return Status::Ok();
  }

 private:
  void ResetParser() {
    csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
    csv_set_delim(&parser_, static_cast<unsigned char>(options_.delimiter));
  }

  static void OnField(void* data, size_t length, void* self_ptr) {
    auto* self = static_cast<CsvDecoder*>(self_ptr);
    if (self->records_ > 0) {
      ++self->extra_fields_;
      return;
    }
    // libcsv passes a null pointer for an empty unquoted field (CSV_EMPTY_IS_NULL).
    if (data != nullptr) self->field_bytes_.append(static_cast<const char*>(data), length);
    self->field_end_.push_back(self->field_bytes_.size());
  }
  static void OnRecord(int, void* self_ptr) { ++static_cast<CsvDecoder*>(self_ptr)->records_; }

  std::string_view FieldText(size_t i) const {
    const size_t begin = i == 0 ? 0 : field_end_[i - 1];
    return std::string_view(field_bytes_).substr(begin, field_end_[i] - begin);
  }

  Status Parse(std::string_view bytes, DecodeErrorReason* reason) {
    SIEVE_RETURN_IF_ERROR(codec_internal::CheckMessageSize(bytes, options_.max_message_bytes, reason));
    if (!simdjson::validate_utf8(bytes.data(), bytes.size())) {
      return Fail(DecodeErrorReason::kInvalidUtf8, reason, "CSV record is not valid UTF-8");
    }
    field_bytes_.clear();
    field_end_.clear();
    records_ = 0;
    extra_fields_ = 0;
    const size_t parsed = csv_parse(&parser_, bytes.data(), bytes.size(), OnField, OnRecord, this);
    const bool parse_ok = parsed == bytes.size() && csv_fini(&parser_, OnField, OnRecord, this) == 0;
    if (!parse_ok) {
      std::string detail = csv_strerror(csv_error(&parser_));
      csv_free(&parser_);
      ResetParser();
      return Fail(DecodeErrorReason::kMalformed, reason, "invalid CSV record: " + detail);
    }
    if (records_ != 1) {
      return Fail(DecodeErrorReason::kMalformed, reason,
                  "expected one CSV record per message, got " + std::to_string(records_));
    }
    if (field_end_.size() != columns_.size()) {
      return Fail(DecodeErrorReason::kFieldCount, reason,
                  "CSV record has " + std::to_string(field_end_.size()) +
                      " fields, the header has " + std::to_string(columns_.size()));
    }

    std::fill(numeric_.begin(), numeric_.end(), kMissing);
    std::fill(categorical_.begin(), categorical_.end(), std::string_view());
    label_ = kMissing;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const FieldSlot* slot = columns_[i];
      if (slot == nullptr) continue;
      std::string_view text = FieldText(i);
      if (slot->kind == FieldKind::kCategorical) {
        if (!text.empty()) categorical_[slot->index] = text;
        continue;
      }
      text = Trim(text);
      if (text.empty()) continue;  // missing
      float value;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return Fail(DecodeErrorReason::kWrongType, reason,
                    "column '" + options_.header[i] + "' (field " + std::to_string(i + 1) + "): '" +
                        std::string(text.substr(0, 64)) + "' is not a number");
      }
      if (slot->kind == FieldKind::kLabel) {
        label_ = value;
      } else {
        numeric_[slot->index] = value;
      }
    }
    if (options_.schema.label_required && std::isnan(label_)) {
      return Fail(DecodeErrorReason::kMissingLabel, reason,
                  "label column '" + options_.schema.label_field + "' is empty");
    }
    return Status::Ok();
  }

  CsvDecoderOptions options_;
  FieldIndex index_;
  std::vector<const FieldSlot*> columns_;  // slot of each header column, null = ignored
  csv_parser parser_;
  std::string field_bytes_;
  std::vector<size_t> field_end_;
  size_t records_ = 0;
  size_t extra_fields_ = 0;
  std::vector<float> numeric_;
  std::vector<std::string_view> categorical_;
  float label_ = kMissing;
};

}  // namespace

Result<std::unique_ptr<RecordDecoder>> CreateCsvDecoder(CsvDecoderOptions options) {
  SIEVE_RETURN_IF_ERROR(options.schema.Validate().WithContext("csv decoder schema"));
  if (options.header.empty()) return Err(Status::InvalidArgument("csv decoder: header is empty"));
  if (options.max_message_bytes == 0) {
    return Err(Status::InvalidArgument("csv decoder: max_message_bytes must be positive"));
  }
  FeatureSchema& schema = options.schema;
  FieldIndex index(schema);
  std::vector<std::string_view> header_seen;
  for (size_t i = 0; i < options.header.size(); ++i) {
    const std::string& name = options.header[i];
    if (name.empty()) {
      return Err(Status::InvalidArgument("csv decoder: header column " + std::to_string(i + 1) +
                                         " has an empty name"));
    }
    for (auto seen : header_seen) {
      if (seen == name) {
        return Err(Status::InvalidArgument("csv decoder: header column '" + name +
                                           "' appears more than once"));
      }
    }
    header_seen.push_back(name);
    if (index.Find(name) == nullptr && schema.discover_numeric_features &&
        schema.numeric_features.size() < schema.max_numeric_features) {
      index.AddNumeric(name, static_cast<uint32_t>(schema.numeric_features.size()));
      schema.numeric_features.push_back(name);
    }
  }
  auto require_column = [&](const std::string& name, std::string_view what) -> Status {
    for (auto seen : header_seen) {
      if (seen == name) return Status::Ok();
    }
    return Status::InvalidArgument("csv decoder: " + std::string(what) + " '" + name +
                                   "' is not a header column");
  };
  for (const auto& name : schema.numeric_features) {
    SIEVE_RETURN_IF_ERROR(require_column(name, "numeric feature"));
  }
  for (const auto& name : schema.categorical_features) {
    SIEVE_RETURN_IF_ERROR(require_column(name, "categorical feature"));
  }
  if (schema.label_required) SIEVE_RETURN_IF_ERROR(require_column(schema.label_field, "label field"));
  std::vector<const FieldSlot*> columns;
  for (const auto& name : options.header) columns.push_back(index.Find(name));
  // Slots point into the index's nodes, which stay put when the index is moved.
  return std::make_unique<CsvDecoder>(std::move(options), std::move(columns), std::move(index));
}

}  // namespace sieve
