#include "daemon/sievectl/budgeted_select.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/schema_loader.h"
#include "config/units.h"
#include "core/budgeted_run.h"
#include "core/clock.h"
#include "core/structured_data.h"
#include "daemon/sievectl/commands.h"

namespace sieve::cli {

void AddBudgetedSelectFlags(CLI::App* cmd, BudgetedSelectFlags* f) {
  cmd->add_option("--schema", f->schema,
                  "Feature schema YAML: kinds, buckets, embedding sizes, costs, constraints");
  cmd->add_option("--budget", f->budgets,
                  "Budget per resource, e.g. latency_us=300 or memory_bytes=64MiB (repeatable)");
  cmd->add_option("--cost-exponent", f->cost_exponent,
                  "Weight of cost in the pick order; 0 = cost-blind (budgets still hold)")
      ->capture_default_str();
  cmd->add_flag("--embedding-search", f->embedding_search,
                "Size the selected embeddings within the memory_bytes budget (SequentialAttention++)");
  cmd->add_flag("--cross-search", f->cross_search, "Add hashed crosses of categorical features");
  cmd->add_option("--max-crosses", f->max_crosses, "Crosses added at most by --cross-search")
      ->capture_default_str();
  cmd->add_option("--prune-hidden", f->prune_hidden,
                  "Prune hidden units of the final model to this many multiply-adds per sample");
}

bool BudgetedSelectRequested(const BudgetedSelectFlags& f) {
  return !f.schema.empty() || !f.budgets.empty() || f.cost_exponent != 1.0 || f.embedding_search ||
         f.cross_search || f.prune_hidden > 0;
}

Result<std::pair<std::string, double>> ParseBudgetFlag(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Err(Status::InvalidArgument("--budget: expected resource=amount, got '" + std::string(text) + "'"));
  }
  const std::string resource(text.substr(0, eq));
  const std::string amount(text.substr(eq + 1));
  const bool bytes = resource.size() > 6 && resource.ends_with("_bytes");
  if (bytes) {
    auto v = ParseByteSize(amount);
    if (!v) return Err(v.error().WithContext("--budget " + resource));
    return std::make_pair(resource, static_cast<double>(*v));
  }
  auto v = ParseNonNegativeNumber(amount);
  if (!v) {
    return Err(Status::InvalidArgument("--budget " + resource + ": expected a non-negative number, got '" +
                                       amount + "'"));
  }
  return std::make_pair(resource, *v);
}

