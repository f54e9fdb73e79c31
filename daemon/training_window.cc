#include "daemon/training_window.h"

#include <algorithm>

namespace sieve {

TrainingWindow::TrainingWindow(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {}

void TrainingWindow::Restore(const WindowSnapshot& restored) {
  std::lock_guard lock(mu_);
  data_ = restored;
  data_.offsets.clear();
  begin_ = data_.num_rows > capacity_ ? data_.num_rows - capacity_ : 0;
  CompactLocked(true);
}

void TrainingWindow::Append(const WindowChunk& chunk) {
  if (chunk.num_rows == 0) return;
  std::lock_guard lock(mu_);
  if (data_.float_columns != chunk.float_columns || data_.bucket_columns != chunk.bucket_columns) {
    data_ = WindowSnapshot{};
    data_.float_columns = chunk.float_columns;
    data_.bucket_columns = chunk.bucket_columns;
    begin_ = 0;
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
  return snapshot;
}

}  // namespace sieve
