#include "daemon/ctr_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sieve {

CtrGenerator::CtrGenerator(CtrGeneratorOptions options) : options_(options), rng_(options.seed) {}

std::vector<std::string> CtrGenerator::PlantedBefore() {
  return {"user_ctr_7d", "ad_position", "device"};
}
std::vector<std::string> CtrGenerator::PlantedAfter() {
  return {"ad_ctr_7d", "page_load_ms", "hour_of_day"};
}

std::string CtrGenerator::Next() {
  const bool after = drifted();
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  static const char* kDevices[] = {"mobile", "desktop", "tablet", "tv", "other"};
  const int ad = static_cast<int>(uniform(rng_) * 2000);
  const int site = static_cast<int>(uniform(rng_) * 300);
  const int device = static_cast<int>(uniform(rng_) * 5);
  const int hour = static_cast<int>(uniform(rng_) * 24);
  const int position = 1 + static_cast<int>(uniform(rng_) * 6);
  const int age = 18 + static_cast<int>(uniform(rng_) * 62);
  const double user_ctr = std::clamp(0.05 + 0.03 * normal(rng_), 0.0, 1.0);
  const double ad_ctr = std::clamp(0.04 + 0.02 * normal(rng_), 0.0, 1.0);
  const double load =
      std::max(50.0, (after ? 1600.0 : 900.0) + (after ? 500.0 : 300.0) * normal(rng_));
  const double noise_1 = normal(rng_), noise_2 = normal(rng_);

  double logit;
  if (!after) {
    logit = 2.0 * (user_ctr - 0.05) / 0.03 - 1.2 * (position - 3.5) / 1.7 +
            (device == 0   ? 1.5
             : device == 1 ? -1.5
                           : 0.0);
  } else {
    logit =
        2.0 * (ad_ctr - 0.04) / 0.02 - 1.8 * (load - 1600.0) / 500.0 + 1.5 * (hour - 11.5) / 6.9;
  }
  const int clicked = uniform(rng_) < 1.0 / (1.0 + std::exp(-logit)) ? 1 : 0;
  ++produced_;
  char line[512];
  std::snprintf(line, sizeof line,
                "{\"ad_id\":\"ad%d\",\"site\":\"s%d\",\"device\":\"%s\",\"hour_of_day\":%d,"
                "\"ad_position\":%d,\"user_age\":%d,\"user_ctr_7d\":%.5f,\"ad_ctr_7d\":%.5f,"
                "\"page_load_ms\":%.1f,\"noise_1\":%.4f,\"noise_2\":%.4f,\"clicked\":%d}",
                ad, site, kDevices[device], hour, position, age, user_ctr, ad_ctr, load, noise_1,
                noise_2, clicked);
  return line;
}

}  // namespace sieve
