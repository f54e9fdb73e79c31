// Trainer: turns an immutable window snapshot into a candidate FeatureSetVersion
// (DESIGN §2 "Trainer"): label task, tail split by arrival time (the newest
// validation_fraction rows are held out, never a random split), standardisation on
// the training rows, budget-aware Sequential Attention over the pipeline's numeric
// and categorical units (or, when the config names one, a baseline selector over the
// numeric units, cut down to the budgets), a fresh model fitted on the selected units
// and scored on the
// validation rows, and the active version re-scored on the very same split so that
// the promotion policy compares like with like.
//
// Runs on a worker thread; it reads only its arguments. Errors: InvalidArgument /
// FailedPrecondition when the window cannot be trained on (one class only, a feature
// missing from the window, must_include over a budget); they are recorded as failed
// trainings by the caller.
//
// Thread-safety: TrainCandidate is reentrant; concurrent calls share nothing.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "connectors/store/window_chunk.h"
#include "core/clock.h"
#include "core/feature_set.h"
#include "core/status.h"

namespace sieve {

struct TrainRequest {
  std::shared_ptr<const WindowSnapshot> window;
  PipelineConfig pipeline;
  // The active version, re-scored on the same split; nullopt when there is none.
  std::optional<FeatureSetVersion> active;
  int threads = 1;  // math threads
  // Set to true to abandon the training between stages (shutdown); gives kCancelled.
  const std::atomic<bool>* cancel = nullptr;
};

struct TrainResult {
  // Everything but version number, parent, state, reason and creation time.
  FeatureSetVersion candidate;
  std::string metric_name;  // "accuracy" or "r2", higher is better
  double candidate_metric = 0;
  std::optional<double> active_metric;  // nullopt: no active, or its features are gone
  size_t train_rows = 0;
  size_t validation_rows = 0;
  double seconds = 0;
};

Result<TrainResult> TrainCandidate(const TrainRequest& request, const Clock& clock);

}  // namespace sieve
