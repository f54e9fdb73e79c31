#include "connectors/store/version_cache.h"

namespace sieve {

VersionCache::Key VersionCache::MakeKey(std::string_view pipeline, uint64_t version) {
  Key k(pipeline);
  k.push_back('\0');
  k.append(std::to_string(version));
  return k;
}

std::shared_ptr<const FeatureSetVersion> VersionCache::Get(std::string_view pipeline,
                                                           uint64_t version) {
  if (capacity_ == 0) return nullptr;
  std::lock_guard lock(mu_);
  auto it = index_.find(MakeKey(pipeline, version));
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void VersionCache::Put(std::shared_ptr<const FeatureSetVersion> v) {
  if (capacity_ == 0 || v == nullptr) return;
  Key key = MakeKey(v->pipeline, v->version);
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(key, std::move(v));
  index_.emplace(std::move(key), lru_.begin());
  if (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

}  // namespace sieve
