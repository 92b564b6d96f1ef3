// The tagger without LibTorch: inline output that keeps every
// byte of adversarial inputs, and every output format read back. A model with
// random weights tags at random, which is what these properties need.
#include "infer/tagger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "base/error.h"
#include "base/utf8.h"
#include "datasets/grapheme_clusters.h"
#include "infer/output_formats.h"
#include "tests/random_model.h"
#include "tools/corpus/generator.h"

namespace ner {
namespace {

class TaggerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus::GeneratorOptions options;
    options.seed = 8;
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < 200; ++i)
      texts.push_back(corpus::generate_document(options, i).text);
    TokenizerConfig config;
    config.vocab_size = 400;
    const Tokenizer tokenizer = Tokenizer::train({texts.begin(), texts.end()}, config);
    TaggerOptions tagger_options;
    tagger_options.threads = 2;
    tagger_options.batch_size = 4;
    tagger_ = std::make_unique<Tagger>(
        testing::random_model(5, tokenizer.vocab_size(), tokenizer.serialized_model()),
        tagger_options, "random.nerm");
  }
  static void TearDownTestSuite() { tagger_.reset(); }

  static inline std::unique_ptr<Tagger> tagger_;
};

std::vector<std::string> adversarial_texts() {
  std::string long_line;
  for (int i = 0; long_line.size() < 200000; ++i)
    long_line += "GPT-" + std::to_string(i) + " has " + std::to_string(i % 90) + "B parameters; ";
  return {
      "",
      " ",
      "\n\n\n",
      "NeuraScale-9 was trained on 512 A100 GPUs for 3 weeks in 2021.\r\nIt has 7B parameters.\r\n",
      "tab\tseparated\tGPT-3\t175B\t\t2020\n",
      "\xEF\xBB\xBF"
      "BOM first: BERT-Large (340M) from the United States.",
      "Σ-Net 🙂 模型 在 中国 训练 with 1.3B params — naïve Å\u0301 café\u00a0(2019)",
      "PDF spaces: 175\u00a0B\u2009parameters\u202fon\u3000TPU v4 in 2022\n",
      "We minimise $\\mathcal{L} = -\\sum_i \\log p(y_i)$ with $$\\alpha=10^{-4}$$ for "
      "\\textbf{T5-XXL} (11B) on TPU v3-512.",
      "TEXT 1: abstract\nTEXT 2: We train PaLM-2 for 40 days.\nTEXT\n  TEXT 3:\n",
      "trailing spaces and no newline at the end   ",
      long_line,
      std::string(3000, 'a'),
      "a<b and c>d but <p>not a tag</p> & <modelx> nor </ model>",
  };
}

TEST_F(TaggerTest, InlineOutputKeepsEveryByteOfAdversarialInputs) {
  std::size_t entities = 0;
  for (const std::string& text : adversarial_texts()) {
    const TaggedDocument tagged = tagger_->tag(text);
    const std::string inline_text = format_document(OutputFormat::kInline, "doc", text, tagged);
    const Document back = parse_tagged_text(inline_text, "inline output");
    ASSERT_EQ(back.text, text) << "bytes changed in: " << text.substr(0, 80);
    ASSERT_EQ(back.spans, tagged.spans);
    ASSERT_EQ(tagged.scores.size(), tagged.spans.size());
    for (std::size_t i = 0; i < tagged.spans.size(); ++i) {
      const Span& span = tagged.spans[i];
      EXPECT_LT(span.begin, span.end);
      EXPECT_NE(text[span.begin], ' ');
      EXPECT_NE(text[span.end - 1], ' ');
      // Never inside a run of letters and digits.
      const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
      if (span.begin > 0) {
        EXPECT_FALSE(alnum(text[span.begin - 1]) && alnum(text[span.begin]))
            << text.substr(span.begin - 1, span.end - span.begin + 1);
      }
      if (span.end < text.size()) {
        EXPECT_FALSE(alnum(text[span.end - 1]) && alnum(text[span.end]))
            << text.substr(span.begin, span.end - span.begin + 1);
      }
      EXPECT_TRUE(tagged.scores[i] > 0 && tagged.scores[i] <= 1.0 + 1e-6) << tagged.scores[i];
    }
    entities += tagged.spans.size();
  }
  EXPECT_GT(entities, 100u) << "a random model should tag plenty";
}

