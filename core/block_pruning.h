// SequentialAttention++ block selection (Yasuda et al. 2024), DESIGN §3: one logit per
// block, block weights = N·softmax over the N live blocks (mean 1), then three phases
// with the optimisers reset between them:
//   dense   - the network and the block logits train together;
//   pruning - at evenly spaced stages the lowest-weight live blocks are removed until
//             the resource left falls under a target that shrinks exponentially from
//             the full size to the budget (target_s = full · (budget/full)^(s/S));
//   sparse  - the network trains on the surviving blocks alone (their weights folded
//             into the network).
// Two uses: embedding-size search (blocks are chunks of each categorical's embedding
// columns, under a memory budget) and hidden-unit pruning (blocks of units of the
// first hidden layer, under a per-sample multiply-add budget).
#pragma once

#include <cstdint>
#include <vector>

#include "core/dataset.h"
#include "core/metrics.h"
#include "core/status.h"
#include "core/structured_data.h"

namespace sieve {

struct BlockSchedule {
  int64_t dense_steps = 600;    // network + block logits, nothing pruned
  int64_t pruning_steps = 600;  // spread over `stages` pruning stages
  int64_t sparse_steps = 600;   // fine-tuning of the survivors
  int stages = 6;               // pruning stages; more = gentler removal
};

struct BlockNetworkOptions {
  std::vector<int> hidden = {64};         // hidden ReLU layer widths
  int batch_size = 256;                   // rows per Adam step
  float learning_rate = 2e-3f;            // Adam step size of the network
  float attention_learning_rate = 0.05f;  // Adam step size of the block logits
  float l2 = 0.05f;                       // weight decay: pushes the network onto few blocks
  uint64_t seed = 0;                      // initialisation, batches
};

struct EmbeddingSearchOptions {
  double memory_budget_bytes = 0;  // bound on the summed embedding tables (4 bytes a float)
  int block_size = 2;              // embedding columns per block; sizes are multiples of it
                                   // (the last block of a table may be narrower)
  BlockSchedule schedule;
  BlockNetworkOptions network;
};

struct EmbeddingSearchResult {
  std::vector<int> embedding_dims;  // per unit: kept columns (0 for numeric units)
  double memory_bytes = 0;          // summed tables at those sizes
  double full_memory_bytes = 0;     // summed tables at the specs' embedding_dim
  Metrics validation;               // the sparse model on `validation` (if given)
};

// Chooses an embedding size (a multiple of block_size, at least one block) for every
// categorical / cross unit of `train` so that the summed tables fit the memory budget;
// the starting size of each unit is its spec's embedding_dim. Fails with
// InvalidArgument when even one block per unit exceeds the budget (naming the minimum).
// `validation` may be null.
Result<EmbeddingSearchResult> SearchEmbeddingSizes(const StructuredDataset& train,
                                                   const StructuredDataset* validation,
                                                   const EmbeddingSearchOptions& options);

struct HiddenPruningOptions {
  int hidden_units = 64;           // width of the (single) hidden layer
  int block_size = 4;              // hidden units per block
  double max_macs_per_sample = 0;  // budget on the served model's multiply-adds per sample;
                                   // 0 = use keep_fraction
  double keep_fraction = 0.5;      // share of hidden units kept when no MAC budget is given
  bool random_blocks = false;      // baseline: remove uniformly random blocks instead of the
                                   // lowest-weight ones (same schedule and training)
  BlockSchedule schedule;
  BlockNetworkOptions network;     // `hidden` is ignored (one layer of hidden_units)
};

struct HiddenPruningResult {
  std::vector<int> kept_units;  // indices of the first hidden layer's surviving units
  Metrics dense;                // the dense-phase model on `validation`
  Metrics pruned;               // the sparse-phase model on `validation`
  double dense_parameters = 0, pruned_parameters = 0;
  double dense_macs_per_sample = 0, pruned_macs_per_sample = 0;
};

// Prunes blocks of units of a one-hidden-layer MLP trained on `train` (standardised,
// numeric) and reports both models on `validation`. Fails with InvalidArgument when
// the MAC budget cannot hold even one block.
Result<HiddenPruningResult> PruneHiddenUnits(const Dataset& train, const Dataset& validation,
                                             const HiddenPruningOptions& options);

}  // namespace sieve
