// StructuredDataset: a training table of selectable units — numeric columns and
// hashed categorical columns (bucket ids behind an embedding) — plus one label.
// Stored column by column because units differ in type. Plain value, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/feature_schema.h"
#include "core/status.h"

namespace sieve {

struct StructuredDataset {
  size_t rows = 0;
  std::vector<FeatureSpec> units;             // one per selectable unit
  std::vector<std::vector<float>> numeric;    // per unit: `rows` values (numeric units only)
  std::vector<std::vector<int32_t>> buckets;  // per unit: `rows` ids in [0, buckets) (others)
  std::vector<float> labels;                  // rows; class index or target value
  Task task = Task::kClassification;
  int num_classes = 0;                        // classification only

  std::vector<std::string> names() const;
  // Copies the given rows, in order.
  StructuredDataset Rows(const std::vector<size_t>& rows) const;
  // Copies the given units, in order.
  StructuredDataset Units(const std::vector<int>& units) const;
  // As a Dataset (labels and task kept) for splitting helpers; values are not copied.
  Dataset LabelsOnly() const;
};

// Stable bucket of a categorical value: FNV-1a 64 of its bytes, modulo `buckets`.
int32_t BucketOf(std::string_view value, int64_t buckets);
// Bucket of a number used as a category (integers hash as their decimal text, so
// "42" and 42.0 share a bucket; NaN hashes as "NA").
int32_t BucketOfNumber(double value, int64_t buckets);
// Bucket of the pair (a, b) of bucket ids in a cross with `buckets` buckets.
int32_t CrossBucket(int32_t a, int32_t b, int64_t buckets);

// Builds units from a float table: every column becomes the unit schema.SpecFor(name);
// columns the schema declares categorical are hashed from their values. Fails on a
// schema feature that names no column, or an invalid spec (naming the feature).
Result<StructuredDataset> StructuredFromDataset(const Dataset& data, const FeatureSchema& schema);

// Consistent sizes, ids within their bucket range, finite labels, >= 2 classes.
Status ValidateStructuredDataset(const StructuredDataset& data);

// Standardises the numeric units of both tables with the statistics of `train`;
// missing values (NaN) become 0. Returns the number of imputed cells.
size_t StandardizeNumericUnits(StructuredDataset& train, StructuredDataset& validation);

// Appends the hashed cross of categorical units a and b as a new unit named
// "<a> x <b>" with its own embedding table (memory_bytes defaults to it); returns its
// index. REQUIRES: both units are categorical.
int AddCross(StructuredDataset& data, int a, int b, int64_t buckets, int embedding_dim);

}  // namespace sieve
