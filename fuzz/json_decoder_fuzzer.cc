// libFuzzer target: the JSON record decoder on arbitrary bytes, with feature
// discovery on so that new fields keep changing the schema.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz/decoder_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<sieve::RecordDecoder> decoder = [] {
    sieve::JsonDecoderOptions options;
    options.schema.numeric_features = {"a", "b", "c"};
    options.schema.categorical_features = {"city", "tag"};
    options.schema.label_field = "label";
    options.schema.discover_numeric_features = true;
    options.schema.max_numeric_features = 256;
    options.max_message_bytes = 1 << 16;
    return std::move(sieve::CreateJsonDecoder(options)).value();
  }();
  static sieve::RecordBatch batch;
  sieve::fuzz::DecodeAndCheck(*decoder, batch,
                              std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
