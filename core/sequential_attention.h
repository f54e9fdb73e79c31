// Sequential Attention feature selection (Yasuda et al., ICLR 2023).
//
// One MLP is trained on x ⊙ a, where a_i = 1 for selected features and, for the
// unselected ones, a softmax over their trainable logits only, scaled so that their
// mean is s_r in round r. s falls geometrically from 1 in warm-up and the first round
// (as in SequentialAttention++: the network sees every candidate at its real scale, so
// interactions such as XOR are learnt) to 1 / candidates in the last round (the
// original paper's softmax summing to one: the candidates fade, the network leans on
// the selected features, and attention goes to the candidate that adds most to them,
// which matters when features are redundant, as pixels or one-hot codes are). Weight
// decay on the network breaks the scale symmetry between a_i and the first-layer
// weights, so the attention gradient keeps pointing at the features the network
// relies on most.
// After a warm-up, training is split into rounds; at the END of each round the
// unselected feature(s) with the largest logit join the selection, the logits and their
// optimiser moments are reset, and the same network weights train on.
#pragma once

#include "core/selector.h"

namespace sieve {

class SequentialAttentionSelector : public Selector {
 public:
  explicit SequentialAttentionSelector(SelectorOptions options) : options_(std::move(options)) {}
  std::string_view name() const override { return "sequential_attention"; }
  Result<Selection> Select(const Dataset& train, const ProgressCallback& progress) override;

  // Steps per round chosen when options.steps_per_round is 0: about one pass over the
  // data, at least 300.
  static int AutoStepsPerRound(size_t rows, int batch_size);

  // Features kept by the univariate pre-screen for `num_features` columns (all of
  // them when no screening applies).
  // Weight decay used for `rows` training rows (options.l2, or the auto rule when -1):
  // fewer rows need more regularisation.
  static float EffectiveL2(const SelectorOptions& options, size_t rows);

  static size_t PrescreenSize(const SelectorOptions& options, size_t num_features);

 private:
  Result<Selection> SelectAll(const Dataset& train, const ProgressCallback& progress);

  SelectorOptions options_;
};

}  // namespace sieve
