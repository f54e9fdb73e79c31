// Key and small-value layouts of the RocksDB store. Persisted: never change the
// meaning of an existing layout; add a new prefix or format byte instead.
//
// Column families and keys (P = pipeline name, which never contains a NUL byte):
//   meta      "store_format"                    -> decimal store format ("1")
//             P \0 "window_next_sequence"        -> BE64, next chunk sequence
//             P \0 "state"                       -> PipelineState JSON
//   versions  P \0 BE64(version)                 -> FeatureSetVersion JSON
//   aliases   P \0 "active" | "candidate"        -> u8 format(1), BE64(version)
//   window    P \0 'c' BE64(sequence)             -> WindowChunk binary
//             P \0 'i' BE64(sequence)             -> u8 format(1), u32 LE rows,
//                                                   u64 LE layout fingerprint
//   offsets   P \0 'w' topic \0 BE32(partition)   -> u8 format(1), i64 LE next offset
//                                                   (window resume position)
//             P \0 'v' topic \0 BE32(partition)   -> same, end of the window the
//                                                   latest version was trained on
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/feature_set.h"

namespace sieve::store_keys {

inline constexpr std::string_view kMetaCf = "meta";
inline constexpr std::string_view kVersionsCf = "versions";
inline constexpr std::string_view kAliasesCf = "aliases";
inline constexpr std::string_view kWindowCf = "window";
inline constexpr std::string_view kOffsetsCf = "offsets";

inline constexpr std::string_view kStoreFormatKey = "store_format";
inline constexpr int kStoreFormat = 1;

// P \0
std::string PipelinePrefix(std::string_view pipeline);
// The smallest key greater than every key with PipelinePrefix(pipeline): P \x01.
std::string PipelineEnd(std::string_view pipeline);
// Pipeline part of any key (up to the first NUL); nullopt if there is none.
std::optional<std::string_view> PipelineOf(std::string_view key);

void AppendBigEndian64(std::string* out, uint64_t v);
uint64_t ReadBigEndian64(const char* p);

std::string VersionKey(std::string_view pipeline, uint64_t version);
// Version number of a versions-CF key of `pipeline`; nullopt if malformed.
std::optional<uint64_t> VersionOfKey(std::string_view pipeline, std::string_view key);

std::string AliasKey(std::string_view pipeline, std::string_view alias);
std::string EncodeAliasValue(uint64_t version);
std::optional<uint64_t> DecodeAliasValue(std::string_view value);

std::string WindowNextSequenceKey(std::string_view pipeline);
std::string PipelineStateKey(std::string_view pipeline);

// kind: 'c' (chunk) or 'i' (index).
std::string WindowPrefix(std::string_view pipeline, char kind);
std::string WindowKey(std::string_view pipeline, char kind, uint64_t sequence);
std::optional<uint64_t> SequenceOfWindowKey(std::string_view pipeline, char kind,
                                            std::string_view key);

struct ChunkIndex {
  uint32_t rows = 0;
  uint64_t fingerprint = 0;
};
std::string EncodeChunkIndex(const ChunkIndex& index);
std::optional<ChunkIndex> DecodeChunkIndex(std::string_view value);

// kind: 'w' (window resume position) or 'v' (trained-on position of the latest version).
std::string OffsetPrefix(std::string_view pipeline, char kind);
std::string OffsetKey(std::string_view pipeline, char kind, std::string_view topic,
                      int32_t partition);
std::string EncodeOffsetValue(int64_t next_offset);
// Parses an offsets-CF entry of `pipeline` / `kind`; nullopt if malformed.
std::optional<PartitionOffset> DecodeOffset(std::string_view pipeline, char kind,
                                            std::string_view key, std::string_view value);

}  // namespace sieve::store_keys
