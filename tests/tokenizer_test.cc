#include "datasets/tokenizer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "datasets/labels.h"
#include "tools/corpus/generator.h"

namespace ner {
namespace {

// One small tokenizer trained on generated documents, shared by the tests.
class TokenizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus::GeneratorOptions options;
    options.seed = 21;
    for (std::size_t i = 0; i < 400; ++i)
      documents_.push_back(corpus::generate_document(options, i));
    std::vector<std::string_view> texts;
    for (const auto& document : documents_)
      texts.emplace_back(document.text);
    TokenizerConfig config;
    config.vocab_size = 2000;
    tokenizer_ = std::make_unique<Tokenizer>(Tokenizer::train(texts, config));
  }
  static void TearDownTestSuite() {
    tokenizer_.reset();
    documents_.clear();
  }
  static inline std::vector<corpus::GeneratedDocument> documents_;
  static inline std::unique_ptr<Tokenizer> tokenizer_;
};

TEST_F(TokenizerTest, PiecesCoverTheTextExactlyOnce) {
  for (const std::string& text :
       {std::string("Trained on 1,024 NVIDIA A100 GPUs in 2023."),
        std::string("  two  spaces\tand\r\nCRLF, Σ 🚀 日本語 and \x01 control"), std::string("")}) {
    const auto pieces = tokenizer_->encode(text);
    std::size_t cursor = 0;
    for (const Piece& piece : pieces) {
      EXPECT_EQ(piece.begin, cursor) << text;
      EXPECT_GE(piece.content_begin, piece.begin);
      EXPECT_LE(piece.content_begin, piece.end);
      cursor = piece.end;
    }
    EXPECT_EQ(cursor, text.size()) << text;
  }
}

TEST_F(TokenizerTest, DigitsAreSeparatePieces) {
  const std::string text = "on 1,024 GPUs for 175B";
  std::size_t digit_pieces = 0;
  for (const Piece& piece : tokenizer_->encode(text)) {
    const std::string_view content =
        std::string_view(text).substr(piece.content_begin, piece.end - piece.content_begin);
    if (content.find_first_of("0123456789") == std::string_view::npos) continue;
    EXPECT_EQ(content.size(), 1u) << "piece '" << content << "' glues a digit to other text";
    ++digit_pieces;
  }
  EXPECT_EQ(digit_pieces, 7u);
}

TEST_F(TokenizerTest, SerializedModelLoadsBackToTheSamePieces) {
  const Tokenizer copy = Tokenizer::load(tokenizer_->serialized_model());
  EXPECT_EQ(copy.vocab_size(), tokenizer_->vocab_size());
  const std::string text = documents_[0].text;
  const auto a = tokenizer_->encode(text);
  const auto b = copy.encode(text);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i].id, b[i].id);
  EXPECT_THROW(Tokenizer::load("not a model"), Error);
}

// The dataset pipeline's requirement: under 0.5% of entity boundaries fall
// inside a piece on the generated corpus, and BIO decoding gives back every
// span whose boundaries are aligned.
TEST_F(TokenizerTest, EntityBoundariesAlignWithPieces) {
  const LabelSet set(TagScheme::kBio);
  std::size_t boundaries = 0, misaligned = 0, unrepresentable = 0, recovered = 0, aligned_spans = 0;
  for (const auto& document : documents_) {
    const auto pieces = tokenizer_->encode(document.text);
    const PieceLabels labelled = label_pieces(pieces, document.gold, set);
    boundaries += labelled.boundaries;
    misaligned += labelled.misaligned_boundaries;
    unrepresentable += labelled.unrepresentable_spans;
    const auto decoded = decode_labels(labelled.labels, pieces, set);
    for (const Span& gold : document.gold) {
      const PieceLabels alone = label_pieces(pieces, {gold}, set);
      if (alone.misaligned_boundaries > 0) continue;
      ++aligned_spans;
      for (const Span& span : decoded) {
        if (span.type == gold.type && span.begin == gold.begin && span.end == gold.end) ++recovered;
      }
    }
  }
  const double rate = static_cast<double>(misaligned) / static_cast<double>(boundaries);
  RecordProperty("misaligned_boundary_rate", std::to_string(rate));
  std::printf("misaligned boundaries: %zu of %zu (%.3f%%)\n", misaligned, boundaries, 100.0 * rate);
  EXPECT_LT(rate, 0.005) << misaligned << " of " << boundaries << " boundaries fall inside a piece";
  EXPECT_EQ(unrepresentable, 0u);
  EXPECT_EQ(recovered, aligned_spans);
}

TEST(Tokenizer, TrainingErrors) {
  EXPECT_THROW(Tokenizer::train({}, TokenizerConfig{}), Error);
  TokenizerConfig tiny;
  tiny.vocab_size = 4;
  EXPECT_THROW(Tokenizer::train({"some text"}, tiny), Error);
}

}  // namespace
}  // namespace ner
