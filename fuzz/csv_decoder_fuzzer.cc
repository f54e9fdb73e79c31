// libFuzzer target: the CSV record decoder on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz/decoder_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<sieve::RecordDecoder> decoder = [] {
    sieve::CsvDecoderOptions options;
    options.header = {"id", "a", "b", "city", "label"};
    options.schema.numeric_features = {"a", "b"};
    options.schema.categorical_features = {"city"};
    options.schema.label_field = "label";
    options.max_message_bytes = 1 << 16;
    return std::move(sieve::CreateCsvDecoder(options)).value();
  }();
  static sieve::RecordBatch batch;
  sieve::fuzz::DecodeAndCheck(*decoder, batch,
                              std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
