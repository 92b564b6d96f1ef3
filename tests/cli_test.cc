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

namespace ner {
namespace {

class NerCorpusLabelCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("papers/a.txt",
               "We trained GPT-3 with 175B parameters on 512 NVIDIA A100 GPUs for 21 days.\n");
    dir_.write("papers/sub/b.txt", "Nothing here but 300B tokens, from Sweden.\r\n");
    dir_.write("more.jsonl",
               "{\"id\": \"arxiv:1\", \"text\": \"BERT was released in 2018 <p>by Google</p>.\"}\n"
               "\n"
               "{\"id\": \"x/2\", \"text\": \"Σ café: Llama 2 (7B parameters).\"}\n");
    dir_.write("models.csv", "Model,Notes\n\"Llama 2\",\"a, quoted \"\"note\"\"\"\nBERT,x\n");
    dir_.write("gold/a.txt",
               "We trained <model>GPT-3</model> with <params>175B</params> parameters on "
               "<hardware>512 NVIDIA A100 GPUs</hardware> for <training>21 days</training>.\n");
    dir_.write("gold/sub/b.txt",
               "Nothing here but 300B tokens, from <country>Sweden</country>.\r\n");
  }
  std::string path(const std::string& relative) const { return (dir_.path() / relative).string(); }
  testing::TempDir dir_;
};

TEST_F(NerCorpusLabelCli, WritesEveryByteBackWithTagsAndReportsEachFunction) {
  const auto result = run_command(corpus_tool() + " label '" + path("papers") + "' '" +
                                  path("more.jsonl") + "' --out '" + path("out") + "' --models '" +
                                  path("models.csv") + ":Model' --jsonl '" + path("out.jsonl") +
                                  "' --report '" + path("report.json") + "' --progress none");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("model_names"), std::string::npos) << result.out;
  EXPECT_EQ(testing::read_text_file(path("out/a.txt")),
            "We trained <model>GPT-3</model> with <params>175B</params> parameters on "
            "<hardware>512 NVIDIA A100 GPUs</hardware> for <training>21 days</training>.\n");
  EXPECT_EQ(testing::read_text_file(path("out/more/arxiv_1.txt")),
            "<model>BERT</model> was released in <year>2018</year> <p>by Google</p>.");
  EXPECT_EQ(testing::read_text_file(path("out/more/x_2.txt")),
            "Σ café: <model>Llama 2</model> (<params>7B</params> parameters).");
  // Stripping the tags gives back every input byte.
  ASSERT_EQ(
      run_command(corpus_tool() + " strip '" + path("out") + "' --out '" + path("plain") + "'")
          .exit_code,
      0);
  EXPECT_EQ(testing::read_text_file(path("plain/sub/b.txt")),
            testing::read_text_file(path("papers/sub/b.txt")));
  const auto report = nlohmann::json::parse(testing::read_text_file(path("report.json")));
  EXPECT_EQ(report["documents"], 4);
  EXPECT_EQ(report["functions"]["chip_names"]["spans"], 1);
  EXPECT_EQ(report["knowledge"]["user_models"], 2);
  EXPECT_TRUE(report["unknown_ranges"].contains("name-like"));
  // The JSON Lines name each span's function, with code-point offsets.
  const std::string jsonl = testing::read_text_file(path("out.jsonl"));
  const auto last = nlohmann::json::parse(jsonl.substr(jsonl.rfind('\n', jsonl.size() - 2) + 1));
  EXPECT_EQ(last["entities"][0]["function"], "model_names");
  EXPECT_EQ(last["entities"][0]["start"], 8);  // "Σ café: " is 8 code points
}

TEST_F(NerCorpusLabelCli, ScoresEachFunctionAgainstGold) {
  const auto result = run_command(corpus_tool() + " label '" + path("papers") + "' --out '" +
                                  path("out") + "' --gold '" + path("gold") + "' --report '" +
                                  path("report.json") + "' --progress none");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto report = nlohmann::json::parse(testing::read_text_file(path("report.json")));
  EXPECT_EQ(report["functions"]["chip_names"]["gold_strict"]["precision"], 1.0);
  EXPECT_EQ(report["labeller"]["micro"]["strict"]["gold"], 5);
  EXPECT_EQ(report["labeller"]["micro"]["strict"]["correct"], 5);
  EXPECT_EQ(report["labeller"]["micro"]["strict"]["predicted"], 5);
  EXPECT_NE(result.out.find("labeller against"), std::string::npos);
}

TEST_F(NerCorpusLabelCli, BadKnowledgeAndInputsNameTheFileAndLine) {
  const auto label = [&](const std::string& arguments) {
    return run_command(corpus_tool() + " label '" + path("papers") + "' --progress none --out '" +
                       path("out") + "' " + arguments);
  };
  auto result = label("--models '" + path("models.csv") + ":Name'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("models.csv: no column 'Name'; its columns are: Model, Notes"),
            std::string::npos)
      << result.err;
  dir_.write("latin1.csv", "Model\nGPT-3\nCaf\xe9-7B\n");
  result = label("--models '" + path("latin1.csv") + ":Model'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("latin1.csv:3:4: invalid UTF-8"), std::string::npos) << result.err;
  dir_.write("empty.csv", "");
  result = label("--chips '" + path("empty.csv") + ":Hardware'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("empty.csv: empty"), std::string::npos) << result.err;
  result = label("--models '" + path("models.csv") + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("expected FILE:COLUMN"), std::string::npos) << result.err;
  dir_.write("bad.jsonl", "{\"id\": \"1\", \"text\": \"fine\"}\n{\"id\": 2}\n");
  result = run_command(corpus_tool() + " label '" + path("bad.jsonl") + "' --out '" + path("out2") +
                       "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("bad.jsonl:2: expected an object with a string \"text\""),
            std::string::npos)
      << result.err;
  // A document whose text reads as an entity tag is reported and left out.
  dir_.write("tagish/a.txt", "plain text about GPT-3\n");
  dir_.write("tagish/b.txt", "a literal <model> tag in the text\n");
  result = run_command(corpus_tool() + " label '" + path("tagish") + "' --out '" + path("out3") +
                       "' --progress none");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("skipped b.txt"), std::string::npos) << result.err;
  EXPECT_TRUE(std::filesystem::exists(path("out3/a.txt")));
  EXPECT_FALSE(std::filesystem::exists(path("out3/b.txt")));
  // An existing, non-empty output folder is never written into.
  result =
      run_command(corpus_tool() + " label '" + path("papers") + "' --out '" + path("papers") + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("exists and is not an empty directory"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path("out2")));
}

}  // namespace
}  // namespace ner