namespace {

nlohmann::json ReportJson(const BudgetedSelectFlags& f, const SelectBasics& b, const BudgetedReport& r) {
  nlohmann::json j;
  j["input"] = b.input;
  j["label"] = b.label;
  j["algorithm"] = "sequential_attention (budget-aware)";
  nlohmann::json names = nlohmann::json::array(), features = nlohmann::json::array();
  for (const BudgetedFeature& x : r.features) {
    names.push_back(x.name);
    nlohmann::json fj = {{"rank", x.rank},
                         {"name", x.name},
                         {"kind", FeatureKindName(x.kind)},
                         {"attention", x.attention},
                         {"costs", x.costs},
                         {"embedding_size", x.embedding_size}};
    if (!x.components.empty()) fj["components"] = x.components;
    features.push_back(fj);
  }
  j["selected"] = names;
  j["features"] = features;
  nlohmann::json budgets = nlohmann::json::object();
  for (const auto& [resource, use] : r.budgets) budgets[resource] = {{"declared", use.declared}, {"used", use.used}};
  j["budgets"] = budgets;
  j["stop_reason"] = r.stop_reason;
  j["metrics"]["validation"] = {{"loss", r.validation.loss}};
  if (r.validation.task == Task::kRegression) {
    j["metrics"]["validation"]["r2"] = r.validation.r2;
  } else {
    j["metrics"]["validation"]["accuracy"] = r.validation.accuracy;
  }
  if (r.hidden_pruning) {
    const HiddenPruningResult& h = *r.hidden_pruning;
    j["hidden_pruning"] = {{"dense", {{"parameters", h.dense_parameters},
                                      {"macs_per_sample", h.dense_macs_per_sample},
                                      {"validation_accuracy", h.dense.accuracy},
                                      {"validation_loss", h.dense.loss}}},
                           {"pruned", {{"parameters", h.pruned_parameters},
                                       {"macs_per_sample", h.pruned_macs_per_sample},
                                       {"kept_units", h.kept_units.size()},
                                       {"validation_accuracy", h.pruned.accuracy},
                                       {"validation_loss", h.pruned.loss}}}};
  }
  j["timings"] = {{"select_seconds", r.select_seconds}, {"final_fit_seconds", r.final_fit_seconds}};
  j["options"] = {{"k", b.k},
                  {"seed", b.seed},
                  {"threads", b.threads},
                  {"hidden", b.hidden},
                  {"attention_learning_rate", b.attention_learning_rate},
                  {"final_candidate_attention", b.final_candidate_attention},
                  {"schema", f.schema},
                  {"budget_flags", f.budgets},
                  {"cost_exponent", f.cost_exponent},
                  {"embedding_search", f.embedding_search},
                  {"cross_search", f.cross_search},
                  {"max_crosses", f.max_crosses},
                  {"prune_hidden", f.prune_hidden},
                  {"validation_fraction", b.validation_fraction},
                  {"split", b.split},
                  {"training_steps", r.training_steps}};
  return j;
}

void PrintReport(const BudgetedReport& r) {
  size_t width = 7;
  for (const auto& f : r.features) width = std::max(width, f.name.size());
  std::printf("%4s  %-*s  %-11s  %9s  %9s  %s\n", "rank", static_cast<int>(width), "feature", "kind",
              "attention", "embedding", "costs");
  for (const auto& f : r.features) {
    std::string costs;
    for (const auto& [resource, c] : f.costs) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s%s=%.6g", costs.empty() ? "" : " ", resource.c_str(), c);
      costs += buf;
    }
    std::printf("%4d  %-*s  %-11s  %9.4f  %9s  %s\n", f.rank, static_cast<int>(width), f.name.c_str(),
                std::string(FeatureKindName(f.kind)).c_str(), f.attention,
                f.embedding_size > 0 ? std::to_string(f.embedding_size).c_str() : "-", costs.c_str());
  }
  std::printf("\nbudget use:\n");
  for (const auto& [resource, use] : r.budgets) {
    std::printf("  %-14s %.6g / %.6g\n", resource.c_str(), use.used, use.declared);
  }
  std::printf("stopped: %s\n", r.stop_reason.c_str());
  if (r.validation.task == Task::kRegression) {
    std::printf("validation r2 %.4f, rmse %.4f", r.validation.r2, r.validation.rmse);
  } else {
    std::printf("validation accuracy %.4f, log-loss %.4f", r.validation.accuracy, r.validation.loss);
  }
  std::printf(" (%zu train / %zu validation rows)\n", r.train_rows, r.validation_rows);
  if (r.hidden_pruning) {
    const HiddenPruningResult& h = *r.hidden_pruning;
    std::printf("hidden units: dense %.0f MACs/sample, %.0f parameters, accuracy %.4f; pruned to %zu units: "
                "%.0f MACs/sample, %.0f parameters, accuracy %.4f\n",
                h.dense_macs_per_sample, h.dense_parameters, h.dense.accuracy, h.kept_units.size(),
                h.pruned_macs_per_sample, h.pruned_parameters, h.pruned.accuracy);
  }
  std::printf("selection %.2f s, final fit %.2f s\n", r.select_seconds, r.final_fit_seconds);
}

}  // namespace

int RunBudgetedSelect(const BudgetedSelectFlags& f, const SelectBasics& b, const Dataset& data) {
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "sievectl select: %s\n", s.message().c_str());
    return kExitFailure;
  };
  SchemaFile schema;
  if (!f.schema.empty()) {
    auto loaded = LoadSchemaFile(f.schema);
    if (!loaded) return fail(loaded.error());
    schema = std::move(*loaded);
  }
  for (const std::string& text : f.budgets) {
    auto budget = ParseBudgetFlag(text);
    if (!budget) return fail(budget.error());
    schema.constraints.budgets[budget->first] = budget->second;
  }
  auto units = StructuredFromDataset(data, schema.schema);
  if (!units) return fail(units.error().WithContext(f.schema.empty() ? b.input : f.schema));
  BudgetedRunOptions o;
  o.selection.k = b.k;
  o.selection.seed = b.seed;
  o.selection.threads = b.threads;
  o.selection.hidden = b.hidden;
  o.selection.steps_per_round = b.steps_per_round;
  o.selection.cost_exponent = f.cost_exponent;
  o.selection.attention_learning_rate = b.attention_learning_rate;
  o.selection.final_candidate_attention = b.final_candidate_attention;
  if (b.validation_fraction == 0.0) {
    return fail(Status::InvalidArgument(
        "--validation-fraction 0 cannot be used with --schema or --budget: embedding sizes, "
        "crosses and pruning are chosen on the validation rows"));
  }
  o.validation_fraction = b.validation_fraction;
  auto split = ParseSplitMode(b.split);
  if (!split) return fail(split.error().WithContext("--split"));
  o.split = *split;
  o.embedding_search = f.embedding_search;
  o.cross_search = f.cross_search;
  o.max_crosses = f.max_crosses;
  o.prune_hidden_macs = f.prune_hidden;
  if (Status s = ValidateBudgetedSelectionOptions(o.selection, units->units.size()); !s.ok()) return fail(s);
  auto report = RunBudgetedSelection(*units, schema.constraints, o, SystemClock::Instance());
  if (!report) return fail(report.error());
  PrintReport(*report);
  if (!b.output.empty()) {
    std::ofstream out(b.output);
    out << ReportJson(f, b, *report).dump(2) << "\n";
    out.close();
    if (!out) return fail(Status::IoError("cannot write '" + b.output + "'"));
  }
  return kExitOk;
}

}  // namespace sieve::cli
