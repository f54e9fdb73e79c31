#include "connectors/store/window_chunk.h"

#include <bit>
#include <cstring>
#include <set>

namespace sieve {
namespace {

static_assert(std::endian::native == std::endian::little,
              "window chunks are stored little-endian; add byte swapping for this platform");

constexpr uint8_t kChunkFormat = 1;

template <typename T>
void PutRaw(std::string* out, T value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}

void PutString(std::string* out, const std::string& s) {
  PutRaw<uint32_t>(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

template <typename T>
void PutArray(std::string* out, const std::vector<T>& v) {
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Bounds-checked reader over encoded bytes.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  bool Raw(T* value) {
    if (bytes_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool String(std::string* s) {
    uint32_t len = 0;
    if (!Raw(&len) || bytes_.size() - pos_ < len) return false;
    s->assign(bytes_.data() + pos_, len);
    pos_ += len;
    return true;
  }
  // Points *p at the next `n` bytes and skips them.
  bool Span(uint64_t n, const char** p) {
    if (bytes_.size() - pos_ < n) return false;
    *p = bytes_.data() + pos_;
    pos_ += n;
    return true;
  }
  size_t remaining() const { return bytes_.size() - pos_; }
  size_t position() const { return pos_; }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

Status Truncated(const Reader& r, std::string_view what) {
  return Status::Corruption("window chunk truncated at byte " + std::to_string(r.position()) +
                            " while reading " + std::string(what));
}

Status CheckColumns(const std::vector<std::string>& names, std::string_view field,
                    std::set<std::string>* seen) {
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string f = std::string(field) + "[" + std::to_string(i) + "]";
    if (names[i].empty()) return Status::InvalidArgument(f + ": empty column name");
    if (!seen->insert(names[i]).second) {
      return Status::InvalidArgument(f + ": duplicate column \"" + names[i] + "\"");
    }
  }
  return Status::Ok();
}

Status CheckSize(std::string_view field, size_t actual, uint64_t expected) {
  if (actual == expected) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + ": has " + std::to_string(actual) +
                                 " values, expected " + std::to_string(expected));
}

}  // namespace

Status ValidateWindowChunk(const WindowChunk& c) {
  std::set<std::string> seen;
  SIEVE_RETURN_IF_ERROR(CheckColumns(c.float_columns, "float_columns", &seen));
  SIEVE_RETURN_IF_ERROR(CheckColumns(c.bucket_columns, "bucket_columns", &seen));
  const uint64_t rows = c.num_rows;
  SIEVE_RETURN_IF_ERROR(CheckSize("floats", c.floats.size(), rows * c.float_columns.size()));
  SIEVE_RETURN_IF_ERROR(CheckSize("buckets", c.buckets.size(), rows * c.bucket_columns.size()));
  SIEVE_RETURN_IF_ERROR(CheckSize("labels", c.labels.size(), rows));
  for (size_t i = 0; i < c.offsets.size(); ++i) {
    const PartitionOffset& o = c.offsets[i];
    const std::string f = "offsets[" + std::to_string(i) + "]";
    if (o.topic.empty()) return Status::InvalidArgument(f + ".topic: empty");
    if (o.partition < 0) return Status::InvalidArgument(f + ".partition: negative");
    if (o.next_offset < 0) return Status::InvalidArgument(f + ".next_offset: negative");
    for (size_t j = 0; j < i; ++j) {
      if (c.offsets[j].topic == o.topic && c.offsets[j].partition == o.partition) {
        return Status::InvalidArgument(f + ": duplicate partition " + o.topic + "/" +
                                       std::to_string(o.partition));
      }
    }
  }
  return Status::Ok();
}

std::string EncodeWindowChunk(const WindowChunk& c) {
  std::string out;
  size_t names = 0;
  for (const auto& n : c.float_columns) names += n.size() + 4;
  for (const auto& n : c.bucket_columns) names += n.size() + 4;
  out.reserve(16 + names + c.offsets.size() * 32 +
              4 * (c.floats.size() + c.buckets.size() + c.labels.size()));
  PutRaw<uint8_t>(&out, kChunkFormat);
  PutRaw<uint32_t>(&out, c.num_rows);
  PutRaw<uint32_t>(&out, static_cast<uint32_t>(c.float_columns.size()));
  PutRaw<uint32_t>(&out, static_cast<uint32_t>(c.bucket_columns.size()));
  for (const auto& n : c.float_columns) PutString(&out, n);
  for (const auto& n : c.bucket_columns) PutString(&out, n);
  PutRaw<uint32_t>(&out, static_cast<uint32_t>(c.offsets.size()));
  for (const PartitionOffset& o : c.offsets) {
    PutString(&out, o.topic);
    PutRaw<int32_t>(&out, o.partition);
    PutRaw<int64_t>(&out, o.next_offset);
  }
  PutArray(&out, c.floats);
  PutArray(&out, c.buckets);
  PutArray(&out, c.labels);
  return out;
}

Result<WindowChunkView> ParseWindowChunk(std::string_view bytes) {
  Reader r(bytes);
  uint8_t format = 0;
  if (!r.Raw(&format)) return Err(Truncated(r, "format"));
  if (format > kChunkFormat) {
    return Err(Status::FailedPrecondition("window chunk has format " + std::to_string(format) +
                                          ", newer than this build reads (" +
                                          std::to_string(kChunkFormat) + ")"));
  }
  if (format == 0) return Err(Status::Corruption("window chunk has invalid format 0"));
  WindowChunkView v;
  uint32_t n_float = 0, n_bucket = 0;
  if (!r.Raw(&v.num_rows) || !r.Raw(&n_float) || !r.Raw(&n_bucket)) {
    return Err(Truncated(r, "header"));
  }
  // Each name takes at least 4 bytes: reject absurd counts before allocating.
  if (uint64_t{n_float} + n_bucket > r.remaining() / 4) return Err(Truncated(r, "column names"));
  v.float_columns.resize(n_float);
  v.bucket_columns.resize(n_bucket);
  for (auto& n : v.float_columns) {
    if (!r.String(&n)) return Err(Truncated(r, "float column names"));
  }
  for (auto& n : v.bucket_columns) {
    if (!r.String(&n)) return Err(Truncated(r, "bucket column names"));
  }
  uint32_t n_offsets = 0;
  if (!r.Raw(&n_offsets)) return Err(Truncated(r, "offset count"));
  if (n_offsets > r.remaining() / 16) return Err(Truncated(r, "offsets"));
  v.offsets.resize(n_offsets);
  for (PartitionOffset& o : v.offsets) {
    if (!r.String(&o.topic) || !r.Raw(&o.partition) || !r.Raw(&o.next_offset)) {
      return Err(Truncated(r, "offsets"));
    }
  }
  const uint64_t rows = v.num_rows;
  if (!r.Span(rows * n_float * 4, &v.floats)) return Err(Truncated(r, "floats"));
  if (!r.Span(rows * n_bucket * 4, &v.buckets)) return Err(Truncated(r, "bucket ids"));
  if (!r.Span(rows * 4, &v.labels)) return Err(Truncated(r, "labels"));
  if (r.remaining() != 0) {
    return Err(Status::Corruption("window chunk has " + std::to_string(r.remaining()) +
                                  " trailing bytes"));
  }
  return v;
}

Result<WindowChunk> DecodeWindowChunk(std::string_view bytes) {
  SIEVE_ASSIGN_OR_RETURN(WindowChunkView v, ParseWindowChunk(bytes));
  WindowChunk c;
  c.float_columns = std::move(v.float_columns);
  c.bucket_columns = std::move(v.bucket_columns);
  c.num_rows = v.num_rows;
  c.offsets = std::move(v.offsets);
  c.floats.resize(size_t{c.num_rows} * c.float_columns.size());
  c.buckets.resize(size_t{c.num_rows} * c.bucket_columns.size());
  c.labels.resize(c.num_rows);
  // memcpy must not see the null data() of an empty vector, even for 0 bytes.
  if (!c.floats.empty()) std::memcpy(c.floats.data(), v.floats, c.floats.size() * 4);
  if (!c.buckets.empty()) std::memcpy(c.buckets.data(), v.buckets, c.buckets.size() * 4);
  if (!c.labels.empty()) std::memcpy(c.labels.data(), v.labels, c.labels.size() * 4);
  return c;
}

uint64_t WindowLayoutFingerprint(const std::vector<std::string>& float_columns,
                                 const std::vector<std::string>& bucket_columns) {
  // FNV-1a over the names with separators; stable across builds and platforms.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char ch : s) {
      h ^= ch;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // a byte no name contains, so ("ab","c") != ("a","bc")
    h *= 1099511628211ull;
  };
  for (const auto& n : float_columns) mix(n);
  mix("\x01|buckets|");
  for (const auto& n : bucket_columns) mix(n);
  return h;
}

}  // namespace sieve
