// Batches of dataset windows formed by length, so little of each batch is
// padding, in a shuffled order that depends only on the seed and the epoch.
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "datasets/dataset_file.h"
#include "datasets/labels.h"

namespace ner {

// Window indices of `split`, grouped into batches of at most `batch_size`
// windows of similar length. With `shuffle`, windows are shuffled before the
// length grouping (within chunks of 50 batches) and the batches are shuffled
// too, all from (seed, epoch); without it the order is fixed (for evaluation).
// With `corpus_weights` (one per corpus of the dataset) and shuffling, an
// epoch still holds as many windows as the split, but corpus c gives the
// share weight[c] / (sum of the weights of the corpora present) of them: its
// windows in a shuffled order, repeated when its share is larger than it.
std::vector<std::vector<std::size_t>> make_batches(const DatasetSplit& split,
                                                   std::size_t batch_size, bool shuffle,
                                                   std::uint64_t seed, std::uint64_t epoch,
                                                   const std::vector<double>& corpus_weights = {});

// Padding share of a batching: padded pieces / all pieces in the batches.
double padding_fraction(const DatasetSplit& split,
                        const std::vector<std::vector<std::size_t>>& batches);

// One batch as tensors on `device`, padded to its longest window; labels of
// windows cut inside an entity get closed edges (see close_window_edges).
struct BatchTensors {
  torch::Tensor ids;     // (B, T) int64
  torch::Tensor attend;  // (B, T) bool: true for real pieces
  torch::Tensor labels;  // (B, T) int64, kIgnoredLabel on padding, kUnknownLabel where unknown
  std::int64_t real_pieces = 0;
};
BatchTensors batch_tensors(const DatasetSplit& split, const std::vector<std::size_t>& windows,
                           const LabelSet& label_set, const torch::Device& device);

}  // namespace ner
