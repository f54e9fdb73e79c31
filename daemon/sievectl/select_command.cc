// `sievectl select`: offline feature selection on a CSV table.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "config/schema_loader.h"
#include "connectors/files/csv_table.h"
#include "core/clock.h"
#include "core/selection_run.h"
#include "daemon/sievectl/budgeted_select.h"
#include "daemon/sievectl/commands.h"

namespace sieve::cli {
namespace {

struct SelectFlags {
  std::string input;
  std::string label;
  int k = 0;
  std::string algorithm = "sequential_attention";
  std::string task = "auto";
  std::string split = "stratified";
  uint64_t seed = 0;
  int threads = 1;  // 0 = every core
  double validation_fraction = 0.2;
  std::string output;
  int steps_per_round = 0;
  int features_per_round = 1;
  std::vector<int> hidden = {128};
  float l2 = -1.0f;
  float attention_learning_rate = 0.05f;
  float final_candidate_attention = 0.0f;
  bool quiet = false;
  BudgetedSelectFlags budget;  // --schema, --budget, ... (budgeted_select.h)
};

// Prints a progress line on stderr once a run has taken more than a few seconds.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(const Clock& clock, bool quiet)
      : clock_(clock), start_(clock.MonotonicMicros()), quiet_(quiet), tty_(isatty(STDERR_FILENO)) {}

  void operator()(const SelectionProgress& p) {
    const double elapsed = (clock_.MonotonicMicros() - start_) / 1e6;
    if (quiet_ || elapsed < 3.0 || (elapsed - last_ < 1.0 && p.selected < p.target)) return;
    last_ = elapsed;
    std::fprintf(stderr, "%sselecting: %d/%d features, %.1f s%s", tty_ ? "\r" : "", p.selected,
                 p.target, elapsed, tty_ && p.selected < p.target ? "" : "\n");
    std::fflush(stderr);
  }

 private:
  const Clock& clock_;
  int64_t start_;
  bool quiet_;
  bool tty_;
  double last_ = -1;
};

Result<SelectionRunOptions> BuildOptions(const SelectFlags& f, const Dataset& data) {
  SelectionRunOptions o;
  SIEVE_ASSIGN_OR_RETURN(o.selector.algorithm, ParseAlgorithm(f.algorithm));
  SIEVE_ASSIGN_OR_RETURN(o.split, ParseSplitMode(f.split));
  o.selector.k = f.k;
  o.selector.seed = f.seed;
  o.selector.threads = f.threads > 0 ? f.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.selector.steps_per_round = f.steps_per_round;
  o.selector.features_per_round = f.features_per_round;
  o.selector.hidden = f.hidden;
  o.selector.l2 = f.l2;
  o.selector.attention_learning_rate = f.attention_learning_rate;
  o.selector.final_candidate_attention = f.final_candidate_attention;
  o.validation_fraction = f.validation_fraction;
  SIEVE_RETURN_IF_ERROR(ValidateSelectorOptions(o.selector, data.cols).WithContext("--k / options"));
  return o;
}

nlohmann::json MetricsJson(const Metrics& m) {
  nlohmann::json j;
  j["loss"] = m.loss;
  if (m.task == Task::kRegression) {
    j["r2"] = m.r2;
    j["rmse"] = m.rmse;
  } else {
    j["accuracy"] = m.accuracy;
  }
  return j;
}

nlohmann::json ReportJson(const SelectFlags& f, const SelectionRunOptions& o, const CsvTable& table,
                          const SelectionReport& r, double wall_seconds) {
  nlohmann::json j;
  j["input"] = f.input;
  j["label"] = f.label;
  j["task"] = TaskName(table.data.task);
  j["algorithm"] = r.algorithm;
  j["k"] = o.selector.k;
  nlohmann::json names = nlohmann::json::array(), features = nlohmann::json::array();
  for (const auto& feat : r.features) {
    names.push_back(feat.name);
    features.push_back({{"rank", feat.rank}, {"name", feat.name}, {"column", feat.index}, {"weight", feat.weight}});
  }
  j["selected"] = names;
  j["features"] = features;
  j["metrics"] = {{"validation", r.validation_rows > 0 ? MetricsJson(r.validation) : nlohmann::json()}};
  j["data"] = {{"rows", table.data.rows},
               {"features", table.data.cols},
               {"train_rows", r.train_rows},
               {"validation_rows", r.validation_rows},
               {"missing_cells", table.missing_cells},
               {"imputed_cells", r.imputed_cells}};
  if (table.data.task == Task::kClassification) j["data"]["classes"] = table.data.class_names;
  j["timings"] = {{"select_seconds", r.select_seconds},
                  {"final_fit_seconds", r.final_fit_seconds},
                  {"wall_seconds", wall_seconds}};
  const SelectorOptions& s = o.selector;
  j["options"] = {{"algorithm", AlgorithmName(s.algorithm)},
                  {"k", s.k},
                  {"seed", s.seed},
                  {"threads", s.threads},
                  {"hidden", s.hidden},
                  {"batch_size", s.batch_size},
                  {"learning_rate", s.learning_rate},
                  {"attention_learning_rate", s.attention_learning_rate},
                  {"final_candidate_attention", s.final_candidate_attention},
                  {"l2", s.l2},
                  {"steps_per_round", s.steps_per_round},
                  {"warmup_fraction", s.warmup_fraction},
                  {"features_per_round", s.features_per_round},
                  {"validation_fraction", o.validation_fraction},
                  {"split", SplitModeName(o.split)},
                  {"training_steps", r.training_steps},
                  {"final_fit_steps", r.final_fit_steps}};
  return j;
}

void PrintTable(const SelectionReport& r, const CsvTable& table, double wall_seconds) {
  size_t width = 7;
  for (const auto& f : r.features) width = std::max(width, f.name.size());
  std::printf("%4s  %-*s  %s\n", "rank", static_cast<int>(width), "feature", "weight");
  for (const auto& f : r.features) {
    std::printf("%4d  %-*s  %.4f\n", f.rank, static_cast<int>(width), f.name.c_str(), f.weight);
  }
  std::printf("\n");
  if (r.validation_rows == 0) {
    std::printf("no validation score: selected on all %zu rows (--validation-fraction 0", r.train_rows);
  } else {
    if (r.validation.task == Task::kRegression) {
      std::printf("validation r2 %.4f, rmse %.4f", r.validation.r2, r.validation.rmse);
    } else {
      std::printf("validation accuracy %.4f, log-loss %.4f", r.validation.accuracy, r.validation.loss);
    }
    std::printf(" (%zu train / %zu validation rows", r.train_rows, r.validation_rows);
  }
  if (table.missing_cells > 0) std::printf(", %zu missing cells imputed", table.missing_cells);
  std::printf(")\n");
  std::printf("%s: %zu of %zu features in %.2f s (selection %.2f s, final fit %.2f s)\n",
              r.algorithm.c_str(), r.features.size(), table.data.cols, wall_seconds, r.select_seconds,
              r.final_fit_seconds);
}

int RunSelect(const SelectFlags& f) {
  const Clock& clock = SystemClock::Instance();
  const int64_t start = clock.MonotonicMicros();
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "sievectl select: %s\n", s.message().c_str());
    return kExitFailure;
  };
  auto task = ParseTask(f.task);
  if (!task) return fail(task.error().WithContext("--task"));
  std::set<std::string> categoricals;
  if (!f.budget.schema.empty()) {
    auto schema = LoadSchemaFile(f.budget.schema);
    if (!schema) return fail(schema.error());
    for (const FeatureSpec& spec : schema->schema.features) {
      if (spec.kind == FeatureKind::kCategorical) categoricals.insert(spec.name);
    }
  }
  auto table = LoadCsvTable(f.input, {.label_column = f.label, .task = *task, .categorical_columns = categoricals});
  if (!table) return fail(table.error());
  if (Status s = ValidateDataset(table->data); !s.ok()) return fail(s.WithContext(f.input));
  if (BudgetedSelectRequested(f.budget)) {
    return RunBudgetedSelect(f.budget,
                             {f.input, f.label, f.k, f.seed, f.threads, f.hidden, f.steps_per_round,
                              f.validation_fraction, f.split, f.output, f.attention_learning_rate,
                              f.final_candidate_attention},
                             table->data);
  }
  auto options = BuildOptions(f, table->data);
  if (!options) return fail(options.error());
  ProgressPrinter progress(clock, f.quiet);
  auto report = RunSelection(table->data, *options, clock,
                             [&](const SelectionProgress& p) { progress(p); });
  if (!report) return fail(report.error());
  const double wall = (clock.MonotonicMicros() - start) / 1e6;
  PrintTable(*report, *table, wall);
  if (!f.output.empty()) {
    std::ofstream out(f.output);
    out << ReportJson(f, *options, *table, *report, wall).dump(2) << "\n";
    out.close();
    if (!out) return fail(Status::IoError("cannot write '" + f.output + "'"));
  }
  return kExitOk;
}

}  // namespace

void AddSelectCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SelectFlags>();
  CLI::App* cmd = app.add_subcommand("select", "Select the k most useful features of a CSV table");
  cmd->add_option("--input", flags->input, "CSV file (plain or .gz) with a header row")->required();
  cmd->add_option("--label", flags->label, "Name of the label column")->required();
  cmd->add_option("--k", flags->k, "Number of features to select")->required();
  cmd->add_option("--algorithm", flags->algorithm, "One of: " + AlgorithmNames())->capture_default_str();
  cmd->add_option("--task", flags->task, "auto, classification or regression")->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Seed of every random choice")->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Math threads (0 = every core; more threads help only on an otherwise idle machine)")->capture_default_str();
  cmd->add_option("--validation-fraction", flags->validation_fraction,
                  "Share of rows held out to score the selection (0 = select on every row, no score)")
      ->capture_default_str();
  cmd->add_option("--split", flags->split,
                  "How validation rows are chosen: stratified (seeded shuffle) or tail (last rows)")
      ->capture_default_str();
  cmd->add_option("--steps-per-round", flags->steps_per_round,
                  "Sequential Attention training steps per pick (0 = about one pass, >= 300)")
      ->capture_default_str();
  cmd->add_option("--features-per-round", flags->features_per_round,
                  "Features picked per round (more is faster on very wide data)")
      ->capture_default_str();
  cmd->add_option("--hidden", flags->hidden, "Hidden layer widths of the MLP")->capture_default_str();
  cmd->add_option("--l2", flags->l2, "Weight decay of the selection network (-1 = auto from the row count)")->capture_default_str();
  cmd->add_option("--attention-learning-rate", flags->attention_learning_rate,
                  "Adam step size of the attention logits")
      ->capture_default_str();
  cmd->add_option("--final-candidate-attention", flags->final_candidate_attention,
                  "Mean attention of the unselected features in the last round, falling from 1 in "
                  "the first (0 = 1 / candidates, as in the original paper; 1 = no fading)")
      ->capture_default_str();
  cmd->add_option("--output", flags->output, "Write the full result as JSON to this file");
  cmd->add_flag("--quiet", flags->quiet, "No progress lines on stderr");
  AddBudgetedSelectFlags(cmd, &flags->budget);
  cmd->callback([flags, exit_code] { *exit_code = RunSelect(*flags); });
}

}  // namespace sieve::cli
