#include "connectors/store/version_json.h"

#include <limits>
#include <nlohmann/json.hpp>

namespace sieve {
namespace {

using json = nlohmann::json;

Status Bad(const std::string& field, std::string_view problem) {
  return Status::Corruption("field \"" + field + "\": " + std::string(problem));
}

// Typed field readers. Each names the full field path in its error.
Result<const json*> Field(const json& obj, const std::string& path, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return Err(Bad(path + key, "missing"));
  return &*it;
}

Result<std::string> GetString(const json& obj, const std::string& path, const char* key) {
  SIEVE_ASSIGN_OR_RETURN(const json* v, Field(obj, path, key));
  if (!v->is_string()) return Err(Bad(path + key, "not a string"));
  return v->get<std::string>();
}

Result<double> GetNumber(const json& v, const std::string& field) {
  if (!v.is_number()) return Err(Bad(field, "not a number"));
  return v.get<double>();
}

Result<double> GetNumber(const json& obj, const std::string& path, const char* key) {
  SIEVE_ASSIGN_OR_RETURN(const json* v, Field(obj, path, key));
  return GetNumber(*v, path + key);
}

Result<uint64_t> GetUnsigned(const json& obj, const std::string& path, const char* key) {
  SIEVE_ASSIGN_OR_RETURN(const json* v, Field(obj, path, key));
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0)) {
    return Err(Bad(path + key, "not a non-negative integer"));
  }
  return v->get<uint64_t>();
}

Result<int64_t> GetInt(const json& obj, const std::string& path, const char* key, int64_t lo,
                       int64_t hi) {
  SIEVE_ASSIGN_OR_RETURN(const json* v, Field(obj, path, key));
  if (!v->is_number_integer()) return Err(Bad(path + key, "not an integer"));
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(hi)) {
    return Err(Bad(path + key, "out of range"));
  }
  int64_t x = v->get<int64_t>();
  if (x < lo || x > hi) return Err(Bad(path + key, "out of range"));
  return x;
}

Result<const json*> GetObject(const json& obj, const std::string& path, const char* key) {
  SIEVE_ASSIGN_OR_RETURN(const json* v, Field(obj, path, key));
  if (!v->is_object()) return Err(Bad(path + key, "not an object"));
  return v;
}

Result<const json*> GetArray(const json& obj, const std::string& path, const char* key) {
  SIEVE_ASSIGN_OR_RETURN(const json* v, Field(obj, path, key));
  if (!v->is_array()) return Err(Bad(path + key, "not an array"));
  return v;
}

Result<std::map<std::string, double>> GetNumberMap(const json& obj, const std::string& path,
                                                   const char* key) {
  SIEVE_ASSIGN_OR_RETURN(const json* m, GetObject(obj, path, key));
  std::map<std::string, double> out;
  for (auto it = m->begin(); it != m->end(); ++it) {
    SIEVE_ASSIGN_OR_RETURN(out[it.key()], GetNumber(it.value(), path + key + "." + it.key()));
  }
  return out;
}

bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

Status CheckText(const std::string& field, std::string_view s) {
  if (IsUtf8(s)) return Status::Ok();
  return Status::InvalidArgument(field + ": not valid UTF-8");
}

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

}  // namespace

Status ValidateVersionText(const FeatureSetVersion& v) {
  SIEVE_RETURN_IF_ERROR(CheckText("pipeline", v.pipeline));
  SIEVE_RETURN_IF_ERROR(CheckText("reason", v.reason));
  SIEVE_RETURN_IF_ERROR(CheckText("algorithm", v.algorithm));
  SIEVE_RETURN_IF_ERROR(CheckText("config_hash", v.config_hash));
  for (const auto& [k, val] : v.hyperparameters) {
    SIEVE_RETURN_IF_ERROR(CheckText("hyperparameters (a key)", k));
    SIEVE_RETURN_IF_ERROR(CheckText("hyperparameters." + k, val));
  }
  for (size_t i = 0; i < v.window_offsets.size(); ++i) {
    SIEVE_RETURN_IF_ERROR(
        CheckText("window_offsets[" + std::to_string(i) + "].topic", v.window_offsets[i].topic));
  }
  for (size_t i = 0; i < v.features.size(); ++i) {
    const std::string field = "features[" + std::to_string(i) + "]";
    SIEVE_RETURN_IF_ERROR(CheckText(field + ".name", v.features[i].name));
    for (const auto& [k, c] : v.features[i].costs) {
      SIEVE_RETURN_IF_ERROR(CheckText(field + ".costs (a resource name)", k));
    }
  }
  for (const auto& [k, b] : v.budgets)
    SIEVE_RETURN_IF_ERROR(CheckText("budgets (a resource name)", k));
  for (const auto& [k, m] : v.validation_metrics) {
    SIEVE_RETURN_IF_ERROR(CheckText("validation_metrics (a metric name)", k));
  }
  return Status::Ok();
}

