#include "connectors/store/version_cache.h"

#include <gtest/gtest.h>

namespace sieve {
namespace {

std::shared_ptr<const FeatureSetVersion> V(const std::string& pipeline, uint64_t n) {
  auto v = std::make_shared<FeatureSetVersion>();
  v->pipeline = pipeline;
  v->version = n;
  return v;
}

TEST(VersionCacheTest, EvictsTheLeastRecentlyUsed) {
  VersionCache cache(2);
  cache.Put(V("ctr", 1));
  cache.Put(V("ctr", 2));
  ASSERT_NE(cache.Get("ctr", 1), nullptr);  // 1 is now the most recent
  cache.Put(V("ctr", 3));                   // evicts 2
  EXPECT_EQ(cache.Get("ctr", 2), nullptr);
  ASSERT_NE(cache.Get("ctr", 1), nullptr);
  EXPECT_EQ(cache.Get("ctr", 1)->version, 1u);
  ASSERT_NE(cache.Get("ctr", 3), nullptr);
}

TEST(VersionCacheTest, KeysIncludeThePipeline) {
  VersionCache cache(4);
  cache.Put(V("a", 1));
  EXPECT_EQ(cache.Get("b", 1), nullptr);
  EXPECT_EQ(cache.Get("a", 1)->pipeline, "a");
}

TEST(VersionCacheTest, ZeroCapacityCachesNothing) {
  VersionCache cache(0);
  cache.Put(V("a", 1));
  EXPECT_EQ(cache.Get("a", 1), nullptr);
}

}  // namespace
}  // namespace sieve
