// WindowChunk: a batch of window rows persisted as one unit together with the
// Kafka positions it brings the pipeline to, and WindowSnapshot: the window
// restored from the newest chunks.
//
// Chunks are stored in a compact binary format (little-endian, a format byte
// first) because a window holds millions of floats; the format never changes
// meaning, a new layout gets a new format byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/feature_set.h"
#include "core/status.h"

namespace sieve {

struct WindowChunk {
  // Names of the float feature columns and of the bucket-id (categorical) columns.
  std::vector<std::string> float_columns;
  std::vector<std::string> bucket_columns;
  uint32_t num_rows = 0;
  // Row-major, num_rows x float_columns.size().
  std::vector<float> floats;
  // Row-major, num_rows x bucket_columns.size().
  std::vector<int32_t> buckets;
  // One label per row.
  std::vector<float> labels;
  // The positions reached once these rows are in the window (next offset to read,
  // per partition). Partitions not listed keep their stored position.
  std::vector<PartitionOffset> offsets;

  friend bool operator==(const WindowChunk&, const WindowChunk&) = default;
};

// The newest rows of a pipeline's window, oldest row first, and where to resume.
struct WindowSnapshot {
  std::vector<std::string> float_columns;
  std::vector<std::string> bucket_columns;
  size_t num_rows = 0;
  std::vector<float> floats;     // row-major, num_rows x float_columns.size()
  std::vector<int32_t> buckets;  // row-major, num_rows x bucket_columns.size()
  std::vector<float> labels;     // num_rows
  // Resume positions, stored atomically with the newest chunk (sorted by topic,
  // partition). Empty when nothing was ever appended.
  std::vector<PartitionOffset> offsets;
  // Sequence numbers of the oldest and newest chunk read; 0 when empty.
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
};

// Checks sizes and names: columns unique and non-empty, floats/buckets/labels
// sized for num_rows, offsets with non-empty topics and non-negative numbers.
// kInvalidArgument naming the field otherwise.
Status ValidateWindowChunk(const WindowChunk& chunk);

// Binary encoding. REQUIRES: ValidateWindowChunk(chunk).ok().
std::string EncodeWindowChunk(const WindowChunk& chunk);

// Decodes bytes written by EncodeWindowChunk. Truncated or inconsistent bytes give
// kCorruption; a newer format byte gives kFailedPrecondition. Never reads out of
// bounds.
Result<WindowChunk> DecodeWindowChunk(std::string_view bytes);

// A parsed chunk whose bulk arrays still point into the encoded bytes (which must
// outlive it); lets the store copy rows straight into a snapshot. The pointers may
// be unaligned: copy with memcpy.
struct WindowChunkView {
  std::vector<std::string> float_columns;
  std::vector<std::string> bucket_columns;
  uint32_t num_rows = 0;
  std::vector<PartitionOffset> offsets;
  const char* floats = nullptr;   // num_rows * float_columns.size() floats
  const char* buckets = nullptr;  // num_rows * bucket_columns.size() int32s
  const char* labels = nullptr;   // num_rows floats
};

// Like DecodeWindowChunk, without copying the arrays.
Result<WindowChunkView> ParseWindowChunk(std::string_view bytes);

// A fingerprint of the column layout (names and order of both column lists);
// chunks with different fingerprints cannot be concatenated.
uint64_t WindowLayoutFingerprint(const std::vector<std::string>& float_columns,
                                 const std::vector<std::string>& bucket_columns);

}  // namespace sieve
