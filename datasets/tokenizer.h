// SentencePiece behind a small interface: train from documents, load from model
// bytes, and encode text into pieces with byte offsets into that text.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace ner {

struct TokenizerConfig {
  std::string model_type = "unigram";  // unigram | bpe | char | word
  int vocab_size = 8000;
  double character_coverage = 0.9999;
  int threads = 1;
  // Training reads at most this many lines; more adds time, not quality.
  std::size_t max_training_lines = 300000;
};

// One piece of an encoded text: its vocabulary id and the bytes [begin, end)
// of the input it covers. `content_begin` skips the whitespace SentencePiece
// glues to the front of a word piece, so "▁GPT" in " GPT-3" starts at 'G'.
struct Piece {
  int id = 0;
  std::size_t begin = 0;
  std::size_t content_begin = 0;
  std::size_t end = 0;
};

class Tokenizer {
 public:
  // Trains on the lines of `texts` with byte fallback on, so that no
  // character is ever unknown. Throws ner::Error with SentencePiece's message.
  static Tokenizer train(const std::vector<std::string_view>& texts, const TokenizerConfig& config);
  // Loads a serialized SentencePiece model; throws ner::Error if it is not one.
  static Tokenizer load(std::string serialized_model);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  const std::string& serialized_model() const { return serialized_; }
  int vocab_size() const;
  std::string piece_text(int id) const;
  // Pieces in text order; they cover every byte of `text` exactly once.
  std::vector<Piece> encode(std::string_view text) const;

 private:
  explicit Tokenizer(std::string serialized_model);
  std::string serialized_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

// Loads the model file a command was given to reuse (`--tokenizer`) and
// says so through `log` (may be empty); throws ner::Error naming the file.
Tokenizer reuse_tokenizer(const std::filesystem::path& model,
                          const std::function<void(const std::string&)>& log);

}  // namespace ner
