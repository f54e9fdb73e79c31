// RecordDecoder: turns the bytes of one message (a Kafka record or a CSV line)
// into one row of a RecordBatch, according to a FeatureSchema.
//
// Failure contract: a message that cannot be decoded leaves the batch unchanged,
// returns Status DataLoss whose message names the offending field (or column) and
// says what was wrong, and reports a DecodeErrorReason for counting and for the
// dead-letter headers. A decoder keeps working after any failure.
//
// Thread-safety: a decoder holds reusable parse buffers; use one per thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/codec/record_batch.h"
#include "core/status.h"

namespace sieve {

// Which fields of a record are features and which is the label.
struct FeatureSchema {
  // Fields decoded as float columns; the position is the feature (column) index.
  std::vector<std::string> numeric_features;
  // Fields decoded as categorical (string) values; position = categorical column.
  std::vector<std::string> categorical_features;
  // Field holding the label (a number or boolean).
  std::string label_field = "label";
  // Reject records whose label is missing or null (reason kMissingLabel).
  bool label_required = true;
  // Feature discovery: a field that is not in the schema and holds a number becomes
  // a new numeric feature, appended to numeric_features. Off: unknown fields are
  // ignored.
  bool discover_numeric_features = false;
  // Upper bound on numeric features when discovering; later new fields are ignored.
  size_t max_numeric_features = 100000;

  // InvalidArgument naming the field when a name is empty or used twice.
  Status Validate() const;
};

// Why a message was rejected. Values are stable: they name dead-letter headers
// and metric labels.
enum class DecodeErrorReason {
  kEmpty = 0,       // zero-length message
  kTooLarge,        // larger than the decoder's byte limit
  kMalformed,       // not valid JSON / CSV (truncated, garbage, bad quoting)
  kInvalidUtf8,     // bytes are not UTF-8
  kNotFlatObject,   // JSON top level is not an object, or a value is an object/array
  kWrongType,       // a field holds a value of the wrong type (e.g. text for a number)
  kMissingLabel,    // label field absent or null while required
  kDuplicateField,  // the same field twice in one record
  kFieldCount,      // CSV record with a different number of fields than the header
};
inline constexpr size_t kDecodeErrorReasonCount = 9;

// Stable snake_case name of a reason ("truncated" style: "malformed", "wrong_type").
std::string_view DecodeErrorReasonName(DecodeErrorReason reason);

class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;

  // Decodes `bytes` into one new row of `batch` tagged with `source`. Grows the
  // batch's columns to the schema first (discovery may add columns).
  // On failure: batch unchanged, DataLoss status, *reason set when non-null.
  virtual Status Decode(std::string_view bytes, const RowSource& source, RecordBatch& batch,
                        DecodeErrorReason* reason) = 0;

  // The schema in force, including features discovered so far.
  virtual const FeatureSchema& schema() const = 0;
};

struct JsonDecoderOptions {
  FeatureSchema schema;
  // Messages longer than this are rejected with kTooLarge without being parsed.
  size_t max_message_bytes = 16 << 20;
};

struct CsvDecoderOptions {
  FeatureSchema schema;
  // Column names of every record, in order. A column that is neither the label nor
  // a categorical feature nor listed in numeric_features is ignored, or becomes a
  // numeric feature when schema.discover_numeric_features is set.
  std::vector<std::string> header;
  char delimiter = ',';
  size_t max_message_bytes = 16 << 20;
};

// Decoder of flat JSON objects: numbers and booleans (1/0) for numeric features
// and the label, strings (or numbers/booleans, as text) for categorical features,
// null or absent = missing. InvalidArgument when the schema is invalid.
Result<std::unique_ptr<RecordDecoder>> CreateJsonDecoder(JsonDecoderOptions options);

// Decoder of one CSV record per message (trailing newline allowed); an empty field
// is missing. InvalidArgument when the schema or header is invalid.
Result<std::unique_ptr<RecordDecoder>> CreateCsvDecoder(CsvDecoderOptions options);

}  // namespace sieve
