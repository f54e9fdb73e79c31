#include "connectors/codec/record_batch.h"

#include <cassert>
#include <limits>

namespace sieve {

namespace {
constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
}  // namespace

uint64_t HashCategoricalValue(std::string_view value) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : value) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string_view CategoricalColumn::value(size_t row) const {
  const uint32_t begin = row == 0 ? 0 : end_[row - 1];
  return std::string_view(arena_).substr(begin, end_[row] - begin);
}

uint64_t CategoricalColumn::Bucket(size_t row, uint64_t num_buckets) const {
  if (!present(row)) return 0;
  return HashCategoricalValue(value(row)) % num_buckets;
}

void CategoricalColumn::Append(std::string_view value) {
  arena_.append(value);
  end_.push_back(static_cast<uint32_t>(arena_.size()));
  present_.push_back(1);
}

void CategoricalColumn::AppendMissing() {
  end_.push_back(static_cast<uint32_t>(arena_.size()));
  present_.push_back(0);
}

void CategoricalColumn::Clear() {
  arena_.clear();
  end_.clear();
  present_.clear();
}

void CategoricalColumn::Reserve(size_t rows, size_t bytes) {
  end_.reserve(rows);
  present_.reserve(rows);
  arena_.reserve(bytes);
}

RecordBatch::RecordBatch(size_t numeric_columns, size_t categorical_columns) {
  EnsureNumericColumns(numeric_columns);
  EnsureCategoricalColumns(categorical_columns);
}

void RecordBatch::EnsureNumericColumns(size_t n) {
  while (numeric_.size() < n) numeric_.emplace_back(rows(), kMissing);
}

void RecordBatch::EnsureCategoricalColumns(size_t n) {
  while (categorical_.size() < n) {
    CategoricalColumn column;
    for (size_t i = 0; i < rows(); ++i) column.AppendMissing();
    categorical_.push_back(std::move(column));
  }
}

void RecordBatch::AppendRow(std::span<const float> numeric,
                            std::span<const std::string_view> categorical, float label,
                            const RowSource& source) {
  assert(numeric.size() == numeric_.size());
  assert(categorical.size() == categorical_.size());
  for (size_t i = 0; i < numeric.size(); ++i) numeric_[i].push_back(numeric[i]);
  for (size_t i = 0; i < categorical.size(); ++i) {
    if (categorical[i].data() == nullptr) {
      categorical_[i].AppendMissing();
    } else {
      categorical_[i].Append(categorical[i]);
    }
  }
  labels_.push_back(label);
  topic_index_.push_back(TopicIndex(source.topic));
  partition_.push_back(source.partition);
  offset_.push_back(source.offset);
}

uint32_t RecordBatch::TopicIndex(std::string_view topic) {
  // Batches usually hold one or a few topics: a linear scan from the back is cheapest.
  for (size_t i = topics_.size(); i-- > 0;) {
    if (topics_[i] == topic) return static_cast<uint32_t>(i);
  }
  topics_.emplace_back(topic);
  return static_cast<uint32_t>(topics_.size() - 1);
}

void RecordBatch::Clear() {
  for (auto& column : numeric_) column.clear();
  for (auto& column : categorical_) column.Clear();
  labels_.clear();
  topics_.clear();
  topic_index_.clear();
  partition_.clear();
  offset_.clear();
}

void RecordBatch::Reserve(size_t rows) {
  for (auto& column : numeric_) column.reserve(rows);
  for (auto& column : categorical_) column.Reserve(rows, rows * 8);
  labels_.reserve(rows);
  topic_index_.reserve(rows);
  partition_.reserve(rows);
  offset_.reserve(rows);
}

}  // namespace sieve
