// Checks shared by the decoder fuzz targets: whatever the input, a decode either
// appends exactly one complete row or fails with DataLoss and leaves the batch as
// it was. A violation aborts, which libFuzzer reports with the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "connectors/codec/record_decoder.h"

namespace sieve::fuzz {

inline void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "decoder invariant violated: %s\n", what);
    std::abort();
  }
}

inline void DecodeAndCheck(RecordDecoder& decoder, RecordBatch& batch, std::string_view bytes) {
  if (batch.rows() > 4096) batch.Clear();  // bound memory across iterations
  const size_t rows = batch.rows();
  const size_t numeric_columns = batch.numeric_columns();
  const size_t schema_features = decoder.schema().numeric_features.size();
  DecodeErrorReason reason = DecodeErrorReason::kEmpty;
  Status status = decoder.Decode(bytes, {"fuzz", 0, 0}, batch, &reason);
  if (status.ok()) {
    Check(batch.rows() == rows + 1, "success appends one row");
  } else {
    Check(status.code() == StatusCode::kDataLoss, "failure is DataLoss");
    Check(!status.message().empty(), "failure has a message");
    Check(!DecodeErrorReasonName(reason).empty(), "failure has a reason");
    Check(batch.rows() == rows, "failure leaves the batch unchanged");
    Check(batch.numeric_columns() == numeric_columns, "failure adds no column");
    Check(decoder.schema().numeric_features.size() == schema_features,
          "failure discovers no feature");
  }
  // Columns grow to the schema when a row is appended; a rejected record changes
  // neither.
  if (status.ok()) {
    Check(batch.numeric_columns() == decoder.schema().numeric_features.size(),
          "columns follow the schema");
  } else {
    Check(decoder.schema().numeric_features.size() >= batch.numeric_columns(),
          "the schema never loses columns");
  }
  for (size_t c = 0; c < batch.numeric_columns(); ++c) {
    Check(batch.numeric(c).size() == batch.rows(), "numeric columns have one value per row");
  }
  for (size_t c = 0; c < batch.categorical_columns(); ++c) {
    Check(batch.categorical(c).size() == batch.rows(), "categorical columns have one value per row");
    if (batch.rows() > 0) (void)batch.categorical(c).value(batch.rows() - 1);
  }
  Check(batch.labels().size() == batch.rows(), "one label per row");
}

}  // namespace sieve::fuzz
