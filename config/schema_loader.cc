#include "config/schema_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/yaml_reader.h"

namespace sieve {
namespace {

using config_internal::Index;
using config_internal::IntValue;
using config_internal::MapReader;
using config_internal::ParseContext;
using config_internal::Quote;
using config_internal::ReadResourceMap;
using config_internal::StringValue;

void ReadFeature(ParseContext& ctx, const YAML::Node& node, const std::string& path, FeatureSpec* f) {
  ctx.Remember(path, node.Mark());
  MapReader m(ctx, node, path, {"name", "kind", "buckets", "embedding_dim", "costs"});
  if (!m.is_map()) return;
  if (node.IsNull()) {
    ctx.Error(path, "expected a map with a name");
    return;
  }
  m.Require("name", &f->name, StringValue());
  std::string kind = "numeric";
  if (m.Read("kind", &kind, StringValue())) {
    if (kind == "numeric") {
      f->kind = FeatureKind::kNumeric;
    } else if (kind == "categorical") {
      f->kind = FeatureKind::kCategorical;
    } else {
      ctx.Error(m.Child("kind"), "must be one of numeric, categorical, got " + Quote(kind));
    }
  }
  for (std::string_view key : {"buckets", "embedding_dim"}) {
    if (m.Get(key) != nullptr && f->kind != FeatureKind::kCategorical) {
      ctx.Error(m.Child(key), "applies only to categorical features (set kind: categorical)");
    }
  }
  m.Read("buckets", &f->buckets, IntValue(1, int64_t{1} << 31));
  int64_t dim = f->embedding_dim;
  if (m.Read("embedding_dim", &dim, IntValue(1, 4096))) f->embedding_dim = static_cast<int>(dim);
  if (const YAML::Node* costs = m.Get("costs")) ReadResourceMap(ctx, *costs, m.Child("costs"), &f->costs);
}

void ReadRoot(ParseContext& ctx, const YAML::Node& root, SchemaFile* out) {
  MapReader m(ctx, root, "", {"defaults", "features", "constraints"});
  if (!m.is_map()) return;
  if (const YAML::Node* d = m.Get("defaults")) {
    MapReader dm(ctx, *d, "defaults", {"costs"});
    if (const YAML::Node* costs = dm.Get("costs")) {
      ReadResourceMap(ctx, *costs, "defaults.costs", &out->schema.default_costs);
    }
  }
  if (const YAML::Node* features = m.Get("features")) {
    if (!features->IsSequence() && !features->IsNull()) {
      ctx.Error("features", "expected a list of features, got " + config_internal::Describe(*features));
    } else {
      for (size_t i = 0; i < features->size(); ++i) {
        const std::string path = Index("features", i);
        FeatureSpec spec;
        ReadFeature(ctx, (*features)[i], path, &spec);
        for (const FeatureSpec& prior : out->schema.features) {
          if (!spec.name.empty() && prior.name == spec.name) {
            ctx.Error(path + ".name", "feature " + Quote(spec.name) + " is listed twice");
          }
        }
        out->schema.features.push_back(std::move(spec));
      }
    }
  }
  if (const YAML::Node* c = m.Get("constraints")) {
    MapReader cm(ctx, *c, "constraints", {"max_features", "budgets", "must_include", "exclude"});
    int64_t max_features = 0;
    if (cm.Read("max_features", &max_features, IntValue(0, 1 << 30))) {
      out->constraints.max_features = static_cast<int>(max_features);
    }
    if (const YAML::Node* b = cm.Get("budgets")) {
      ReadResourceMap(ctx, *b, "constraints.budgets", &out->constraints.budgets);
    }
    if (const YAML::Node* inc = cm.Get("must_include")) {
      config_internal::ReadStringList(ctx, *inc, "constraints.must_include", &out->constraints.must_include);
    }
    if (const YAML::Node* exc = cm.Get("exclude")) {
      config_internal::ReadStringList(ctx, *exc, "constraints.exclude", &out->constraints.exclude);
    }
    const auto& must = out->constraints.must_include;
    const auto& excl = out->constraints.exclude;
    for (size_t i = 0; i < must.size(); ++i) {
      if (std::find(excl.begin(), excl.end(), must[i]) != excl.end()) {
        ctx.Error(Index("constraints.must_include", i), Quote(must[i]) + " is also listed in constraints.exclude");
      }
    }
  }
}

}  // namespace

Result<SchemaFile> ParseSchemaFile(std::string_view text, std::string_view source_name) {
  ParseContext ctx{std::string(source_name)};
  SchemaFile out;
  try {
    ReadRoot(ctx, YAML::Load(std::string(text)), &out);
  } catch (const YAML::Exception& e) {
    ctx.ErrorAt(e.mark, "", "YAML error: " + e.msg);
  }
  if (!ctx.ok()) return Err(ctx.ToStatus());
  return out;
}

Result<SchemaFile> LoadSchemaFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Err(Status::IoError("cannot read schema " + path.string() + ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string message = "cannot read schema " + path.string() + ": " + std::strerror(err);
    if (err == ENOENT) return Err(Status::NotFound(message));
    return Err(Status::IoError(message));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseSchemaFile(text.str(), path.string());
}

}  // namespace sieve
