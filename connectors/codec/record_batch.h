// RecordBatch: decoded feature records held as columns, ready to be appended to a
// pipeline's training window.
//
// Layout: one float column per numeric feature (index = feature index in the
// decoder's FeatureSchema), one string column per categorical feature, one float
// label column, and the Kafka source (topic, partition, offset) of every row.
// Missing numeric values and missing labels are NaN; a missing categorical value is
// marked absent. Rows are appended whole by decoders, never partially.
//
// Thread-safety: none; a batch belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sieve {

// Where a record came from. `topic` is only read during the call it is passed to.
struct RowSource {
  std::string_view topic;  // Kafka topic, or a file name for offline input
  int32_t partition = -1;  // Kafka partition, -1 when not from Kafka
  int64_t offset = -1;     // Kafka offset, or line number for offline input
};

// Values of one categorical feature, stored back to back in one arena so that
// appending a row never allocates per value once capacity is reached.
class CategoricalColumn {
 public:
  size_t size() const { return present_.size(); }
  bool present(size_t row) const { return present_[row] != 0; }
  // The value of `row`; empty when absent. Valid until the column is modified.
  std::string_view value(size_t row) const;
  // Stable 64-bit FNV-1a hash of the value of `row` reduced to [0, num_buckets),
  // for hashing categorical values into embedding buckets. REQUIRES: num_buckets > 0.
  // An absent value maps to bucket 0.
  uint64_t Bucket(size_t row, uint64_t num_buckets) const;

  void Append(std::string_view value);
  void AppendMissing();
  void Clear();
  void Reserve(size_t rows, size_t bytes);

 private:
  std::string arena_;
  std::vector<uint32_t> end_;  // end offset of each row's value in arena_
  std::vector<uint8_t> present_;
};

// Stable 64-bit FNV-1a hash of a categorical value.
uint64_t HashCategoricalValue(std::string_view value);

class RecordBatch {
 public:
  RecordBatch() = default;
  RecordBatch(size_t numeric_columns, size_t categorical_columns);

  size_t rows() const { return labels_.size(); }
  size_t numeric_columns() const { return numeric_.size(); }
  size_t categorical_columns() const { return categorical_.size(); }

  // Column of numeric feature `feature`, one value per row (NaN = missing).
  std::span<const float> numeric(size_t feature) const { return numeric_[feature]; }
  float numeric(size_t row, size_t feature) const { return numeric_[feature][row]; }
  const CategoricalColumn& categorical(size_t feature) const { return categorical_[feature]; }
  // Labels, one per row (NaN = missing).
  std::span<const float> labels() const { return labels_; }

  std::string_view topic(size_t row) const { return topics_[topic_index_[row]]; }
  int32_t partition(size_t row) const { return partition_[row]; }
  int64_t offset(size_t row) const { return offset_[row]; }

  // Grows the batch to `n` numeric (categorical) columns; rows already present get
  // NaN (absent) in the new columns. Never shrinks.
  void EnsureNumericColumns(size_t n);
  void EnsureCategoricalColumns(size_t n);

  // Appends one row. REQUIRES: numeric.size() == numeric_columns() and
  // categorical.size() == categorical_columns(); a categorical entry whose data()
  // is nullptr is absent (an empty string with a non-null data() is present).
  void AppendRow(std::span<const float> numeric, std::span<const std::string_view> categorical,
                 float label, const RowSource& source);

  // Removes every row; keeps the columns and their capacity.
  void Clear();
  void Reserve(size_t rows);

 private:
  uint32_t TopicIndex(std::string_view topic);

  std::vector<std::vector<float>> numeric_;
  std::vector<CategoricalColumn> categorical_;
  std::vector<float> labels_;
  std::vector<std::string> topics_;
  std::vector<uint32_t> topic_index_;
  std::vector<int32_t> partition_;
  std::vector<int64_t> offset_;
};

}  // namespace sieve
