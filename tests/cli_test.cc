// End-to-end tests of the command-line tools: exit codes, messages, output,
// and that the LibTorch-free tools really do not load LibTorch.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_util.h"

namespace ner {
namespace {

using testing::run_command;

std::string corpus_tool() {
  return NER_CORPUS_BIN;
}

TEST(NerCorpusCli, StatsOnSeedsAsJson) {
  const auto result =
      run_command(corpus_tool() + " stats --json '" + testing::seeds_dir().string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["documents"], 3);
  EXPECT_EQ(json["entities"], 28);
  EXPECT_EQ(json["skipped"], 0);
  EXPECT_EQ(json["types"]["training"]["mentions"], 3);
}

TEST(NerCorpusCli, StatsTable) {
  const auto result =
      run_command(corpus_tool() + " stats --top 3 '" + testing::seeds_dir().string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Most common forms (top 3)"), std::string::npos);
  EXPECT_NE(result.out.find("512 NVIDIA A100 GPUs"), std::string::npos);
}

TEST(NerCorpusCli, MalformedDocumentFailsWithLocationAndExitCode2) {
  testing::TempDir dir;
  dir.write("good.txt", "<model>A</model>");
  const auto bad = dir.write("sub/bad.txt", "x\n  <year>2020</model>");
  const auto result = run_command(corpus_tool() + " stats '" + dir.path().string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(bad.string() + ":2:13: closing tag </model> does not match <year>"),
            std::string::npos)
      << result.err;
  EXPECT_TRUE(result.out.empty());
}

TEST(NerCorpusCli, SkipReportsEachFileAndACount) {
  testing::TempDir dir;
  dir.write("good.txt", "<model>A</model>");
  dir.write("bad1.txt", "<model></model>");
  dir.write("bad2.txt", std::string("nul\0", 4));
  const auto result =
      run_command(corpus_tool() + " stats --json --on-error=skip '" + dir.path().string() + "'");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("bad1.txt:1:1: empty <model> entity"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("bad2.txt:1:4: NUL byte"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("skipped 2 of 3 documents"), std::string::npos) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["documents"], 1);
  EXPECT_EQ(json["skipped"], 2);
}

TEST(NerCorpusCli, UsageErrors) {
  EXPECT_EQ(run_command(corpus_tool()).exit_code, 2);
  EXPECT_EQ(run_command(corpus_tool() + " stats").exit_code, 2);
  EXPECT_EQ(run_command(corpus_tool() + " stats --on-error=ignore .").exit_code, 2);
  const auto missing = run_command(corpus_tool() + " stats /nonexistent/dir");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/dir: no such file or directory"), std::string::npos);
  testing::TempDir empty;
  const auto none = run_command(corpus_tool() + " stats '" + empty.path().string() + "'");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no *.txt documents found"), std::string::npos);
  const auto help = run_command(corpus_tool() + " stats --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--on-error"), std::string::npos);
}

TEST(NerCorpusCli, GenerateWritesWeakAndGoldTwinsThatReadBack) {
  testing::TempDir dir;
  const std::string out = (dir.path() / "weak").string();
  const std::string gold = (dir.path() / "gold").string();
  const auto result =
      run_command(corpus_tool() + " generate --docs 40 --seed 3 --threads 2 --out '" + out +
                  "' --gold '" + gold + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("wrote 40 documents"), std::string::npos) << result.err;
  for (const std::string& corpus : {out, gold}) {
    const auto stats = run_command(corpus_tool() + " stats --json '" + corpus + "'");
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    EXPECT_EQ(nlohmann::json::parse(stats.out)["documents"], 40);
  }
  const auto raw = run_command(corpus_tool() + " generate --docs 3 --raw --out '" + out + "-raw'");
  EXPECT_EQ(raw.exit_code, 2);
  EXPECT_NE(raw.err.find("--gold"), std::string::npos) << raw.err;
  const auto style =
      run_command(corpus_tool() + " generate --docs 3 --style poetry --out '" + out + "'");
  EXPECT_EQ(style.exit_code, 2);
  EXPECT_NE(style.err.find("unknown style 'poetry'"), std::string::npos) << style.err;
}

TEST(NerCorpusCli, StatsOfADatasetFile) {
  testing::TempDir dir;
  const auto out = dir.path() / "weak";
  const auto gold = dir.path() / "gold";
  ASSERT_EQ(run_command(corpus_tool() + " generate --docs 60 --out '" + out.string() +
                        "' --gold '" + gold.string() + "'")
                .exit_code,
            0);
  const auto dataset = dir.path() / "data.h5";
  const auto prepared = run_command(
      std::string(NER_PREPARE_BIN) + " --set tokenizer.vocab_size=400 --data '" + out.string() +
      "' --gold '" + gold.string() + "' --out '" + dataset.string() + "'");
  ASSERT_EQ(prepared.exit_code, 0) << prepared.err;
  EXPECT_NE(prepared.err.find("entity boundaries inside a piece"), std::string::npos)
      << prepared.err;
  const auto stats =
      run_command(corpus_tool() + " stats --json --dataset '" + dataset.string() + "'");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const auto json = nlohmann::json::parse(stats.out);
  EXPECT_EQ(json["splits"]["dev"]["label_source"], "gold");
  EXPECT_EQ(json["splits"]["train"]["label_source"], "weak");
  EXPECT_EQ(json["splits"]["train"]["documents"].get<int>() +
                json["splits"]["dev"]["documents"].get<int>() +
                json["splits"]["test"]["documents"].get<int>(),
            60);
  const auto corrupt = run_command(corpus_tool() + " stats --dataset '" +
                                   dir.write("bad.h5", "junk").string() + "'");
  EXPECT_EQ(corrupt.exit_code, 2);
  EXPECT_NE(corrupt.err.find("not an HDF5 file"), std::string::npos) << corrupt.err;
}

// The corpus tools (and later the tagger) must run without LibTorch.
TEST(NerCorpusCli, DoesNotLinkLibTorch) {
  const auto result = run_command("ldd " + corpus_tool());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("libc.so"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("libtorch"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("libc10"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace ner
