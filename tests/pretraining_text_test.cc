#include "datasets/pretraining_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/file_io.h"
#include "datasets/tokenizer.h"
#include "tests/pretraining_texts.h"
#include "tests/test_util.h"

namespace ner {
namespace {

PretrainingTextOptions tiny_options(std::vector<std::filesystem::path> inputs) {
  PretrainingTextOptions options;
  options.inputs = std::move(inputs);
  options.config.tokenizer.vocab_size = 400;
  options.config.max_len = 16;
  return options;
}

std::vector<std::int32_t> ids_of(const Tokenizer& tokenizer, const std::string& text) {
  std::vector<std::int32_t> ids;
  for (const Piece& piece : tokenizer.encode(text))
    ids.push_back(piece.id);
  return ids;
}

// Every document's pieces, in order, in whole windows of its own, cut as
// evenly as max_len allows; nothing else.
void expect_windows_hold_the_documents(const PretrainingCorpus& corpus,
                                       const std::vector<std::string>& documents) {
  const Tokenizer tokenizer = Tokenizer::load(corpus.tokenizer_model);
  std::size_t window = 0;
  for (const std::string& text : documents) {
    const std::vector<std::int32_t> expected = ids_of(tokenizer, text);
    std::vector<std::int32_t> found;
    std::vector<std::int64_t> lengths;
    while (found.size() < expected.size() && window < corpus.window_count()) {
      const auto begin = corpus.window_offsets[window];
      const auto end = corpus.window_offsets[window + 1];
      lengths.push_back(end - begin);
      found.insert(found.end(), corpus.piece_ids.begin() + begin, corpus.piece_ids.begin() + end);
      ++window;
    }
    EXPECT_EQ(found, expected) << "a window crosses into the next document, or pieces differ: "
                               << text;
    ASSERT_FALSE(lengths.empty());
    const auto [shortest, longest] = std::minmax_element(lengths.begin(), lengths.end());
    EXPECT_LE(*longest, corpus.max_len);
    EXPECT_LE(*longest - *shortest, 1);
  }
  EXPECT_EQ(window, corpus.window_count());
}

TEST(BalancedWindowLengths, CutsIntoTheFewestEvenWindows) {
  using Lengths = std::vector<std::size_t>;
  EXPECT_EQ(balanced_window_lengths(0, 16), Lengths{});
  EXPECT_EQ(balanced_window_lengths(5, 16), Lengths{5});
  EXPECT_EQ(balanced_window_lengths(16, 16), Lengths{16});
  EXPECT_EQ(balanced_window_lengths(17, 16), (Lengths{8, 9}));
  EXPECT_EQ(balanced_window_lengths(33, 16), (Lengths{11, 11, 11}));
  EXPECT_THROW(balanced_window_lengths(3, 0), Error);
}

TEST(PieceStartsWord, SpaceMarkAndOtherWhitespace) {
  EXPECT_TRUE(piece_starts_word("\xE2\x96\x81GPT"));
  EXPECT_TRUE(piece_starts_word("\xE2\x96\x81"));
  EXPECT_TRUE(piece_starts_word("<0x0A>"));
  EXPECT_TRUE(piece_starts_word("<0x0D>"));
  EXPECT_TRUE(piece_starts_word("\n"));
  EXPECT_FALSE(piece_starts_word("GPT"));
  EXPECT_FALSE(piece_starts_word("<0x41>"));
  EXPECT_FALSE(piece_starts_word("<0xE2>"));
  EXPECT_FALSE(piece_starts_word("<unk>"));
  EXPECT_FALSE(piece_starts_word(""));
}

TEST(PretrainingText, WindowsHoldEveryDocumentOfFoldersAndJsonLines) {
  testing::TempDir dir;
  const testing::SampleTexts texts = testing::write_sample_texts(dir);
  std::vector<std::string> lines;
  PretrainingTextOptions options = tiny_options({texts.folder, texts.jsonl});
  options.log = [&](const std::string& line) { lines.push_back(line); };
  PretrainingTextReport report;
  const PretrainingCorpus corpus = build_pretraining_corpus(options, report);

  EXPECT_TRUE(report.tokenizer_trained);
  EXPECT_GT(report.training_lines, 5u);
  EXPECT_EQ(report.empty_documents, 2u);
  EXPECT_EQ(report.skipped_documents, 0u);
  EXPECT_EQ(corpus.documents, 5);
  EXPECT_EQ(corpus.sources,
            (std::vector<std::string>{texts.folder.string(), texts.jsonl.string()}));
  EXPECT_EQ(corpus.source_documents, (std::vector<std::int64_t>{3, 2}));
  std::int64_t bytes = 0;
  for (const std::string& text : texts.documents)
    bytes += static_cast<std::int64_t>(text.size());
  EXPECT_EQ(corpus.text_bytes, bytes);
  EXPECT_EQ(corpus.max_len, 16);
  EXPECT_GT(corpus.window_count(), texts.documents.size()) << "a.txt needs several windows";
  expect_windows_hold_the_documents(corpus, texts.documents);

  const Tokenizer tokenizer = Tokenizer::load(corpus.tokenizer_model);
  ASSERT_EQ(corpus.vocab_size, tokenizer.vocab_size());
  ASSERT_EQ(corpus.starts_word.size(), static_cast<std::size_t>(corpus.vocab_size));
  std::vector<std::string> flagged;
  for (int id = 0; id < corpus.vocab_size; ++id) {
    const std::string piece = tokenizer.piece_text(id);
    EXPECT_EQ(corpus.starts_word[static_cast<std::size_t>(id)], piece_starts_word(piece) ? 1 : 0)
        << piece;
    if (corpus.starts_word[static_cast<std::size_t>(id)] != 0) flagged.push_back(piece);
  }
  for (const char* piece : {"\xE2\x96\x81", "<0x0A>", "<0x09>"})
    EXPECT_NE(std::find(flagged.begin(), flagged.end(), piece), flagged.end()) << piece;
  EXPECT_GT(flagged.size(), 8u);

  // A line per input, with the counts so far.
  ASSERT_GE(lines.size(), 3u);
  EXPECT_NE(lines[lines.size() - 2].find("texts: 3 documents; 3 documents,"), std::string::npos)
      << lines[lines.size() - 2];
  EXPECT_NE(lines.back().find("docs.jsonl: 2 documents; 5 documents, " +
                              std::to_string(corpus.piece_count()) + " pieces so far"),
            std::string::npos)
      << lines.back();
}

TEST(PretrainingText, ReusesAGivenTokenizerByteForByte) {
  testing::TempDir dir;
  const testing::SampleTexts texts = testing::write_sample_texts(dir);
  PretrainingTextReport report;
  const PretrainingCorpus trained =
      build_pretraining_corpus(tiny_options({texts.folder, texts.jsonl}), report);
  const auto model = dir.path() / "spm.model";
  write_file_atomically(model, trained.tokenizer_model);

  PretrainingTextOptions options = tiny_options({texts.jsonl});
  options.tokenizer_model = model;
  options.config.tokenizer.vocab_size = 5000;  // ignored: the model decides
  const PretrainingCorpus reused = build_pretraining_corpus(options, report);
  EXPECT_FALSE(report.tokenizer_trained);
  EXPECT_EQ(report.training_lines, 0u);
  EXPECT_EQ(reused.tokenizer_model, trained.tokenizer_model);
  EXPECT_EQ(reused.vocab_size, trained.vocab_size);
  EXPECT_EQ(reused.starts_word, trained.starts_word);
  expect_windows_hold_the_documents(reused, {texts.documents[3], texts.documents[4]});
}

TEST(PretrainingText, MalformedLinesFailWithFileAndLineOrAreSkippedAndCounted) {
  testing::TempDir dir;
  const testing::SampleTexts texts = testing::write_sample_texts(dir);
  const auto bad = dir.write("bad.jsonl", "{\"text\": \"" + testing::sample_paragraph(9, 4) +
                                              "\"}\n"
                                              "not json\n"
                                              "{\"id\": 3}\n"
                                              "{\"text\": 5}\n"
                                              "[\"text\"]\n"
                                              "{\"text\": \"caf\xC3\"}\n"
                                              "{\"text\": \"nul \\u0000\"}\n");
  PretrainingTextReport report;
  try {
    build_pretraining_corpus(tiny_options({texts.folder, bad}), report);
    ADD_FAILURE() << "a malformed line was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(bad.string() + ":2: not JSON"), std::string::npos)
        << error.what();
  }

  PretrainingTextOptions options = tiny_options({texts.folder, bad});
  options.on_error = OnError::kSkip;
  std::vector<SkippedDocument> skipped;
  options.on_skip = [&](const SkippedDocument& document) { skipped.push_back(document); };
  const PretrainingCorpus corpus = build_pretraining_corpus(options, report);
  EXPECT_EQ(report.skipped_documents, 6u);
  EXPECT_EQ(corpus.documents, 4);
  EXPECT_EQ(corpus.source_documents, (std::vector<std::int64_t>{3, 1}));
  ASSERT_EQ(skipped.size(), 6u) << "each skip reported once, not once per pass";
  const std::string file = bad.string();
  EXPECT_EQ(skipped[0].path, file + ":2");
  EXPECT_EQ(skipped[1].reason, file + ":3: no string \"text\"");
  EXPECT_EQ(skipped[2].reason, file + ":4: no string \"text\"");
  EXPECT_EQ(skipped[3].reason, file + ":5: not a JSON object");
  EXPECT_EQ(skipped[4].reason, file + ":6: not UTF-8 at byte 13");
  EXPECT_EQ(skipped[5].reason, file + ":7: a NUL byte at byte 4");
}

TEST(PretrainingText, TextFilesMustBeUtf8) {
  testing::TempDir dir;
  const testing::SampleTexts texts = testing::write_sample_texts(dir);
  const auto latin1 = dir.write("texts/z.txt", "caf\xE9 au lait");
  PretrainingTextReport report;
  try {
    build_pretraining_corpus(tiny_options({texts.folder}), report);
    ADD_FAILURE() << "a Latin-1 file was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), latin1.string() + ": not UTF-8 at byte 3");
  }
  PretrainingTextOptions options = tiny_options({texts.folder});
  options.on_error = OnError::kSkip;
  EXPECT_EQ(build_pretraining_corpus(options, report).documents, 3);
  EXPECT_EQ(report.skipped_documents, 1u);
}

TEST(PretrainingText, StopsAfterMaxDocuments) {
  testing::TempDir dir;
  const testing::SampleTexts texts = testing::write_sample_texts(dir);
  PretrainingTextOptions options = tiny_options({texts.jsonl, texts.folder});
  options.max_documents = 3;
  PretrainingTextReport report;
  const PretrainingCorpus corpus = build_pretraining_corpus(options, report);
  EXPECT_EQ(corpus.documents, 3);
  EXPECT_EQ(corpus.source_documents, (std::vector<std::int64_t>{2, 1}));
  expect_windows_hold_the_documents(corpus,
                                    {texts.documents[3], texts.documents[4], texts.documents[0]});
}

TEST(PretrainingText, RefusesInputsWithoutText) {
  testing::TempDir dir;
  dir.write("only-jsonl/docs.jsonl", "{\"text\": \"x\"}\n");
  PretrainingTextReport report;
  try {
    build_pretraining_corpus(tiny_options({dir.path() / "only-jsonl"}), report);
    ADD_FAILURE() << "a folder without *.txt was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("no *.txt documents found"), std::string::npos)
        << error.what();
  }
  const auto blank = dir.write("blank.jsonl", "{\"text\": \"  \"}\n\n");
  EXPECT_THROW(build_pretraining_corpus(tiny_options({blank}), report), Error);
}

}  // namespace
}  // namespace ner
