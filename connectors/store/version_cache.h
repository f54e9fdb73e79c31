// VersionCache: a bounded LRU of decoded feature-set versions. Versions are
// immutable once stored, so an entry never goes stale; the cache only saves the
// JSON decode on hot reads (active, latest, recent history). Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/feature_set.h"

namespace sieve {

class VersionCache {
 public:
  // capacity 0 disables the cache.
  explicit VersionCache(size_t capacity) : capacity_(capacity) {}

  // The cached version, or nullptr.
  std::shared_ptr<const FeatureSetVersion> Get(std::string_view pipeline, uint64_t version);
  // Caches `v` (keyed by its pipeline and number), evicting the least recently used.
  void Put(std::shared_ptr<const FeatureSetVersion> v);

 private:
  using Key = std::string;
  static Key MakeKey(std::string_view pipeline, uint64_t version);

  const size_t capacity_;
  std::mutex mu_;
  // Most recently used first.
  std::list<std::pair<Key, std::shared_ptr<const FeatureSetVersion>>> lru_;
  std::unordered_map<Key, decltype(lru_)::iterator> index_;
};

}  // namespace sieve
