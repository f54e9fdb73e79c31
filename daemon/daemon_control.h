// DaemonControl: what the HTTP surface (API, status page, probes, /metrics) may ask
// of the running daemon. Daemon implements it; the router holds only this interface,
// so routes can be tested against a daemon built in the test.
//
// Thread-safety: every method may be called from any thread at any time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/store/feature_set_store.h"
#include "core/status.h"
#include "daemon/pipeline_runtime.h"

namespace sieve {

class DaemonControl {
 public:
  virtual ~DaemonControl() = default;

  // The running pipelines, sorted by name. Holding one keeps it alive across a reload.
  virtual std::vector<std::shared_ptr<PipelineRuntime>> Pipelines() = 0;
  // nullptr when there is no such pipeline.
  virtual std::shared_ptr<PipelineRuntime> FindPipeline(std::string_view name) = 0;
  virtual FeatureSetStore& store() = 0;
  // Re-reads and applies the config file; the old config stays in force on failure.
  virtual Status Reload() = 0;
  virtual std::string MetricsText() = 0;
  // Ready when the store is open and every pipeline's consumer holds an assignment;
  // otherwise false with the reason.
  virtual bool Ready(std::string* why) = 0;
  // The bearer token of mutating calls; empty = none configured (all refused).
  virtual std::string AdminToken() = 0;
  virtual std::string Version() = 0;
};

}  // namespace sieve
