#include "train/masking.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ner {

MaskedWindow mask_whole_words(const std::int32_t* ids, std::size_t count,
                              const std::vector<std::uint8_t>& starts_word,
                              const MaskingOptions& options, std::mt19937_64& random) {
  MaskedWindow window;
  window.inputs.assign(ids, ids + count);
  window.targets.assign(count, -1);
  if (count == 0) return window;
  // Words as [begin, end) piece ranges.
  std::vector<std::pair<std::size_t, std::size_t>> words;
  for (std::size_t i = 0; i < count; ++i) {
    const auto id = static_cast<std::size_t>(ids[i]);
    const bool starts = i == 0 || (id < starts_word.size() && starts_word[id] != 0);
    if (starts) {
      words.emplace_back(i, i + 1);
    } else {
      words.back().second = i + 1;
    }
  }
  std::shuffle(words.begin(), words.end(), random);
  const auto wanted = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::llround(options.mask_rate * static_cast<double>(count))));
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uniform_int_distribution<std::int32_t> any_piece(0, std::max(options.vocab_size - 1, 0));
  std::size_t chosen = 0;
  for (const auto& [begin, end] : words) {
    const std::size_t length = end - begin;
    // A long word may overshoot the share only when nothing is chosen yet.
    if (chosen > 0 && chosen + length > wanted) continue;
    const double action = uniform(random);
    for (std::size_t i = begin; i < end; ++i) {
      window.targets[i] = ids[i];
      if (action < options.random_rate) {
        window.inputs[i] = any_piece(random);
      } else if (action >= options.random_rate + options.keep_rate) {
        window.inputs[i] = options.mask_id;
      }
    }
    chosen += length;
    if (chosen >= wanted) break;
  }
  return window;
}

}  // namespace ner
