#include "core/structured_data.h"

#include <cmath>
#include <cstdio>

namespace sieve {

std::vector<std::string> StructuredDataset::names() const {
  std::vector<std::string> out;
  for (const auto& u : units) out.push_back(u.name);
  return out;
}

StructuredDataset StructuredDataset::Rows(const std::vector<size_t>& rows_in) const {
  StructuredDataset out;
  out.rows = rows_in.size();
  out.units = units;
  out.task = task;
  out.num_classes = num_classes;
  out.numeric.resize(units.size());
  out.buckets.resize(units.size());
  for (size_t u = 0; u < units.size(); ++u) {
    if (!numeric[u].empty()) {
      out.numeric[u].reserve(rows_in.size());
      for (size_t r : rows_in) out.numeric[u].push_back(numeric[u][r]);
    }
    if (!buckets[u].empty()) {
      out.buckets[u].reserve(rows_in.size());
      for (size_t r : rows_in) out.buckets[u].push_back(buckets[u][r]);
    }
  }
  for (size_t r : rows_in) out.labels.push_back(labels[r]);
  return out;
}

StructuredDataset StructuredDataset::Units(const std::vector<int>& keep) const {
  StructuredDataset out;
  out.rows = rows;
  out.labels = labels;
  out.task = task;
  out.num_classes = num_classes;
  for (int u : keep) {
    out.units.push_back(units[u]);
    out.numeric.push_back(numeric[u]);
    out.buckets.push_back(buckets[u]);
  }
  return out;
}

Dataset StructuredDataset::LabelsOnly() const {
  Dataset d;
  d.rows = rows;
  d.labels = labels;
  d.task = task;
  d.num_classes = num_classes;
  return d;
}

int32_t BucketOf(std::string_view value, int64_t buckets) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : value) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return static_cast<int32_t>(h % static_cast<uint64_t>(buckets));
}

int32_t BucketOfNumber(double value, int64_t buckets) {
  if (std::isnan(value)) return BucketOf("NA", buckets);
  char buf[40];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.9g", value);
  }
  return BucketOf(buf, buckets);
}

int32_t CrossBucket(int32_t a, int32_t b, int64_t buckets) {
  uint64_t z = (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) ^ static_cast<uint32_t>(b);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<int32_t>(z % static_cast<uint64_t>(buckets));
}

Result<StructuredDataset> StructuredFromDataset(const Dataset& data, const FeatureSchema& schema) {
  for (const FeatureSpec& f : schema.features) {
    bool found = false;
    for (const auto& n : data.feature_names) found = found || n == f.name;
    if (!found) {
      return Err(Status::InvalidArgument("schema: feature '" + f.name + "' is not a column"));
    }
  }
  StructuredDataset out;
  out.rows = data.rows;
  out.labels = data.labels;
  out.task = data.task;
  out.num_classes = data.num_classes;
  out.numeric.resize(data.cols);
  out.buckets.resize(data.cols);
  for (size_t c = 0; c < data.cols; ++c) {
    FeatureSpec spec = schema.SpecFor(data.feature_names[c]);
    SIEVE_RETURN_IF_ERROR(ValidateFeatureSpec(spec).WithContext("schema"));
    if (spec.kind == FeatureKind::kNumeric) {
      out.numeric[c].resize(data.rows);
      for (size_t r = 0; r < data.rows; ++r) out.numeric[c][r] = data.at(r, c);
    } else {
      out.buckets[c].resize(data.rows);
      for (size_t r = 0; r < data.rows; ++r) {
        out.buckets[c][r] = BucketOfNumber(data.at(r, c), spec.buckets);
      }
    }
    out.units.push_back(std::move(spec));
  }
  return out;
}

Status ValidateStructuredDataset(const StructuredDataset& d) {
  const size_t n = d.units.size();
  if (d.numeric.size() != n || d.buckets.size() != n) {
    return Status::InvalidArgument("structured dataset: column lists do not match the units");
  }
  if (d.labels.size() != d.rows) {
    return Status::InvalidArgument("structured dataset: " + std::to_string(d.labels.size()) +
                                   " labels for " + std::to_string(d.rows) + " rows");
  }
  for (size_t u = 0; u < n; ++u) {
    const FeatureSpec& s = d.units[u];
    SIEVE_RETURN_IF_ERROR(ValidateFeatureSpec(s));
    const bool numeric = s.kind == FeatureKind::kNumeric;
    const size_t have = numeric ? d.numeric[u].size() : d.buckets[u].size();
    if (have != d.rows) {
      return Status::InvalidArgument("feature '" + s.name + "': " + std::to_string(have) +
                                     " values for " + std::to_string(d.rows) + " rows");
    }
    if (!numeric) {
      for (int32_t id : d.buckets[u]) {
        if (id < 0 || id >= s.buckets) {
          return Status::InvalidArgument("feature '" + s.name + "': bucket id " +
                                         std::to_string(id) + " outside [0, " +
                                         std::to_string(s.buckets) + ")");
        }
      }
    }
  }
  for (float y : d.labels) {
    if (!std::isfinite(y)) return Status::InvalidArgument("labels must be finite");
  }
  if (d.task == Task::kClassification && d.num_classes < 2) {
    return Status::InvalidArgument("classification needs at least two classes");
  }
  return Status::Ok();
}

size_t StandardizeNumericUnits(StructuredDataset& train, StructuredDataset& validation) {
  size_t imputed = 0;
  for (size_t u = 0; u < train.units.size(); ++u) {
    if (train.numeric[u].empty()) continue;
    double sum = 0, sq = 0;
    size_t n = 0;
    for (float v : train.numeric[u]) {
      if (std::isnan(v)) continue;
      sum += v;
      sq += static_cast<double>(v) * v;
      ++n;
    }
    const double mean = n ? sum / n : 0.0;
    const double var = n ? sq / n - mean * mean : 0.0;
    const double scale = var > 1e-12 ? std::sqrt(var) : 1.0;
    for (auto* col : {&train.numeric[u], &validation.numeric[u]}) {
      for (float& v : *col) {
        if (std::isnan(v)) {
          v = 0.0f;
          ++imputed;
        } else {
          v = static_cast<float>((v - mean) / scale);
        }
      }
    }
  }
  return imputed;
}

int AddCross(StructuredDataset& data, int a, int b, int64_t buckets, int embedding_dim) {
  FeatureSpec spec;
  spec.name = data.units[a].name + " x " + data.units[b].name;
  spec.kind = FeatureKind::kCross;
  spec.buckets = buckets;
  spec.embedding_dim = embedding_dim;
  std::vector<int32_t> ids(data.rows);
  for (size_t r = 0; r < data.rows; ++r) {
    ids[r] = CrossBucket(data.buckets[a][r], data.buckets[b][r], buckets);
  }
  data.units.push_back(std::move(spec));
  data.numeric.emplace_back();
  data.buckets.push_back(std::move(ids));
  return static_cast<int>(data.units.size()) - 1;
}

}  // namespace sieve
