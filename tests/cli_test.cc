// End-to-end tests of the command-line tools: exit codes, messages, output,
// and that the LibTorch-free tools really do not load LibTorch.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

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
      std::string(NER_PREPARE_BIN) + " --set tokenizer.vocab_size=400 --corpus '" + out.string() +
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

// Self-training: a teacher's confident entities join the distant labels;
// one a label already has agrees, a low-scored one and one the knowledge
// tables know as no entity (a benchmark) are left out, and the report counts each.
TEST_F(NerCorpusLabelCli, TeacherEntitiesJoinTheDistantLabels) {
  dir_.write("plain/c.txt", "Zeta-9 beats Omega-2 and GPT-3 on MMLU.\n");
  const auto entity = [](int start, int end, const char* label, double score) {
    return nlohmann::json{{"start", start}, {"end", end}, {"label", label}, {"score", score}};
  };
  const nlohmann::json teacher = {{"document", "c.txt"},
                                  {"text", "Zeta-9 beats Omega-2 and GPT-3 on MMLU.\n"},
                                  {"entities",
                                   {entity(0, 6, "model", 0.95), entity(13, 20, "model", 0.5),
                                    entity(25, 30, "model", 0.99), entity(34, 38, "model", 0.97)}}};
  dir_.write("teacher/c.jsonl", teacher.dump() + "\n");
  const auto result =
      run_command(corpus_tool() + " label '" + path("plain") + "' --out '" + path("out") +
                  "' --teacher '" + path("teacher") + "' --teacher-min-score 0.9 --report '" +
                  path("report.json") + "' --progress none");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::read_text_file(path("out/c.txt")),
            "<model>Zeta-9</model> beats Omega-2 and <model>GPT-3</model> on MMLU.\n");
  const auto report = nlohmann::json::parse(testing::read_text_file(path("report.json")));
  EXPECT_EQ(report["teacher"]["offered"], 4);
  EXPECT_EQ(report["teacher"]["added"], 1);
  EXPECT_EQ(report["teacher"]["agreed"], 1);
  EXPECT_EQ(report["teacher"]["below_threshold"], 1);
  EXPECT_EQ(report["teacher"]["contradicts_knowledge"], 1);
  EXPECT_EQ(report["teacher"]["least_score"]["model"], 0.9);
  EXPECT_NE(result.out.find("teacher "), std::string::npos) << result.out;
  // A per-type least score lets the low one in; a teacher for other texts is refused.
  const auto lower = run_command(corpus_tool() + " label '" + path("plain") + "' --out '" +
                                 path("out2") + "' --teacher '" + path("teacher") +
                                 "' --teacher-threshold model=0.4 --progress none");
  ASSERT_EQ(lower.exit_code, 0) << lower.err;
  EXPECT_NE(testing::read_text_file(path("out2/c.txt")).find("<model>Omega-2</model>"),
            std::string::npos);
  dir_.write("other/c.txt", "Something else entirely.\n");
  const auto other = run_command(corpus_tool() + " label '" + path("other") + "' --out '" +
                                 path("out3") + "' --teacher '" + path("teacher") + "'");
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("the teacher's text of c.txt is not the input's"), std::string::npos)
      << other.err;
  const auto bad =
      run_command(corpus_tool() + " label '" + path("plain") + "' --out '" + path("out4") +
                  "' --teacher '" + path("teacher") + "' --teacher-threshold model=2");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--teacher-threshold model=2: expected TYPE=SCORE"), std::string::npos)
      << bad.err;
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
  // An existing, non-empty output folder is not written into without --force.
  result = run_command(corpus_tool() + " label '" + path("papers") + "' --out '" + path("out3") +
                       "' --progress none");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--out " + path("out3") + " already holds files"), std::string::npos)
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(path("out2")));
}

