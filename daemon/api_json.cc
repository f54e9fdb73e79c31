#include "daemon/api_json.h"

#include "connectors/store/version_json.h"

namespace sieve {

using nlohmann::json;

json VersionJson(const FeatureSetVersion& version) {
  json j = json::parse(EncodeVersionJson(version), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return json{{"pipeline", version.pipeline}, {"version", version.version}};
  return j;
}

json DiffJson(const FeatureSetDiff& diff) {
  json changed = json::array();
  for (const auto& c : diff.changed) {
    changed.push_back({{"name", c.name},
                       {"from_rank", c.from_rank},
                       {"to_rank", c.to_rank},
                       {"from_weight", c.from_weight},
                       {"to_weight", c.to_weight}});
  }
  auto deltas = [](const std::map<std::string, Delta>& m) {
    json out = json::object();
    for (const auto& [k, d] : m) out[k] = {{"from", d.from}, {"to", d.to}, {"change", d.change()}};
    return out;
  };
  return {{"pipeline", diff.pipeline},     {"from_version", diff.from_version},
          {"to_version", diff.to_version}, {"added", diff.added},
          {"removed", diff.removed},       {"changed", changed},
          {"cost", deltas(diff.cost)},     {"budget_use", deltas(diff.budget_use)},
          {"jaccard", diff.jaccard}};
}

json OperationJson(const Operation& op) {
  json j = {{"id", op.id},
            {"pipeline", op.pipeline},
            {"state", std::string(OperationStateName(op.state))},
            {"created_at_unix_ms", op.created_at_unix_ms},
            {"url", "/v1/operations/" + op.id}};
  if (op.version != 0) j["version"] = op.version;
  if (!op.decision.empty()) j["decision"] = op.decision;
  if (!op.error.empty()) j["error"] = op.error;
  return j;
}

json OffsetsJson(const std::vector<PartitionOffset>& offsets) {
  json out = json::array();
  for (const auto& p : offsets) {
    out.push_back({{"topic", p.topic}, {"partition", p.partition}, {"next_offset", p.next_offset}});
  }
  return out;
}

json PipelineJson(const PipelineStatus& s, const Aliases& aliases, uint64_t latest_version) {
  json j = {{"name", s.name},
            {"topic", s.topic},
            {"paused", s.paused},
            {"pause_reason", s.pause_reason},
            {"training", s.training},
            {"assigned", s.assigned},
            {"window_rows", s.window_rows},
            {"window_capacity", s.window_capacity},
            {"records_ingested", s.records_ingested},
            {"records_skipped_as_duplicates", s.records_skipped},
            {"consumer_lag", s.consumer_lag},
            {"records_consumed", s.records_consumed},
            {"records_dead_lettered", s.records_dead_lettered},
            {"consecutive_failures", s.consecutive_failures},
            {"last_psi", s.last_psi},
            {"offsets", OffsetsJson(s.offsets)},
            {"latest_version", latest_version},
            {"active_version", aliases.active.value_or(0)},
            {"candidate_version", aliases.candidate.value_or(0)},
            {"last_error", s.last_error}};
  if (s.last_training.has_value()) {
    const TrainingRecord& t = *s.last_training;
    j["last_training"] = {{"trigger", t.trigger},
                          {"reason", t.trigger_reason},
                          {"started_at_unix_ms", t.started_at_unix_ms},
                          {"seconds", t.seconds},
                          {"ok", t.ok},
                          {"error", t.error},
                          {"version", t.version}};
  } else {
    j["last_training"] = nullptr;
  }
  return j;
}

}  // namespace sieve
