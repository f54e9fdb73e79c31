#include "daemon/training_window.h"

#include <algorithm>

namespace sieve {

TrainingWindow::TrainingWindow(size_t capacity, bool reservoir, uint64_t seed)
    : capacity_(std::max<size_t>(1, capacity)), reservoir_(reservoir), rng_(seed) {}

void TrainingWindow::Restore(const WindowSnapshot& restored) {
  std::lock_guard lock(mu_);
  data_ = restored;
  data_.offsets.clear();
  begin_ = data_.num_rows > capacity_ ? data_.num_rows - capacity_ : 0;
  CompactLocked(true);
  seen_ = data_.num_rows;
  arrival_.resize(data_.num_rows);
  for (size_t r = 0; r < arrival_.size(); ++r) arrival_[r] = r;
}

void TrainingWindow::AppendReservoirLocked(const WindowChunk& chunk) {
  const size_t nf = data_.float_columns.size(), nb = data_.bucket_columns.size();
  for (size_t r = 0; r < chunk.num_rows; ++r) {
    size_t slot;
    if (data_.num_rows < capacity_) {
      slot = data_.num_rows++;
      data_.floats.resize(data_.num_rows * nf);
      data_.buckets.resize(data_.num_rows * nb);
      data_.labels.resize(data_.num_rows);
      arrival_.resize(data_.num_rows);
    } else {
      slot = std::uniform_int_distribution<uint64_t>(0, seen_)(rng_);
      if (slot >= capacity_) {
        ++seen_;
        continue;
      }
    }
    std::copy_n(chunk.floats.begin() + r * nf, nf, data_.floats.begin() + slot * nf);
    std::copy_n(chunk.buckets.begin() + r * nb, nb, data_.buckets.begin() + slot * nb);
    data_.labels[slot] = chunk.labels[r];
    arrival_[slot] = seen_++;
  }
}

void TrainingWindow::ShrinkReservoirLocked() {
  if (data_.num_rows <= capacity_) return;
  // Keep the most recently arrived rows, in arrival order.
  std::vector<size_t> order(data_.num_rows);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return arrival_[a] < arrival_[b]; });
  order.erase(order.begin(), order.end() - capacity_);
  const size_t nf = data_.float_columns.size(), nb = data_.bucket_columns.size();
  WindowSnapshot kept;
  kept.float_columns = data_.float_columns;
  kept.bucket_columns = data_.bucket_columns;
  std::vector<uint64_t> arrival;
  for (size_t r : order) {
    kept.floats.insert(kept.floats.end(), data_.floats.begin() + r * nf,
                       data_.floats.begin() + (r + 1) * nf);
    kept.buckets.insert(kept.buckets.end(), data_.buckets.begin() + r * nb,
                        data_.buckets.begin() + (r + 1) * nb);
    kept.labels.push_back(data_.labels[r]);
    arrival.push_back(arrival_[r]);
  }
  kept.num_rows = order.size();
  data_ = std::move(kept);
  arrival_ = std::move(arrival);
}

void TrainingWindow::Append(const WindowChunk& chunk) {
  if (chunk.num_rows == 0) return;
  std::lock_guard lock(mu_);
  if (data_.float_columns != chunk.float_columns || data_.bucket_columns != chunk.bucket_columns) {
    data_ = WindowSnapshot{};
    data_.float_columns = chunk.float_columns;
    data_.bucket_columns = chunk.bucket_columns;
    begin_ = 0;
    seen_ = 0;
    arrival_.clear();
  }
  if (reservoir_) {
    AppendReservoirLocked(chunk);
    return;
  }
  data_.floats.insert(data_.floats.end(), chunk.floats.begin(), chunk.floats.end());
  data_.buckets.insert(data_.buckets.end(), chunk.buckets.begin(), chunk.buckets.end());
  data_.labels.insert(data_.labels.end(), chunk.labels.begin(), chunk.labels.end());
  data_.num_rows += chunk.num_rows;
  if (data_.num_rows - begin_ > capacity_) begin_ = data_.num_rows - capacity_;
  CompactLocked(false);
}

void TrainingWindow::CompactLocked(bool force) {
  if (begin_ == 0 || (!force && begin_ < capacity_)) return;
  const size_t nf = data_.float_columns.size(), nb = data_.bucket_columns.size();
  data_.floats.erase(data_.floats.begin(), data_.floats.begin() + begin_ * nf);
  data_.buckets.erase(data_.buckets.begin(), data_.buckets.begin() + begin_ * nb);
  data_.labels.erase(data_.labels.begin(), data_.labels.begin() + begin_);
  data_.num_rows -= begin_;
  begin_ = 0;
}

size_t TrainingWindow::rows() const {
  std::lock_guard lock(mu_);
  return data_.num_rows - begin_;
}

void TrainingWindow::set_capacity(size_t capacity) {
  std::lock_guard lock(mu_);
  capacity_ = std::max<size_t>(1, capacity);
  if (reservoir_) {
    ShrinkReservoirLocked();
    return;
  }
  if (data_.num_rows - begin_ > capacity_) begin_ = data_.num_rows - capacity_;
  CompactLocked(true);
}

std::shared_ptr<const WindowSnapshot> TrainingWindow::Snapshot() const {
  std::lock_guard lock(mu_);
  auto snapshot = std::make_shared<WindowSnapshot>();
  const size_t nf = data_.float_columns.size(), nb = data_.bucket_columns.size();
  snapshot->float_columns = data_.float_columns;
  snapshot->bucket_columns = data_.bucket_columns;
  snapshot->num_rows = data_.num_rows - begin_;
  snapshot->floats.assign(data_.floats.begin() + begin_ * nf, data_.floats.end());
  snapshot->buckets.assign(data_.buckets.begin() + begin_ * nb, data_.buckets.end());
  snapshot->labels.assign(data_.labels.begin() + begin_, data_.labels.end());
  if (reservoir_) {  // hand rows out in arrival order
    std::vector<size_t> order(snapshot->num_rows);
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return arrival_[a] < arrival_[b]; });
    WindowSnapshot sorted;
    sorted.float_columns = snapshot->float_columns;
    sorted.bucket_columns = snapshot->bucket_columns;
    sorted.num_rows = snapshot->num_rows;
    for (size_t r : order) {
      sorted.floats.insert(sorted.floats.end(), data_.floats.begin() + r * nf,
                           data_.floats.begin() + (r + 1) * nf);
      sorted.buckets.insert(sorted.buckets.end(), data_.buckets.begin() + r * nb,
                            data_.buckets.begin() + (r + 1) * nb);
      sorted.labels.push_back(data_.labels[r]);
    }
    *snapshot = std::move(sorted);
  }
  return snapshot;
}

}  // namespace sieve