// Nothing label writes may replace what it reads: inputs, gold, tables.
TEST_F(NerCorpusLabelCli, OutputsNeverReplaceInputs) {
  const std::string models = dir_.write("models.csv", "Model\nGPT-3\n").string();
  const auto label = [&](const std::string& arguments) {
    return run_command(corpus_tool() + " label '" + path("papers") +
                       "' --progress none --models '" + models + ":Model' " + arguments);
  };
  auto result = label("--out '" + path("papers") + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "ner-corpus: error: --out " + path("papers") + " would replace the input " +
                            path("papers") + "; choose another --out\n");
  result = label("--out '" + path("out") + "' --report '" + models + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(
      result.err.find("--report " + models + " would replace the input " + models + " (--models)"),
      std::string::npos)
      << result.err;
  result = label("--out '" + path("out") + "' --jsonl '" + path("papers/a.txt") + "'");
  EXPECT_EQ(result.exit_code, 2);
  result = label("--out '" + path("out") + "' --gold '" + path("out/..") + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("lies inside the input"), std::string::npos) << result.err;
  EXPECT_EQ(testing::read_text_file(models), "Model\nGPT-3\n");
  EXPECT_FALSE(std::filesystem::exists(path("out")));
  // With --force, a used folder gets the new corpus alone.
  dir_.write("out/old.txt", "an old document");
  result = label("--out '" + path("out") + "' --force");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(std::filesystem::exists(path("out/old.txt")));
  EXPECT_TRUE(std::filesystem::exists(path("out/a.txt")));
}

}  // namespace
}  // namespace ner

namespace ner {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

std::string quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

std::string prepare_tool() {
  return NER_PREPARE_BIN;
}

// Counts follow one rule in every command: a whole number in range, and a
// message that says what to give instead.
TEST(CommandLine, CountsMustBeWholeNumbersInRange) {
  testing::TempDir dir;
  const std::string out = quoted(dir.path() / "out");
  const auto negative = run_command(corpus_tool() + " generate --threads -1 --out " + out);
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_EQ(negative.err,
            "ner-corpus: error: --threads: -1 is not allowed: give a whole number, 0 or more (0: "
            "all cores) (see --help)\n");
  const auto word = run_command(corpus_tool() + " generate --threads abc --out " + out);
  EXPECT_EQ(word.exit_code, 2);
  EXPECT_NE(word.err.find("--threads: abc is not allowed: give a whole number"), std::string::npos)
      << word.err;
  const auto no_documents = run_command(corpus_tool() + " generate --docs 0 --out " + out);
  EXPECT_EQ(no_documents.exit_code, 2);
  EXPECT_NE(no_documents.err.find("--docs: 0 is not allowed: give a whole number from 1 to "
                                  "100000000"),
            std::string::npos)
      << no_documents.err;
  const auto top = run_command(corpus_tool() + " stats --top 2.5 " + out);
  EXPECT_EQ(top.exit_code, 2);
  EXPECT_NE(top.err.find("--top: 2.5 is not allowed"), std::string::npos) << top.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
}

// A mistyped subcommand or option is named as such, never answered with help
// and exit 0 or with a complaint about some other option.
TEST(CommandLine, MistakesAreNamedAsTheyWereTyped) {
  const auto subcommand = run_command(corpus_tool() + " no-such-command --help");
  EXPECT_EQ(subcommand.exit_code, 2);
  EXPECT_EQ(subcommand.out, "");
  EXPECT_NE(subcommand.err.find("no subcommand 'no-such-command'; the subcommands are: "),
            std::string::npos)
      << subcommand.err;
  EXPECT_NE(subcommand.err.find("stats"), std::string::npos) << subcommand.err;
  const auto none = run_command(corpus_tool());
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("give a subcommand: "), std::string::npos) << none.err;

  for (const std::string& tool : {std::string(NER_TAG_BIN), std::string(NER_EVAL_BIN)}) {
    const auto bogus = run_command(tool + " --bogus");
    EXPECT_EQ(bogus.exit_code, 2);
    EXPECT_NE(bogus.err.find("error: unknown option --bogus (see --help)"), std::string::npos)
        << tool << ": " << bogus.err;
    const auto with_value = run_command(tool + " --bogus=3 -q");
    EXPECT_NE(with_value.err.find("unknown option --bogus"), std::string::npos) << with_value.err;
  }
  const auto short_flag = run_command(std::string(NER_TAG_BIN) + " -m model.nerm -q");
  EXPECT_NE(short_flag.err.find("unknown option -q"), std::string::npos) << short_flag.err;
  // A negative number is a value (CountsMustBeWholeNumbersInRange checks
  // that "--threads -1" keeps its own message).
  const auto stats = run_command(corpus_tool() + " stats");
  EXPECT_EQ(stats.exit_code, 2);
  EXPECT_NE(stats.err.find("give a corpus INPUT (a directory or file) or --dataset FILE.h5"),
            std::string::npos)
      << stats.err;
}

