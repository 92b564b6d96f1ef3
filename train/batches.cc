#include "train/batches.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "base/error.h"
#include "models/ner_model.h"

namespace ner {
namespace {

std::int64_t window_length(const DatasetSplit& split, std::size_t window) {
  return split.window_offsets[window + 1] - split.window_offsets[window];
}

// The windows of `shuffled` regrouped by corpus and drawn by weight (see
// make_batches), keeping the shuffled order inside each corpus.
std::vector<std::size_t> weighted_draw(const DatasetSplit& split,
                                       const std::vector<std::size_t>& shuffled,
                                       const std::vector<double>& weights,
                                       std::mt19937_64& random) {
  std::vector<std::vector<std::size_t>> by_corpus(weights.size());
  for (const std::size_t w : shuffled) {
    const auto corpus = static_cast<std::size_t>(
        split.document_corpus[static_cast<std::size_t>(split.window_document[w])]);
    if (corpus >= weights.size())
      throw Error(
          fmt::format("a window of corpus {} but {} corpus weights", corpus, weights.size()));
    by_corpus[corpus].push_back(w);
  }
  double total_weight = 0;
  for (std::size_t c = 0; c < weights.size(); ++c)
    total_weight += by_corpus[c].empty() ? 0.0 : weights[c];
  std::vector<std::size_t> drawn;
  drawn.reserve(shuffled.size());
  double share_so_far = 0;
  for (std::size_t c = 0; c < weights.size(); ++c) {
    if (by_corpus[c].empty()) continue;
    // Cumulative rounding: the quotas add up to exactly the split's windows.
    const auto before = static_cast<std::size_t>(std::llround(share_so_far * shuffled.size()));
    share_so_far += weights[c] / total_weight;
    const auto after = static_cast<std::size_t>(std::llround(share_so_far * shuffled.size()));
    for (std::size_t k = 0; k < after - before; ++k)
      drawn.push_back(by_corpus[c][k % by_corpus[c].size()]);
  }
  std::shuffle(drawn.begin(), drawn.end(), random);
  return drawn;
}

}  // namespace

std::vector<std::vector<std::size_t>> make_batches(const DatasetSplit& split,
                                                   std::size_t batch_size, bool shuffle,
                                                   std::uint64_t seed, std::uint64_t epoch,
                                                   const std::vector<double>& corpus_weights) {
  if (batch_size == 0) throw Error("batch size must be positive");
  std::vector<std::size_t> order(split.window_count());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 random(seed * 0x9E3779B97F4A7C15ull + epoch);
  if (shuffle) std::shuffle(order.begin(), order.end(), random);
  if (shuffle && corpus_weights.size() > 1)
    order = weighted_draw(split, order, corpus_weights, random);
  // Sort by length inside chunks: batches are nearly uniform in length while
  // the epoch still mixes documents.
  const std::size_t chunk = shuffle ? batch_size * 50 : order.size();
  for (std::size_t begin = 0; begin < order.size(); begin += std::max<std::size_t>(chunk, 1)) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last =
        order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + chunk));
    std::stable_sort(first, last, [&](std::size_t a, std::size_t b) {
      return window_length(split, a) < window_length(split, b);
    });
  }
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t begin = 0; begin < order.size(); begin += batch_size) {
    batches.emplace_back(
        order.begin() + static_cast<std::ptrdiff_t>(begin),
        order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + batch_size)));
  }
  if (shuffle) std::shuffle(batches.begin(), batches.end(), random);
  return batches;
}

double padding_fraction(const DatasetSplit& split,
                        const std::vector<std::vector<std::size_t>>& batches) {
  std::int64_t real = 0, total = 0;
  for (const auto& batch : batches) {
    std::int64_t longest = 0;
    for (const std::size_t window : batch) {
      real += window_length(split, window);
      longest = std::max(longest, window_length(split, window));
    }
    total += longest * static_cast<std::int64_t>(batch.size());
  }
  return total == 0 ? 0.0 : 1.0 - static_cast<double>(real) / static_cast<double>(total);
}

BatchTensors batch_tensors(const DatasetSplit& split, const std::vector<std::size_t>& windows,
                           const LabelSet& label_set, const torch::Device& device) {
  std::int64_t longest = 1;
  for (const std::size_t w : windows)
    longest = std::max(longest, window_length(split, w));
  const auto rows = static_cast<std::int64_t>(windows.size());
  // Page-locked host memory lets the copies to a GPU run asynchronously.
  const auto host = torch::TensorOptions().pinned_memory(device.is_cuda());
  auto ids = torch::zeros({rows, longest}, host.dtype(torch::kLong));
  auto attend = torch::zeros({rows, longest}, host.dtype(torch::kBool));
  auto labels = torch::full({rows, longest}, kIgnoredLabel, host.dtype(torch::kLong));
  auto id_rows = ids.accessor<std::int64_t, 2>();
  auto attend_rows = attend.accessor<bool, 2>();
  auto label_rows = labels.accessor<std::int64_t, 2>();
  BatchTensors batch;
  std::vector<int> window_labels;
  for (std::int64_t row = 0; row < rows; ++row) {
    const std::size_t w = windows[static_cast<std::size_t>(row)];
    const std::int64_t first = split.window_offsets[w];
    const std::int64_t length = window_length(split, w);
    window_labels.assign(split.labels.begin() + first, split.labels.begin() + first + length);
    close_window_edges(window_labels, label_set);
    for (std::int64_t t = 0; t < length; ++t) {
      const auto k = static_cast<std::size_t>(first + t);
      id_rows[row][t] = split.piece_ids[k];
      attend_rows[row][t] = true;
      label_rows[row][t] =
          split.unknown[k] != 0 ? kUnknownLabel : window_labels[static_cast<std::size_t>(t)];
    }
    batch.real_pieces += length;
  }
  batch.ids = ids.to(device, torch::kLong, /*non_blocking=*/true);
  batch.attend = attend.to(device, torch::kBool, /*non_blocking=*/true);
  batch.labels = labels.to(device, torch::kLong, /*non_blocking=*/true);
  return batch;
}

}  // namespace ner
