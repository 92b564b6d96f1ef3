// End-to-end tests of `ner-train prepare-text`: exit codes, messages and the
// file it writes, through ner-train where it is built (LibTorch) and through
// ner-train-prepare's `text` mode, which ner-train runs, everywhere.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/file_io.h"
#include "datasets/pretraining_corpus.h"
#include "tests/pretraining_texts.h"
#include "tests/test_util.h"

namespace ner {
namespace {

using testing::run_command;

std::string prepare_text() {
#ifdef NER_TRAIN_BIN
  return std::string(NER_TRAIN_BIN) + " prepare-text";
#else
  return std::string(NER_PREPARE_BIN) + " text";
#endif
}

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

const std::string kTiny = " --set tokenizer.vocab_size=400 --set data.max_len=16";

TEST(PrepareTextCli, WritesTheCorpusAndSaysWhatItHolds) {
  testing::TempDir dir;
  const testing::SampleTexts texts = testing::write_sample_texts(dir);
  const auto out = dir.path() / "out" / "text.h5";
  const auto result = run_command(prepare_text() + " --text " + quoted(texts.folder) + " --text " +
                                  quoted(texts.jsonl) + " --out " + quoted(out) + kTiny);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const PretrainingCorpus corpus = read_pretraining_corpus(out);
  EXPECT_EQ(corpus.documents, 5);
  EXPECT_EQ(corpus.max_len, 16);
  EXPECT_NE(result.err.find("prepare-text: 5 documents, " + std::to_string(corpus.piece_count()) +
                            " pieces, " + std::to_string(corpus.window_count()) + " windows;"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("pieces/s; wrote " + out.string()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("docs.jsonl: 2 documents"), std::string::npos) << result.err;

  // The tokenizer it trained, given back, is kept as it is.
  const auto model = dir.path() / "spm.model";
  write_file_atomically(model, corpus.tokenizer_model);
  const auto again = dir.path() / "again.h5";
  const auto reused =
      run_command(prepare_text() + " --text " + quoted(texts.jsonl) + " --out " + quoted(again) +
                  " --tokenizer " + quoted(model) + " --max-docs 1 --set data.max_len=16");
  ASSERT_EQ(reused.exit_code, 0) << reused.err;
  const PretrainingCorpus one = read_pretraining_corpus(again);
  EXPECT_EQ(one.tokenizer_model, corpus.tokenizer_model);
  EXPECT_EQ(one.documents, 1);
}

TEST(PrepareTextCli, MalformedLineFailsOrIsSkippedWithExitCodeOne) {
  testing::TempDir dir;
  const testing::SampleTexts texts = testing::write_sample_texts(dir);
  const auto bad = dir.write("bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": \n");
  const auto out = dir.path() / "text.h5";
  const std::string command = prepare_text() + " --text " + quoted(texts.folder) + " --text " +
                              quoted(bad) + " --out " + quoted(out) + kTiny;
  const auto failed = run_command(command);
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_NE(failed.err.find("error: " + bad.string() + ":2: not JSON"), std::string::npos)
      << failed.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  const auto skipped = run_command(command + " --on-error=skip");
  EXPECT_EQ(skipped.exit_code, 1) << skipped.err;
  EXPECT_NE(skipped.err.find("skipped: " + bad.string() + ":2: not JSON"), std::string::npos)
      << skipped.err;
  EXPECT_NE(skipped.err.find("skipped 1 of 5 documents"), std::string::npos) << skipped.err;
  EXPECT_EQ(read_pretraining_corpus(out).documents, 4);
}

TEST(PrepareTextCli, RefusesBadUsageBeforeAnyWork) {
  testing::TempDir dir;
  const testing::SampleTexts texts = testing::write_sample_texts(dir);
  const auto inside = run_command(prepare_text() + " --text " + quoted(texts.folder) + " --out " +
                                  quoted(texts.folder / "text.h5"));
  EXPECT_EQ(inside.exit_code, 2);
  EXPECT_NE(inside.err.find("--out"), std::string::npos) << inside.err;
  EXPECT_EQ(inside.err.find("prepare-text: training"), std::string::npos) << inside.err;

  const auto missing = run_command(prepare_text() + " --text /nonexistent/texts --out " +
                                   quoted(dir.path() / "x.h5"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/texts"), std::string::npos) << missing.err;

  const auto negative = run_command(prepare_text() + " --text " + quoted(texts.folder) + " --out " +
                                    quoted(dir.path() / "x.h5") + " --max-docs -1");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.err.find("give a whole number, 0 or more"), std::string::npos) << negative.err;

  EXPECT_EQ(run_command(prepare_text() + " --out " + quoted(dir.path() / "x.h5")).exit_code, 2);
  const auto dump = run_command(prepare_text() + " --set data.max_len=99 --dump-config");
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("max_len: 99"), std::string::npos) << dump.out;
  EXPECT_EQ(run_command(prepare_text() + " --help").exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x.h5"));
}

}  // namespace
}  // namespace ner