// ner-corpus generate writes one corpus: a used folder is refused, and with
// --force its old documents go first (other files stay).
TEST(NerCorpusCli, GenerateReplacesAnOldCorpusOnlyWithForce) {
  testing::TempDir dir;
  const fs::path out = dir.path() / "weak";
  const fs::path gold = dir.path() / "gold";
  const std::string generate =
      corpus_tool() + " generate --progress none --out " + quoted(out) + " --gold " + quoted(gold);
  ASSERT_EQ(run_command(generate + " --docs 4 --name-split").exit_code, 0);
  dir.write("weak/notes.md", "kept");
  const auto refused = run_command(generate + " --docs 2");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err, "ner-corpus: error: --out " + out.string() +
                             " already holds files, which would mix with the new ones; choose a "
                             "new or empty folder, or add --force to write over its corpus\n");
  const auto forced = run_command(generate + " --docs 2 --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  for (const fs::path& folder : {out, gold}) {
    const auto stats = run_command(corpus_tool() + " stats --json " + quoted(folder));
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    EXPECT_EQ(nlohmann::json::parse(stats.out)["documents"], 2) << folder;
    EXPECT_FALSE(fs::exists(folder / "train")) << folder;
  }
  EXPECT_EQ(testing::read_text_file(out / "notes.md"), "kept");
  const auto same = run_command(corpus_tool() + " generate --docs 2 --out " + quoted(out) +
                                " --gold " + quoted(out / ".." / "weak" / "g"));
  EXPECT_EQ(same.exit_code, 2);
  EXPECT_NE(same.err.find("are the same folder or one holds the other"), std::string::npos)
      << same.err;
}

