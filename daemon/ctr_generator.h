// CtrGenerator: a synthetic click-through-rate stream for the quick start, the demo
// and the end-to-end tests. Each record is one flat JSON object with the fields of
// config/examples/quickstart.yaml (ad_id, site, device, hour_of_day, ad_position,
// user_age, user_ctr_7d, ad_ctr_7d, page_load_ms, noise_1, noise_2) and the label
// `clicked` (0/1).
//
// The click depends on three planted features, and which three changes after
// `drift_after` records (the demo's "relevant features change halfway"):
//   before: user_ctr_7d, ad_position, device
//   after:  ad_ctr_7d, page_load_ms, hour_of_day   (page_load_ms also shifts upwards,
//           so the drift trigger sees it)
// Deterministic for a given seed. Thread-safety: none; one generator per thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sieve {

struct CtrGeneratorOptions {
  uint64_t seed = 1;
  // Records before the planted features change; 0 = never.
  int64_t drift_after = 0;
};

class CtrGenerator {
 public:
  explicit CtrGenerator(CtrGeneratorOptions options);

  // The next record as one line of JSON (no newline).
  std::string Next();
  int64_t produced() const { return produced_; }
  bool drifted() const { return options_.drift_after > 0 && produced_ >= options_.drift_after; }

  static std::vector<std::string> PlantedBefore();
  static std::vector<std::string> PlantedAfter();

 private:
  CtrGeneratorOptions options_;
  std::mt19937_64 rng_;
  int64_t produced_ = 0;
};

}  // namespace sieve