// Characters of several code points, where pieces (byte pieces too) end in
// the middle: a random model puts entity edges everywhere, and every one must
// land on a grapheme-cluster boundary.
TEST_F(TaggerTest, EntityEdgesFallOnGraphemeClusterBoundaries) {
  const std::vector<std::string> pieces = {
      "Cafe\u0301 re\u0301sume\u0301 na\u0308ive GPT-3 in 2020. ",  // combining marks
      "\U0001F469\u200D\U0001F52C trained \U0001F468\u200D\U0001F469\u200D\U0001F467 "
      "\u0915\u094D\u200D\u0937 on 512 A100 GPUs. ",  // ZWJ sequences
      "\u0627\u064E\u0644\u0652\u0639\u064E\u0631\u064E\u0628\u0650\u064A\u0651\u064E\u0629\u064F "
      "\u0646\u0645\u0648\u0630\u062C 7B. ",                   // Arabic with marks
      "Neura\uFEFFScale-9 has 175\uFEFFB parameters\uFEFF. ",  // BOM inside words
  };
  std::size_t entities = 0;
  for (const std::string& piece : pieces) {
    std::string text;
    for (int i = 0; i < 30; ++i)
      text += piece;
    const TaggedDocument tagged = tagger_->tag(text);
    const std::vector<std::size_t> boundaries = grapheme_cluster_boundaries(text);
    const auto on_boundary = [&](std::size_t at) {
      return std::binary_search(boundaries.begin(), boundaries.end(), at);
    };
    for (const Span& span : tagged.spans) {
      EXPECT_LT(span.begin, span.end);
      EXPECT_TRUE(on_boundary(span.begin) && on_boundary(span.end))
          << "[" << span.begin << ", " << span.end << ") in " << piece;
    }
    const Document back =
        parse_tagged_text(format_document(OutputFormat::kInline, "doc", text, tagged), "inline");
    EXPECT_EQ(back.text, text);
    EXPECT_EQ(back.spans, tagged.spans);
    entities += tagged.spans.size();
  }
  EXPECT_GT(entities, 20u) << "a random model should tag plenty";
}

TEST_F(TaggerTest, BatchingAcrossDocumentsChangesNothing) {
  const auto texts = adversarial_texts();
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  const auto together = tagger_->tag(views);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const TaggedDocument alone = tagger_->tag(texts[i]);
    EXPECT_EQ(alone.spans, together[i].spans) << i;
  }
}

TEST_F(TaggerTest, JsonlOffsetsAreCodePointsIntoTheText) {
  for (const std::string& text : adversarial_texts()) {
    const TaggedDocument tagged = tagger_->tag(text);
    const std::string line = format_document(OutputFormat::kJsonl, "dir/doc.txt", text, tagged);
    ASSERT_EQ(line.back(), '\n');
    ASSERT_EQ(line.find('\n'), line.size() - 1) << "one line per document";
    const auto json = nlohmann::json::parse(line);
    EXPECT_EQ(json.at("document"), "dir/doc.txt");
    EXPECT_EQ(json.at("text").get<std::string>(), text);
    // Code-point offsets, checked by slicing a UTF-32 copy of the text.
    std::vector<std::string> characters;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t length = utf8_sequence_length(text, at);
      characters.push_back(text.substr(at, length));
      at += length;
    }
    ASSERT_EQ(json.at("entities").size(), tagged.spans.size());
    for (const auto& entity : json.at("entities")) {
      const auto start = entity.at("start").get<std::size_t>();
      const auto end = entity.at("end").get<std::size_t>();
      ASSERT_LT(start, end);
      ASSERT_LE(end, characters.size());
      std::string slice;
      for (std::size_t c = start; c < end; ++c)
        slice += characters[c];
      EXPECT_EQ(slice, entity.at("text").get<std::string>());
      EXPECT_TRUE(entity_type_from_tag(entity.at("label").get<std::string>()).has_value());
      EXPECT_GT(entity.at("score").get<double>(), 0.0);
    }
  }
}

TEST_F(TaggerTest, ConllColumnsAreValidIob2AndCoverTheText) {
  for (const std::string& text : adversarial_texts()) {
    const TaggedDocument tagged = tagger_->tag(text);
    const std::string conll = format_document(OutputFormat::kConll, "doc", text, tagged);
    std::istringstream lines(conll);
    std::string line;
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(line, "-DOCSTART- O");
    std::string tokens, previous = "O";
    std::size_t entity_starts = 0;
    while (std::getline(lines, line)) {
      if (line.empty()) {
        previous = "O";
        continue;
      }
      const std::size_t space = line.rfind(' ');
      ASSERT_NE(space, std::string::npos) << line;
      const std::string token = line.substr(0, space), tag = line.substr(space + 1);
      ASSERT_FALSE(token.empty());
      ASSERT_EQ(token.find_first_of(" \t\r\n"), std::string::npos) << token;
      if (tag != "O") {
        ASSERT_TRUE(tag.rfind("B-", 0) == 0 || tag.rfind("I-", 0) == 0) << tag;
        ASSERT_TRUE(entity_type_from_tag(tag.substr(2)).has_value()) << tag;
        if (tag[0] == 'I') {
          EXPECT_EQ(previous.substr(2), tag.substr(2)) << "I- after " << previous;
        }
        entity_starts += tag[0] == 'B';
      }
      tokens += token;
      previous = tag;
    }
    // Tokens break at ASCII and Unicode spaces alike.
    std::string visible;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t length = utf8_sequence_length(text, at);
      const std::string character = text.substr(at, length);
      const bool space = character.find_first_of(" \t\n\r\f\v") == 0 || character == "\u00a0" ||
                         character == "\u2009" || character == "\u202f" || character == "\u3000";
      if (!space) visible += character;
      at += length;
    }
    EXPECT_EQ(tokens, visible);
    EXPECT_GE(entity_starts, tagged.spans.empty() ? 0u : 1u);
    // The tokens are the text's own, whatever was predicted: the same as
    // for a document with no entities at all.
    const auto token_column = [](const std::string& columns) {
      std::string column;
      std::istringstream rows(columns);
      for (std::string row; std::getline(rows, row);)
        column += row.substr(0, row.rfind(' ')) + "\n";
      return column;
    };
    EXPECT_EQ(token_column(conll),
              token_column(format_document(OutputFormat::kConll, "doc", text, TaggedDocument{})));
  }
}