Status ValidatePipelineStateText(const PipelineState& state) {
  return CheckText("reason", state.reason);
}

std::string EncodeVersionJson(const FeatureSetVersion& v) {
  json j;
  j["schema_version"] = kVersionSchema;
  j["pipeline"] = v.pipeline;
  j["version"] = v.version;
  j["parent"] = v.parent;
  j["created_at_unix_ms"] = v.created_at_unix_ms;
  j["state"] = FeatureSetStateName(v.state);
  j["reason"] = v.reason;
  j["algorithm"] = v.algorithm;
  j["hyperparameters"] = json::object();
  for (const auto& [k, val] : v.hyperparameters) j["hyperparameters"][k] = val;
  j["seed"] = v.seed;
  j["config_hash"] = v.config_hash;
  j["window_offsets"] = json::array();
  for (const PartitionOffset& o : v.window_offsets) {
    j["window_offsets"].push_back(
        {{"topic", o.topic}, {"partition", o.partition}, {"next_offset", o.next_offset}});
  }
  j["features"] = json::array();
  for (const SelectedFeature& f : v.features) {
    json costs = json::object();
    for (const auto& [k, c] : f.costs) costs[k] = c;
    j["features"].push_back({{"name", f.name},
                             {"kind", FeatureKindName(f.kind)},
                             {"rank", f.rank},
                             {"attention_weight", f.attention_weight},
                             {"costs", std::move(costs)},
                             {"embedding_size", f.embedding_size}});
  }
  j["budgets"] = json::object();
  for (const auto& [k, b] : v.budgets)
    j["budgets"][k] = {{"declared", b.declared}, {"used", b.used}};
  j["validation_metrics"] = json::object();
  for (const auto& [k, m] : v.validation_metrics) j["validation_metrics"][k] = m;
  j["jaccard_to_previous_active"] = v.jaccard_to_previous_active.has_value()
                                        ? json(*v.jaccard_to_previous_active)
                                        : json(nullptr);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

struct StoredRecord {
  json j;
  uint64_t schema_version = 0;
};

// Parses a stored record: a JSON object whose schema_version this build can read.
Result<StoredRecord> ParseStoredRecord(std::string_view bytes) {
  StoredRecord r;
  r.j = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (r.j.is_discarded()) return Err(Status::Corruption("not valid JSON"));
  if (!r.j.is_object()) return Err(Status::Corruption("not a JSON object"));
  SIEVE_ASSIGN_OR_RETURN(r.schema_version, GetUnsigned(r.j, "", "schema_version"));
  if (r.schema_version > static_cast<uint64_t>(kVersionSchema)) {
    return Err(Status::FailedPrecondition("written by a newer schema_version " +
                                          std::to_string(r.schema_version) +
                                          " (this build reads up to " +
                                          std::to_string(kVersionSchema) +
                                          "); upgrade sieve to read it"));
  }
  return r;
}

}  // namespace

