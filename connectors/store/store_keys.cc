#include "connectors/store/store_keys.h"

#include <cstring>

namespace sieve::store_keys {
namespace {

constexpr uint8_t kSmallValueFormat = 1;

template <typename T>
void PutLittle(std::string* out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i)
    out->push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
}

template <typename T>
T ReadLittle(const char* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return static_cast<T>(v);
}

}  // namespace

std::string PipelinePrefix(std::string_view pipeline) {
  std::string k(pipeline);
  k.push_back('\0');
  return k;
}

std::string PipelineEnd(std::string_view pipeline) {
  std::string k(pipeline);
  k.push_back('\x01');
  return k;
}

std::optional<std::string_view> PipelineOf(std::string_view key) {
  size_t nul = key.find('\0');
  if (nul == std::string_view::npos || nul == 0) return std::nullopt;
  return key.substr(0, nul);
}

void AppendBigEndian64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t ReadBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string VersionKey(std::string_view pipeline, uint64_t version) {
  std::string k = PipelinePrefix(pipeline);
  AppendBigEndian64(&k, version);
  return k;
}

std::optional<uint64_t> VersionOfKey(std::string_view pipeline, std::string_view key) {
  if (key.size() != pipeline.size() + 9 || key.substr(0, pipeline.size()) != pipeline ||
      key[pipeline.size()] != '\0') {
    return std::nullopt;
  }
  return ReadBigEndian64(key.data() + pipeline.size() + 1);
}

std::string AliasKey(std::string_view pipeline, std::string_view alias) {
  std::string k = PipelinePrefix(pipeline);
  k.append(alias);
  return k;
}

std::string EncodeAliasValue(uint64_t version) {
  std::string v(1, static_cast<char>(kSmallValueFormat));
  AppendBigEndian64(&v, version);
  return v;
}

std::optional<uint64_t> DecodeAliasValue(std::string_view value) {
  if (value.size() != 9 || static_cast<uint8_t>(value[0]) != kSmallValueFormat) return std::nullopt;
  return ReadBigEndian64(value.data() + 1);
}

std::string WindowNextSequenceKey(std::string_view pipeline) {
  return PipelinePrefix(pipeline) + "window_next_sequence";
}

std::string PipelineStateKey(std::string_view pipeline) {
  return PipelinePrefix(pipeline) + "state";
}

std::string WindowPrefix(std::string_view pipeline, char kind) {
  std::string k = PipelinePrefix(pipeline);
  k.push_back(kind);
  return k;
}

std::string WindowKey(std::string_view pipeline, char kind, uint64_t sequence) {
  std::string k = WindowPrefix(pipeline, kind);
  AppendBigEndian64(&k, sequence);
  return k;
}

std::optional<uint64_t> SequenceOfWindowKey(std::string_view pipeline, char kind,
                                            std::string_view key) {
  std::string prefix = WindowPrefix(pipeline, kind);
  if (key.size() != prefix.size() + 8 || key.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  return ReadBigEndian64(key.data() + prefix.size());
}

std::string EncodeChunkIndex(const ChunkIndex& index) {
  std::string v(1, static_cast<char>(kSmallValueFormat));
  PutLittle<uint32_t>(&v, index.rows);
  PutLittle<uint64_t>(&v, index.fingerprint);
  return v;
}

std::optional<ChunkIndex> DecodeChunkIndex(std::string_view value) {
  if (value.size() != 13 || static_cast<uint8_t>(value[0]) != kSmallValueFormat)
    return std::nullopt;
  return ChunkIndex{ReadLittle<uint32_t>(value.data() + 1), ReadLittle<uint64_t>(value.data() + 5)};
}

std::string OffsetPrefix(std::string_view pipeline, char kind) {
  return WindowPrefix(pipeline, kind);
}

std::string OffsetKey(std::string_view pipeline, char kind, std::string_view topic,
                      int32_t partition) {
  std::string k = OffsetPrefix(pipeline, kind);
  k.append(topic);
  k.push_back('\0');
  auto p = static_cast<uint32_t>(partition);
  for (int i = 3; i >= 0; --i) k.push_back(static_cast<char>((p >> (8 * i)) & 0xff));
  return k;
}

std::string EncodeOffsetValue(int64_t next_offset) {
  std::string v(1, static_cast<char>(kSmallValueFormat));
  PutLittle<int64_t>(&v, next_offset);
  return v;
}

std::optional<PartitionOffset> DecodeOffset(std::string_view pipeline, char kind,
                                            std::string_view key, std::string_view value) {
  std::string prefix = OffsetPrefix(pipeline, kind);
  if (key.size() < prefix.size() + 6 || key.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view rest = key.substr(prefix.size());
  if (rest[rest.size() - 5] != '\0') return std::nullopt;
  if (value.size() != 9 || static_cast<uint8_t>(value[0]) != kSmallValueFormat) return std::nullopt;
  PartitionOffset o;
  o.topic = std::string(rest.substr(0, rest.size() - 5));
  uint32_t p = 0;
  for (size_t i = rest.size() - 4; i < rest.size(); ++i)
    p = (p << 8) | static_cast<uint8_t>(rest[i]);
  o.partition = static_cast<int32_t>(p);
  o.next_offset = ReadLittle<int64_t>(value.data() + 1);
  return o;
}

}  // namespace sieve::store_keys