// strip never writes over its input: not onto it, not inside it, not around
// it, whichever way the path is spelt.
TEST(NerCorpusCli, StripRefusesToWriteOverItsInput) {
  testing::TempDir dir;
  const std::string tagged = "We trained <model>GPT-3</model>.\n";
  const fs::path corpus = dir.path() / "corpus";
  dir.write("corpus/a.txt", tagged);
  dir.write("corpus/sub/b.txt", tagged);
  fs::create_directory_symlink(corpus, dir.path() / "link");
  const auto strip = [&](const fs::path& input, const fs::path& out) {
    return run_command(corpus_tool() + " strip " + quoted(input) + " --out " + quoted(out));
  };
  const auto onto = strip(corpus, corpus);
  EXPECT_EQ(onto.exit_code, 2);
  EXPECT_EQ(onto.err, "ner-corpus: error: --out " + corpus.string() + " would replace the input " +
                          corpus.string() + "; choose another --out\n");
  for (const auto& [input, out] :
       std::vector<std::pair<fs::path, fs::path>>{{corpus / "a.txt", corpus / "a.txt"},
                                                  {corpus, dir.path() / "link"},
                                                  {corpus, corpus / ".." / "corpus"},
                                                  {corpus, corpus / "plain"},
                                                  {corpus / "sub", corpus},
                                                  {dir.path() / "link" / "a.txt", corpus}}) {
    const auto result = strip(input, out);
    EXPECT_EQ(result.exit_code, 2) << input << " " << out;
    EXPECT_NE(result.err.find(input.string()), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(out.string()), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("wrote"), std::string::npos) << result.err;
  }
  EXPECT_EQ(testing::read_text_file(corpus / "a.txt"), tagged);
  EXPECT_EQ(testing::read_text_file(corpus / "sub" / "b.txt"), tagged);
  EXPECT_FALSE(fs::exists(corpus / "plain"));
  // A used output folder is refused unless --force.
  dir.write("plain/old.txt", "an old document");
  EXPECT_EQ(strip(corpus, dir.path() / "plain").exit_code, 2);
  const auto forced = run_command(corpus_tool() + " strip " + quoted(corpus) + " --out " +
                                  quoted(dir.path() / "plain") + " --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(fs::exists(dir.path() / "plain" / "old.txt"));
  EXPECT_EQ(testing::read_text_file(dir.path() / "plain" / "a.txt"), "We trained GPT-3.\n");
}

// A bar on screen when an error stops the work ends its line: the error line
// is never glued to it.
TEST(NerCorpusCli, AnErrorAfterTheProgressBarStartsItsOwnLine) {
  testing::TempDir dir;
  // The second document's gold twin cannot be written: a folder holds its name.
  dir.write("gold/000001.txt/keep.md", "a folder in the way");
  const auto result =
      run_command(corpus_tool() + " generate --docs 3 --threads 1 --progress bar --force --out " +
                  quoted(dir.path() / "weak") + " --gold " + quoted(dir.path() / "gold"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("1/3 docs"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("\nner-corpus: error: "), std::string::npos) << result.err;
}

// Symbolic links that lead nowhere are documents that cannot be read: an
// error under --on-error=fail, reported and skipped under skip.
TEST(NerCorpusCli, BrokenLinksInACorpusAreReported) {
  testing::TempDir dir;
  dir.write("corpus/a.txt", "<model>BERT</model>");
  fs::create_symlink(dir.path() / "missing.txt", dir.path() / "corpus" / "dangling.txt");
  fs::create_symlink("loop.txt", dir.path() / "corpus" / "loop.txt");
  const std::string stats = corpus_tool() + " stats --json " + quoted(dir.path() / "corpus");
  const auto fail = run_command(stats);
  EXPECT_EQ(fail.exit_code, 2);
  EXPECT_NE(fail.err.find("dangling.txt: a symbolic link to " +
                          (dir.path() / "missing.txt").string() + ", which does not exist"),
            std::string::npos)
      << fail.err;
  const auto skip = run_command(stats + " --on-error=skip");
  EXPECT_EQ(skip.exit_code, 1) << skip.err;
  EXPECT_NE(skip.err.find("loop.txt: a symbolic-link loop"), std::string::npos) << skip.err;
  EXPECT_NE(skip.err.find("skipped 2 of 3 documents"), std::string::npos) << skip.err;
  EXPECT_EQ(nlohmann::json::parse(skip.out)["documents"], 1);
  fs::create_symlink("root-loop", dir.path() / "root-loop");
  const auto loop = run_command(corpus_tool() + " stats " + quoted(dir.path() / "root-loop"));
  EXPECT_EQ(loop.exit_code, 2);
  EXPECT_NE(loop.err.find("root-loop: a symbolic-link loop"), std::string::npos) << loop.err;
}

// prepare refuses an --out that would replace one of its inputs, and checks
// its paths before any progress line, so the error comes alone.
TEST(NerTrainPrepareCli, OutputNeverReplacesAnInputAndErrorsComeFirst) {
  testing::TempDir dir;
  const fs::path config = dir.write("data.yaml", "data:\n  max_len: 64\n");
  dir.write("corpus/a.txt", "<model>BERT</model> was trained in <year>2018</year>.\n");
  dir.write("gold/a.txt", "<model>BERT</model> was trained in <year>2018</year>.\n");
  dir.write("blocker", "a file");
  const std::string prepare = prepare_tool() + " --config " + quoted(config) + " --corpus " +
                              quoted(dir.path() / "corpus") + " --gold " +
                              quoted(dir.path() / "gold") + " --out ";
  const auto over_config = run_command(prepare + quoted(config));
  EXPECT_EQ(over_config.exit_code, 2);
  EXPECT_EQ(over_config.err, "ner-train prepare: error: --out " + config.string() +
                                 " would replace the input " + config.string() +
                                 " (--config); choose another --out\n");
  EXPECT_EQ(testing::read_text_file(config), "data:\n  max_len: 64\n");
  for (const fs::path& out : {dir.path() / "gold" / "a.txt", dir.path() / "corpus" / "data.h5",
                              dir.path() / "gold" / ".." / "corpus",
                              dir.path() / "blocker" / "x.h5", dir.path() / "corpus" / ".."}) {
    const auto result = run_command(prepare + quoted(out));
    EXPECT_EQ(result.exit_code, 2) << out;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find("--out " + out.string()), std::string::npos) << result.err;
  }
  EXPECT_EQ(testing::read_text_file(dir.path() / "gold" / "a.txt"),
            "<model>BERT</model> was trained in <year>2018</year>.\n");
  const auto missing = run_command(prepare_tool() + " --corpus " + quoted(dir.path() / "corpus") +
                                   " --corpus web=" + (dir.path() / "web").string() + " --out " +
                                   quoted(dir.path() / "d.h5"));
  EXPECT_EQ(missing.exit_code, 2);
  const auto no_corpus = run_command(
      prepare_tool() + " --corpus one=" + (dir.path() / "corpus").string() +
      " --corpus web=" + (dir.path() / "web").string() + " --out " + quoted(dir.path() / "d.h5"));
  EXPECT_EQ(no_corpus.exit_code, 2);
  EXPECT_EQ(no_corpus.err, "ner-train prepare: error: --corpus web " +
                               (dir.path() / "web").string() + ": no such file or directory\n");
}

}  // namespace
}  // namespace ner