// "GPT-3." and "Falcon-40B ," give the same tokens tagged or not, and the tag
// follows the entity: conlleval can compare two taggers' files line by line.
TEST(OutputFormats, ConllTokensDoNotDependOnPredictions) {
  const std::string text = "We trained GPT-3. Then Falcon-40B , in 2023.\n";
  TaggedDocument tagged;
  Span gpt;
  gpt.begin = 11;
  gpt.end = 16;
  gpt.type = EntityType::kModel;
  Span falcon;
  falcon.begin = 23;
  falcon.end = 30;  // "Falcon-" only: the token is tagged whole
  falcon.type = EntityType::kModel;
  tagged.spans = {gpt, falcon};
  tagged.scores = {0.9, 0.8};
  EXPECT_EQ(format_document(OutputFormat::kConll, "doc", text, tagged),
            "-DOCSTART- O\n\nWe O\ntrained O\nGPT-3 B-model\n. O\nThen O\nFalcon-40B "
            "B-model\n, O\nin O\n2023 O\n. O\n\n");
}

TEST_F(TaggerTest, HtmlIsOneSelfContainedPage) {
  const std::string text = "<b>NeuraScale-9</b> & friends \"quoted\" 🙂\n";
  const TaggedDocument tagged = tagger_->tag(text);
  const std::string page = format_header(OutputFormat::kHtml, "T & <x>") +
                           format_document(OutputFormat::kHtml, "a<b>.txt", text, tagged) +
                           format_footer(OutputFormat::kHtml);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("</html>"), std::string::npos);
  EXPECT_EQ(page.find("http"), std::string::npos) << "nothing fetched from the network";
  EXPECT_EQ(page.find("<b>"), std::string::npos) << "text must be escaped";
  EXPECT_NE(page.find("&lt;b&gt;"), std::string::npos);
  for (const EntityType type : kEntityTypes)
    EXPECT_NE(page.find("mark." + std::string(tag_name(type))), std::string::npos);
  if (!tagged.spans.empty()) {
    EXPECT_NE(page.find("data-label=\""), std::string::npos);
    EXPECT_NE(page.find("data-score=\""), std::string::npos);
  }
  EXPECT_EQ(std::count(page.begin(), page.end(), '<'), std::count(page.begin(), page.end(), '>'));
}

TEST(OutputFormats, NamesAndExtensions) {
  EXPECT_EQ(output_file_name(OutputFormat::kInline, "a/b.txt"), "a/b.txt");
  EXPECT_EQ(output_file_name(OutputFormat::kJsonl, "a/b.txt"), "a/b.jsonl");
  EXPECT_EQ(output_file_name(OutputFormat::kConll, "b.md"), "b.md.conll");
  EXPECT_EQ(output_file_name(OutputFormat::kJsonl, "a/b.jsonl"), "a/b.jsonl");
  EXPECT_EQ(output_file_name(OutputFormat::kHtml, "a/b.jsonl"), "a/b.html");
  EXPECT_EQ(output_file_name(OutputFormat::kHtml, "stdin"), "stdin.html");
  EXPECT_THROW(parse_output_format("xml"), Error);
}

TEST(OutputFormats, ConllKeepsAnEntityAcrossALineBreakInOneSentence) {
  const std::string text = "Neura\nScale runs.\nNext line";
  TaggedDocument tagged;
  Span span;
  span.type = EntityType::kModel;
  span.end = 11;
  tagged.spans = {span};
  tagged.scores = {0.9};
  EXPECT_EQ(format_document(OutputFormat::kConll, "doc", text, tagged),
            "-DOCSTART- O\n\nNeura B-model\nScale I-model\nruns O\n. O\n\nNext O\nline O\n\n");
}

}  // namespace
}  // namespace ner
