// Whole-word masking for masked-language pretraining: which pieces of a window
// to predict, and what the model sees in their place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace ner {

struct MaskingOptions {
  double mask_rate = 0.15;      // share of the window's pieces to predict
  double random_rate = 0.1;     // of the chosen words: random pieces instead
  double keep_rate = 0.1;       // of the chosen words: left as they are
  std::int32_t mask_id = 0;     // the mask piece (the tokenizer's vocabulary size)
  std::int32_t vocab_size = 0;  // random pieces are drawn from [0, vocab_size)
};

struct MaskedWindow {
  std::vector<std::int32_t> inputs;   // what the model reads
  std::vector<std::int32_t> targets;  // the original piece where predicted, else -1
};

// Chooses whole words (a piece whose starts_word flag is set begins a word;
// the window's first piece always does) in a random order until about
// mask_rate of the pieces are chosen, at least one word. Each chosen word
// becomes the mask piece, random pieces, or stays, as a whole.
MaskedWindow mask_whole_words(const std::int32_t* ids, std::size_t count,
                              const std::vector<std::uint8_t>& starts_word,
                              const MaskingOptions& options, std::mt19937_64& random);

}  // namespace ner
