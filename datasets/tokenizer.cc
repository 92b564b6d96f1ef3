#include "datasets/tokenizer.h"

#include <fmt/format.h>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <unordered_map>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"

namespace ner {
namespace {

// Feeds non-empty lines of the documents to the SentencePiece trainer.
class LineIterator : public sentencepiece::SentenceIterator {
 public:
  LineIterator(const std::vector<std::string_view>& texts, std::size_t max_lines)
      : texts_(texts), max_lines_(max_lines) {
    advance();
  }
  bool done() const override { return done_; }
  void Next() override { advance(); }
  const std::string& value() const override { return line_; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void advance() {
    while (text_ < texts_.size() && emitted_ < max_lines_) {
      const std::string_view text = texts_[text_];
      if (pos_ >= text.size()) {
        ++text_;
        pos_ = 0;
        continue;
      }
      std::size_t end = text.find('\n', pos_);
      if (end == std::string_view::npos) end = text.size();
      line_.assign(text.substr(pos_, end - pos_));
      pos_ = end + 1;
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      if (line_.find_first_not_of(" \t") == std::string::npos) continue;
      ++emitted_;
      return;
    }
    done_ = true;
  }

  const std::vector<std::string_view>& texts_;
  std::size_t max_lines_;
  std::size_t text_ = 0;
  std::size_t pos_ = 0;
  std::size_t emitted_ = 0;
  std::string line_;
  bool done_ = false;
};

void check(const sentencepiece::util::Status& status, std::string_view what) {
  if (!status.ok()) throw Error(fmt::format("SentencePiece {}: {}", what, status.ToString()));
}

}  // namespace

Tokenizer::Tokenizer(std::string serialized_model)
    : serialized_(std::move(serialized_model)),
      processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  check(processor_->LoadFromSerializedProto(serialized_), "model");
}

Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::train(const std::vector<std::string_view>& texts,
                           const TokenizerConfig& config) {
  if (config.vocab_size < 16)
    throw Error(fmt::format("vocab_size {} is too small", config.vocab_size));
  // Identity normalisation keeps piece offsets simple and the text intact;
  // split_digits puts every digit in its own piece, so counts and sizes
  // ("1,024", "175B") never glue to neighbouring text.
  const std::unordered_map<std::string, std::string> arguments = {
      {"model_type", config.model_type},
      {"vocab_size", std::to_string(config.vocab_size)},
      {"character_coverage", fmt::format("{}", config.character_coverage)},
      {"byte_fallback", "true"},
      {"split_digits", "true"},
      {"normalization_rule_name", "identity"},
      {"remove_extra_whitespaces", "false"},
      {"hard_vocab_limit", "false"},
      {"num_threads", std::to_string(std::max(1, config.threads))},
      {"max_sentence_length", "16384"},
      {"minloglevel", "2"},
  };
  LineIterator lines(texts, config.max_training_lines);
  if (lines.done()) throw Error("cannot train a tokenizer: the corpus has no text");
  std::string serialized;
  check(sentencepiece::SentencePieceTrainer::Train(arguments, &lines, &serialized), "training");
  return Tokenizer(std::move(serialized));
}

Tokenizer Tokenizer::load(std::string serialized_model) {
  return Tokenizer(std::move(serialized_model));
}

int Tokenizer::vocab_size() const {
  return processor_->GetPieceSize();
}

std::string Tokenizer::piece_text(int id) const {
  return processor_->IdToPiece(id);
}

Tokenizer reuse_tokenizer(const std::filesystem::path& model,
                          const std::function<void(const std::string&)>& log) {
  Tokenizer tokenizer = Tokenizer::load(read_file(model));
  if (log)
    log(fmt::format("reusing tokenizer {} ({} pieces)", model.string(), tokenizer.vocab_size()));
  return tokenizer;
}

std::vector<Piece> Tokenizer::encode(std::string_view text) const {
  const auto proto = processor_->EncodeAsImmutableProto(text);
  std::vector<Piece> pieces;
  pieces.reserve(proto.pieces_size());
  for (std::size_t i = 0; i < proto.pieces_size(); ++i) {
    const auto piece = proto.pieces(static_cast<int>(i));
    Piece out;
    out.id = static_cast<int>(piece.id());
    out.begin = piece.begin();
    out.end = piece.end();
    out.content_begin = out.begin;
    while (out.content_begin < out.end &&
           (text[out.content_begin] == ' ' || text[out.content_begin] == '\t')) {
      ++out.content_begin;
    }
    if (out.content_begin == out.end) out.content_begin = out.begin;  // a piece of whitespace only
    pieces.push_back(out);
  }
  return pieces;
}

}  // namespace ner
