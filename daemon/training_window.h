// TrainingWindow: a pipeline's in-memory window of recent records (DESIGN §4), the
// rows a training snapshot is cut from.
//
// Sliding: keeps the newest `capacity` rows in arrival order. Reservoir: a uniform
// sample of `capacity` rows of everything appended (Algorithm R, seeded), handed out in
// arrival order so the trainer's tail split still validates on the newest sampled
// rows; after a restart the sample restarts from the restored rows. The column layout is
// fixed by the first rows appended (or restored); a chunk with another layout starts
// a new window, as the store does. Snapshots are immutable copies shared with the
// trainer, so appending never waits for a training.
//
// Thread-safety: every method may be called from any thread (internal mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "connectors/store/window_chunk.h"

namespace sieve {

class TrainingWindow {
 public:
  explicit TrainingWindow(size_t capacity, bool reservoir = false, uint64_t seed = 1);

  // Replaces the content with `restored` (the store's newest rows), keeping at most
  // capacity rows.
  void Restore(const WindowSnapshot& restored);
  // Appends the chunk's rows; drops the oldest beyond capacity.
  void Append(const WindowChunk& chunk);

  // Rows currently held.
  size_t rows() const;
  size_t capacity() const { return capacity_; }
  // Changes the capacity (config reload); drops the oldest rows if it shrinks.
  void set_capacity(size_t capacity);

  // An immutable copy of the window, oldest row first (offsets left empty).
  std::shared_ptr<const WindowSnapshot> Snapshot() const;

 private:
  void CompactLocked(bool force);
  void AppendReservoirLocked(const WindowChunk& chunk);
  void ShrinkReservoirLocked();

  mutable std::mutex mu_;
  size_t capacity_;
  WindowSnapshot data_;  // may hold up to 2x capacity rows before compaction
  size_t begin_ = 0;     // first live row in data_ (sliding)
  const bool reservoir_;
  std::mt19937_64 rng_;
  uint64_t seen_ = 0;              // rows ever appended (reservoir)
  std::vector<uint64_t> arrival_;  // arrival number of each row (reservoir)
};

}  // namespace sieve
