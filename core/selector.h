// Selector: picks k features of a standardised training set.
//
// Every algorithm (Sequential Attention and the baselines) implements this interface;
// callers hold a Selector and get it from MakeSelector. Selectors are deterministic:
// the same data, options, seed and thread count give the same selection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/status.h"

namespace sieve {

enum class Algorithm {
  kSequentialAttention,  // Yasuda et al. 2023: attention logits trained with an MLP
  kOmp,                  // greedy: largest gradient norm of a linear model's loss
  kGroupLasso,           // order in which features enter a group-LASSO path
  kMutualInfo,           // univariate filter: mutual information with the label
  kFTest,                // univariate filter: ANOVA / correlation F statistic
  kRandom,               // seeded random choice, a floor to compare against
};

std::string_view AlgorithmName(Algorithm algorithm);
Result<Algorithm> ParseAlgorithm(std::string_view name);
// Every algorithm name, for help texts and errors.
std::string AlgorithmNames();

struct SelectorOptions {
  Algorithm algorithm = Algorithm::kSequentialAttention;
  int k = 10;                     // features to select, must_include counted
  std::vector<int> must_include;  // column indices selected before anything else
  uint64_t seed = 0;              // every random choice derives from it
  int threads = 1;                // math threads; results are reproducible per count

  // Neural selectors (Sequential Attention).
  std::vector<int> hidden = {128};  // hidden ReLU layer widths; empty = linear model
  int batch_size = 256;            // rows per Adam step; larger is smoother but slower
  float learning_rate = 2e-3f;     // Adam step size for network and attention logits
  int steps_per_round = 0;         // training steps between picks; 0 = about one epoch, >= 300
  double warmup_fraction = 0.1;    // share of all steps trained before the first round
  int features_per_round = 1;      // m: features added per round; >1 for very wide data
  float l2 = -1.0f;                // weight decay of the selection network: makes attention
                                   // favour the features the network relies on most;
                                   // -1 = auto: 15 / training rows, within [0.015, 0.1]
  float attention_learning_rate = 0.05f;  // Adam step size of the attention logits; they
                                         // must move further per round than the network
  // Mean attention of the unselected candidates in the last round. It falls
  // geometrically from 1 in the first round (every candidate at its own scale, so the
  // network learns interactions such as XOR) to this value (the candidates fade, the
  // network leans on the features already picked, and attention goes to what adds most
  // to them). 0 = auto: 1 / candidates, a softmax summing to one as in the original
  // paper; 1 = mean one in every round.
  float final_candidate_attention = 0.0f;

  int prescreen = -1;  // wide data: keep only this many features, by univariate F test,
                       // before Sequential Attention (-1 = auto: max(500, 25 k) when there
                       // are more than 2000 features; 0 = never). Cuts time and overfitting
                       // when features far outnumber rows.

  // Linear baselines (omp, group_lasso).
  int linear_steps = 200;  // optimiser steps per fit of a linear model
};

// Checks options against a dataset with `num_features` columns.
Status ValidateSelectorOptions(const SelectorOptions& options, size_t num_features);

// The candidates' mean attention in round `round` (0-based) of `rounds` planned:
// falls geometrically from 1 to `final_candidate_attention` (0 = 1 / `candidates`,
// the candidates at the start) and stays there past the last planned round. Shared
// by SequentialAttentionSelector and budget-aware selection.
double CandidateMeanAttention(float final_candidate_attention, int candidates, int round,
                              int rounds);
// InvalidArgument unless final_candidate_attention is in [0, 1].
Status ValidateFinalCandidateAttention(float final_candidate_attention);

struct FeaturePick {
  int index = 0;       // column of the training set
  float weight = 0.0f; // the algorithm's score at pick time (attention weight for SA)
};

struct Selection {
  std::vector<FeaturePick> features;  // in pick order (rank 1 first)
  int64_t training_steps = 0;             // optimiser steps taken, if any
};

struct SelectionProgress {
  int selected = 0;  // features picked so far
  int target = 0;    // k
};
using ProgressCallback = std::function<void(const SelectionProgress&)>;

class Selector {
 public:
  virtual ~Selector() = default;
  virtual std::string_view name() const = 0;
  // Selects options.k features of `train` (standardised, no missing values).
  // REQUIRES: ValidateSelectorOptions(options, train.cols).ok(), ValidateDataset(train).ok().
  // `progress` (may be empty) is called after each pick, on the calling thread.
  virtual Result<Selection> Select(const Dataset& train, const ProgressCallback& progress) = 0;
};

Result<std::unique_ptr<Selector>> MakeSelector(const SelectorOptions& options);

}  // namespace sieve