Result<FeatureSetVersion> DecodeVersionJson(std::string_view bytes) {
  SIEVE_ASSIGN_OR_RETURN(StoredRecord record, ParseStoredRecord(bytes));
  const json& j = record.j;
  const uint64_t schema = record.schema_version;
  const std::string top;
  if (schema == 0) return Err(Bad("schema_version", "0 is not a valid schema version"));

  FeatureSetVersion v;
  SIEVE_ASSIGN_OR_RETURN(v.pipeline, GetString(j, top, "pipeline"));
  SIEVE_ASSIGN_OR_RETURN(v.version, GetUnsigned(j, top, "version"));
  SIEVE_ASSIGN_OR_RETURN(v.parent, GetUnsigned(j, top, "parent"));
  SIEVE_ASSIGN_OR_RETURN(v.created_at_unix_ms,
                         GetInt(j, top, "created_at_unix_ms", kInt64Min, kInt64Max));
  SIEVE_ASSIGN_OR_RETURN(std::string state, GetString(j, top, "state"));
  auto parsed_state = ParseFeatureSetState(state);
  if (!parsed_state) return Err(Bad("state", parsed_state.error().message()));
  v.state = *parsed_state;
  SIEVE_ASSIGN_OR_RETURN(v.reason, GetString(j, top, "reason"));
  SIEVE_ASSIGN_OR_RETURN(v.algorithm, GetString(j, top, "algorithm"));
  SIEVE_ASSIGN_OR_RETURN(const json* hp, GetObject(j, top, "hyperparameters"));
  for (auto it = hp->begin(); it != hp->end(); ++it) {
    if (!it.value().is_string()) return Err(Bad("hyperparameters." + it.key(), "not a string"));
    v.hyperparameters[it.key()] = it.value().get<std::string>();
  }
  SIEVE_ASSIGN_OR_RETURN(v.seed, GetUnsigned(j, top, "seed"));
  SIEVE_ASSIGN_OR_RETURN(v.config_hash, GetString(j, top, "config_hash"));

  SIEVE_ASSIGN_OR_RETURN(const json* offsets, GetArray(j, top, "window_offsets"));
  for (size_t i = 0; i < offsets->size(); ++i) {
    const json& o = (*offsets)[i];
    const std::string path = "window_offsets[" + std::to_string(i) + "].";
    if (!o.is_object()) return Err(Bad(path.substr(0, path.size() - 1), "not an object"));
    PartitionOffset po;
    SIEVE_ASSIGN_OR_RETURN(po.topic, GetString(o, path, "topic"));
    SIEVE_ASSIGN_OR_RETURN(int64_t partition, GetInt(o, path, "partition", kInt32Min, kInt32Max));
    po.partition = static_cast<int32_t>(partition);
    SIEVE_ASSIGN_OR_RETURN(po.next_offset, GetInt(o, path, "next_offset", kInt64Min, kInt64Max));
    v.window_offsets.push_back(std::move(po));
  }

  SIEVE_ASSIGN_OR_RETURN(const json* features, GetArray(j, top, "features"));
  for (size_t i = 0; i < features->size(); ++i) {
    const json& f = (*features)[i];
    const std::string path = "features[" + std::to_string(i) + "].";
    if (!f.is_object()) return Err(Bad(path.substr(0, path.size() - 1), "not an object"));
    SelectedFeature sf;
    SIEVE_ASSIGN_OR_RETURN(sf.name, GetString(f, path, "name"));
    SIEVE_ASSIGN_OR_RETURN(std::string kind, GetString(f, path, "kind"));
    auto parsed_kind = ParseFeatureKind(kind);
    if (!parsed_kind) return Err(Bad(path + "kind", parsed_kind.error().message()));
    sf.kind = *parsed_kind;
    SIEVE_ASSIGN_OR_RETURN(int64_t rank, GetInt(f, path, "rank", kInt32Min, kInt32Max));
    sf.rank = static_cast<int32_t>(rank);
    SIEVE_ASSIGN_OR_RETURN(sf.attention_weight, GetNumber(f, path, "attention_weight"));
    SIEVE_ASSIGN_OR_RETURN(sf.costs, GetNumberMap(f, path, "costs"));
    SIEVE_ASSIGN_OR_RETURN(int64_t emb, GetInt(f, path, "embedding_size", kInt32Min, kInt32Max));
    sf.embedding_size = static_cast<int32_t>(emb);
    v.features.push_back(std::move(sf));
  }

  SIEVE_ASSIGN_OR_RETURN(const json* budgets, GetObject(j, top, "budgets"));
  for (auto it = budgets->begin(); it != budgets->end(); ++it) {
    const std::string path = "budgets." + it.key() + ".";
    if (!it.value().is_object()) return Err(Bad("budgets." + it.key(), "not an object"));
    BudgetUse b;
    SIEVE_ASSIGN_OR_RETURN(b.declared, GetNumber(it.value(), path, "declared"));
    SIEVE_ASSIGN_OR_RETURN(b.used, GetNumber(it.value(), path, "used"));
    v.budgets[it.key()] = b;
  }
  SIEVE_ASSIGN_OR_RETURN(v.validation_metrics, GetNumberMap(j, top, "validation_metrics"));
  SIEVE_ASSIGN_OR_RETURN(const json* jac, Field(j, top, "jaccard_to_previous_active"));
  if (!jac->is_null()) {
    SIEVE_ASSIGN_OR_RETURN(double jv, GetNumber(*jac, "jaccard_to_previous_active"));
    v.jaccard_to_previous_active = jv;
  }
  return v;
}

std::string EncodePipelineStateJson(const PipelineState& state) {
  json j;
  j["schema_version"] = kVersionSchema;
  j["paused"] = state.paused;
  j["reason"] = state.reason;
  j["updated_at_unix_ms"] = state.updated_at_unix_ms;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<PipelineState> DecodePipelineStateJson(std::string_view bytes) {
  SIEVE_ASSIGN_OR_RETURN(StoredRecord record, ParseStoredRecord(bytes));
  const json& j = record.j;
  const std::string top;
  PipelineState state;
  SIEVE_ASSIGN_OR_RETURN(const json* paused, Field(j, top, "paused"));
  if (!paused->is_boolean()) return Err(Bad("paused", "not a boolean"));
  state.paused = paused->get<bool>();
  SIEVE_ASSIGN_OR_RETURN(state.reason, GetString(j, top, "reason"));
  SIEVE_ASSIGN_OR_RETURN(state.updated_at_unix_ms,
                         GetInt(j, top, "updated_at_unix_ms", kInt64Min, kInt64Max));
  return state;
}

}  // namespace sieve
