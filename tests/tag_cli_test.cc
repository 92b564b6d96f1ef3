// ner-tag end to end with a tiny model trained by the real commands: inputs
// (files, directories, stdin), formats, long documents, bad inputs and bad
// model files, and no LibTorch in the binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/file_io.h"
#include "datasets/corpus.h"
#include "datasets/dataset_file.h"
#include "datasets/tagged_text.h"
#include "tests/test_util.h"
#include "tests/tiny_model_fixture.h"
#ifdef NER_TEST_HAS_CAIRO
#include "tests/test_pdf.h"
#endif

namespace ner {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

const std::string kTag = NER_TAG_BIN;
const std::string kEval = NER_EVAL_BIN;
const std::string kTrain = NER_TRAIN_BIN;

std::string shell_quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

class TagCliTest : public testing::TinyModelTest {
 protected:
  static std::string tag(const std::string& arguments) {
    return kTag + " --model " + shell_quoted(path("run") / "model.nerm") + " " + arguments;
  }
  static double micro_f1(const fs::path& gold, const fs::path& predicted) {
    const auto result = run_command(kEval + " --json --gold " + shell_quoted(gold) + " --pred " +
                                    shell_quoted(predicted));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out).at("micro").at("strict").at("f1").get<double>();
  }
};

// --out may not be an input, hold one or lie inside one, however it is spelt;
// refused in one line before the model is read.
TEST(NerTagBinary, OutputNeverReplacesAnInput) {
  const testing::TempDir dir;
  const fs::path model = testing::test_data_file("model_format2.nerm");
  dir.write("in/a.txt", "GPT-3 has 175B parameters.\n");
  fs::create_directory_symlink(dir.path() / "in", dir.path() / "link");
  for (const fs::path& out : {dir.path() / "in", dir.path() / "link", dir.path() / "in" / "tagged",
                              dir.path() / "in" / ".." / "in", model.parent_path()}) {
    const auto result =
        run_command(kTag + " --model " + shell_quoted(model) + " --format jsonl --out " +
                    shell_quoted(out) + " " + shell_quoted(dir.path() / "in"));
    EXPECT_EQ(result.exit_code, 2) << out;
    EXPECT_NE(result.err.find("ner-tag: error: --out " + out.string()), std::string::npos)
        << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  EXPECT_FALSE(fs::exists(dir.path() / "in" / "a.jsonl"));
  const auto threads = run_command(kTag + " --model " + shell_quoted(model) + " --threads -1");
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_NE(threads.err.find("--threads: -1 is not allowed: give a whole number, 0 or more (0: "
                             "all cores)"),
            std::string::npos)
      << threads.err;
  const auto batch = run_command(kTag + " --model " + shell_quoted(model) + " --batch-size 0");
  EXPECT_EQ(batch.exit_code, 2);
  EXPECT_NE(batch.err.find("--batch-size: 0 is not allowed: give a whole number, 1 or more"),
            std::string::npos)
      << batch.err;
}

TEST(NerTagBinary, DoesNotLinkLibTorch) {
  const auto result = run_command("ldd " + kTag);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("libc.so"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("libtorch"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("libc10"), std::string::npos) << result.out;
}

// The held-out scores training reports (metrics.json, and so the model file)
// are exactly what a user gets by tagging the test split's raw text with
// ner-tag and scoring it against its gold with ner-eval.
TEST_F(TagCliTest, HeldOutScoresAreWhatNerTagAndNerEvalGive) {
  const DatasetFile dataset = read_dataset_file(path("data.h5"));
  const DatasetSplit& test = dataset.split(Split::kTest);
  ASSERT_EQ(test.label_source, "gold");
  ASSERT_GE(test.document_names.size(), 10u);
  for (const std::string& name : test.document_names) {
    const std::string gold = read_file(path("g") / name);
    write_file_atomically(path("split-gold") / name, gold);
    write_file_atomically(path("split-raw") / name, parse_tagged_text(gold, name).text);
  }
  const auto tagged = run_command(
      tag("--out " + shell_quoted(path("split-pred")) + " " + shell_quoted(path("split-raw"))));
  ASSERT_EQ(tagged.exit_code, 0) << tagged.err;
  const auto scored = run_command(kEval + " --json --gold " + shell_quoted(path("split-gold")) +
                                  " --pred " + shell_quoted(path("split-pred")));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  const nlohmann::json by_tools = nlohmann::json::parse(scored.out);
  const nlohmann::json metrics = nlohmann::json::parse(read_file(path("run") / "metrics.json"));
  const nlohmann::json& held_out = metrics.at("test").at("scores");
  EXPECT_EQ(metrics.at("test").at("documents"), test.document_names.size());
  EXPECT_GT(by_tools.at("micro").at("strict").at("predicted").get<int>(), 0);
  for (const char* part : {"micro", "types", "boundary", "confusion"})
    EXPECT_EQ(by_tools.at(part), held_out.at(part)) << part;
}

TEST_F(TagCliTest, TagsADirectoryKeepingTextAndScoringWellAgainstGold) {
  const auto result =
      run_command(tag("--out " + shell_quoted(path("raw-pred")) + " " + shell_quoted(path("raw"))));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const fs::path& file : list_corpus_files(path("raw"))) {
    const std::string name = corpus_document_name(path("raw"), file);
    const Document tagged =
        parse_tagged_text(read_file(path("raw-pred") / name), (path("raw-pred") / name).string());
    EXPECT_EQ(tagged.text, read_file(file)) << name;
  }
  // ner-eval refuses predictions whose plain text differs from gold's.
  EXPECT_GT(micro_f1(path("raw-gold"), path("raw-pred")), 0.2) << "the model learned nothing";
}

TEST_F(TagCliTest, LongDocumentIsMergedAcrossWindows) {
  // Thirty raw papers in one file: hundreds of windows of 64 pieces.
  std::string long_text, long_gold;
  for (const fs::path& file : list_corpus_files(path("raw"))) {
    const std::string name = corpus_document_name(path("raw"), file);
    long_text += read_file(file) + "\n\n";
    long_gold += read_file(path("raw-gold") / name) + "\n\n";
  }
  ASSERT_GT(long_text.size(), 40u * 64u * 4u);
  const testing::TempDir dir;
  const fs::path input = dir.write("long/paper.txt", long_text);
  dir.write("gold/paper.txt", long_gold);
  const auto result =
      run_command(tag("--out " + shell_quoted(dir.path() / "pred") + " " + shell_quoted(input)));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const double long_f1 = micro_f1(dir.path() / "gold", dir.path() / "pred");
  run_command(tag("--out " + shell_quoted(dir.path() / "each") + " " + shell_quoted(path("raw"))));
  const double each_f1 = micro_f1(path("raw-gold"), dir.path() / "each");
  // Merged windows lose nothing against tagging the parts one by one (the
  // long document may even gain from context across the joins).
  EXPECT_GE(long_f1, each_f1 - 0.02) << "one long document against its parts";
}

TEST_F(TagCliTest, StandardInputToStandardOutput) {
  const testing::TempDir dir;
  const std::string text = "GPT-3 has 175B parameters.\r\nIt was trained in 2020 on V100 GPUs.\t\n";
  const fs::path input = dir.write("in.txt", text);
  // Grouped: run_command gives the whole line /dev/null as its input.
  const auto piped = run_command("(cat " + shell_quoted(input) + " | " + tag("-") + ")");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(parse_tagged_text(piped.out, "stdout").text, text) << piped.err;
  const auto implicit = run_command("(" + tag("< " + shell_quoted(input)) + ")");
  EXPECT_EQ(implicit.out, piped.out);
  const auto empty = run_command(tag("< /dev/null"));
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "");
  EXPECT_EQ(empty.err.find("reading standard input"), std::string::npos) << empty.err;
}

// On a terminal nothing typed looks like a hang: ner-tag says it is reading.
// `script` (util-linux) gives it a terminal whose input ends at once.
TEST_F(TagCliTest, StandardInputOnATerminalSaysItIsWaiting) {
  if (run_command("command -v script").exit_code != 0) GTEST_SKIP() << "no `script` here";
  const auto terminal = run_command("script -qec \"" + tag("--progress none") + "\" /dev/null");
  EXPECT_EQ(terminal.exit_code, 0) << terminal.err;
  EXPECT_NE(terminal.out.find("ner-tag: reading standard input: type or paste the text, then "
                              "Ctrl-D"),
            std::string::npos)
      << terminal.out << terminal.err;
}

// A directory of other files is not silently nothing: --glob chooses them,
// the count is said, and no match is an error that says what is there.
TEST_F(TagCliTest, GlobChoosesTheFilesOfADirectory) {
  const testing::TempDir dir;
  dir.write("papers/a.md", "GPT-3 has 175B parameters.\n");
  dir.write("papers/sub/b.md", "It was trained in 2020.\n");
  dir.write("papers/c.docx", "PK");
  const fs::path papers = dir.path() / "papers";
  const auto none = run_command(tag(shell_quoted(papers)));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("papers: no file matches *.txt or *.jsonl or *.pdf (it holds 1 *.docx, 2 "
                          "*.md); "
                          "choose the files with --glob, e.g. --glob '*.md'"),
            std::string::npos)
      << none.err;
  EXPECT_EQ(none.out, "");
  const auto markdown = run_command(tag("--glob '*.md' --progress lines " + shell_quoted(papers)));
  EXPECT_EQ(markdown.exit_code, 0) << markdown.err;
  EXPECT_NE(markdown.err.find("papers: 2 files match *.md"), std::string::npos) << markdown.err;
  EXPECT_NE(markdown.out.find("parameters."), std::string::npos);
  EXPECT_NE(markdown.out.find("trained in "), std::string::npos);
  // A file named as an input is tagged whatever its name.
  const auto named = run_command(tag(shell_quoted(papers / "a.md")));
  EXPECT_EQ(named.exit_code, 0) << named.err;
  EXPECT_NE(named.out.find("parameters."), std::string::npos);
  const auto empty = run_command(tag(shell_quoted(dir.path() / "papers" / "sub" / "none")));
  EXPECT_EQ(empty.exit_code, 1);  // a missing input is skipped and reported
}

// JSON Lines in ({"id", "text"} and any other fields), the same lines out
// with "entities" added; a line that is no document is reported as file:line.
TEST_F(TagCliTest, JsonLinesInAndOut) {
  const testing::TempDir dir;
  dir.write("in/docs.jsonl",
            "{\"id\": \"a\", \"text\": \"GPT-3 has 175B parameters.\", \"source\": \"x\"}\n"
            "not json\n"
            "{\"id\": 2}\n"
            "\n"
            "{\"id\": \"b\", \"text\": \"BERT was released in 2018.\"}\n");
  dir.write("in/plain.txt", "T5 was trained in 2019.\n");
  const fs::path docs = dir.path() / "in" / "docs.jsonl";
  const auto piped = run_command(tag(shell_quoted(docs)));
  EXPECT_EQ(piped.exit_code, 1) << piped.err;
  EXPECT_NE(piped.err.find("docs.jsonl:2: not JSON"), std::string::npos) << piped.err;
  EXPECT_NE(piped.err.find("docs.jsonl:3: not a document"), std::string::npos) << piped.err;
  std::istringstream lines(piped.out);
  std::vector<nlohmann::json> records;
  for (std::string line; std::getline(lines, line);)
    records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 2u) << piped.out;
  EXPECT_EQ(records[0]["id"], "a");
  EXPECT_EQ(records[0]["source"], "x");
  EXPECT_EQ(records[1]["id"], "b");
  EXPECT_EQ(piped.out.rfind("{\"id\":\"a\",\"text\":", 0), 0u) << "the record's own order";
  for (const auto& record : records) {
    ASSERT_TRUE(record["entities"].is_array());
    for (const auto& entity : record["entities"])
      EXPECT_TRUE(entity.contains("start") && entity.contains("score")) << entity;
  }
  // A directory holds *.jsonl among the default files; each JSON Lines
  // input becomes one file of the same name under --out.
  const auto written =
      run_command(tag("--progress lines --out " + shell_quoted(dir.path() / "out") + " " +
                      shell_quoted(dir.path() / "in")));
  EXPECT_EQ(written.exit_code, 1) << written.err;
  EXPECT_NE(written.err.find("2 files match *.txt or *.jsonl or *.pdf"), std::string::npos)
      << written.err;
  EXPECT_EQ(read_file(dir.path() / "out" / "docs.jsonl"), piped.out);
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "plain.txt"));
  // In the other formats each line is a document of its own, "<file>/<id>".
  const auto pages = run_command(tag("--format html --progress none --out " +
                                     shell_quoted(dir.path() / "html") + " " + shell_quoted(docs)));
  EXPECT_EQ(pages.exit_code, 1) << pages.err;
  EXPECT_TRUE(fs::exists(dir.path() / "html" / "docs" / "a.html"));
  EXPECT_TRUE(fs::exists(dir.path() / "html" / "docs" / "b.html"));
  EXPECT_NE(read_file(dir.path() / "html" / "index.html").find("docs/b.html"), std::string::npos);
  const auto conll = run_command(tag("--format conll " + shell_quoted(docs)));
  const std::size_t first = conll.out.find("-DOCSTART-");
  EXPECT_EQ(first, 0u) << conll.out;
  EXPECT_NE(conll.out.find("-DOCSTART-", first + 1), std::string::npos) << conll.out;
  EXPECT_NE(conll.out.find("\nreleased O\n"), std::string::npos) << conll.out;
}

#ifdef NER_TEST_HAS_CAIRO
// A PDF is tagged on its extracted text: JSON lines give each entity's page
// and the pages' ranges of the text, inline output is that text with tags
// (as name.txt under --out), and a damaged PDF is skipped by name.
TEST_F(TagCliTest, PdfPapersAreTaggedOnTheirText) {
  const testing::TempDir dir;
  testing::write_test_pdf(
      dir.path() / "in" / "paper.pdf",
      {testing::column_lines(50, 100, {"GPT-3 has 175B parameters and was", "trained in 2020."}),
       testing::column_lines(50, 100, {"BERT was released in 2018 by Google."})});
  dir.write("in/broken.pdf", "%PDF-1.4\nno more\n");
  const fs::path paper = dir.path() / "in" / "paper.pdf";
  const auto jsonl = run_command(tag("--format jsonl " + shell_quoted(paper)));
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  const auto record = nlohmann::json::parse(jsonl.out);
  const std::string text = record.at("text").get<std::string>();
  EXPECT_EQ(text,
            "GPT-3 has 175B parameters and was\ntrained in 2020.\n\nBERT was released in 2018 "
            "by Google.");
  ASSERT_EQ(record.at("pages").size(), 2u) << record.dump();
  EXPECT_EQ(record["pages"][1], nlohmann::json({{"page", 2}, {"start", 52}, {"end", 88}}));
  ASSERT_FALSE(record.at("entities").empty()) << record.dump();
  for (const auto& entity : record["entities"]) {
    const std::size_t start = entity.at("start").get<std::size_t>();
    EXPECT_EQ(entity.at("page").get<int>(), start < 52 ? 1 : 2) << entity;
    EXPECT_EQ(text.substr(start, entity.at("end").get<std::size_t>() - start),
              entity.at("text").get<std::string>());
  }
  const auto written = run_command(
      tag("--out " + shell_quoted(dir.path() / "out") + " " + shell_quoted(dir.path() / "in")));
  EXPECT_EQ(written.exit_code, 1) << written.err;
  EXPECT_NE(written.err.find("broken.pdf: not a PDF that can be read"), std::string::npos)
      << written.err;
  const std::string tagged = read_file(dir.path() / "out" / "paper.txt");
  EXPECT_EQ(parse_tagged_text(tagged, "paper.txt").text, text);
  EXPECT_NE(tagged.find("</"), std::string::npos) << tagged;
}
#endif

// Scores are calibrated by the model file's map unless --raw-scores; entities
// below --min-score or their type's --threshold are left out; ner-eval says
// how well the scores match exact-span correctness.
TEST_F(TagCliTest, CalibratedScoresAndThresholds) {
  const std::string input = shell_quoted(path("raw"));
  const auto entities_of = [&](const std::string& arguments) {
    const auto result = run_command(tag("--format jsonl " + arguments + " " + input));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::vector<nlohmann::json> entities;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
      const nlohmann::json document = nlohmann::json::parse(line);
      for (const auto& entity : document.at("entities"))
        entities.push_back(entity);
    }
    return entities;
  };
  const auto calibrated = entities_of("");
  const auto raw = entities_of("--raw-scores");
  ASSERT_EQ(calibrated.size(), raw.size());
  ASSERT_GT(calibrated.size(), 20u);
  bool differ = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    EXPECT_EQ(calibrated[i]["start"], raw[i]["start"]);
    differ = differ || calibrated[i]["score"] != raw[i]["score"];
  }
  EXPECT_TRUE(differ) << "the model file's calibration changes the scores";

  const auto confident = entities_of("--min-score 0.9");
  EXPECT_LT(confident.size(), calibrated.size());
  for (const auto& entity : confident)
    EXPECT_GE(entity["score"].get<double>(), 0.9) << entity;
  const auto no_models = entities_of("--threshold model=1 --threshold year=0");
  for (const auto& entity : no_models)
    EXPECT_TRUE(entity["label"] != "model" || entity["score"].get<double>() >= 1.0) << entity;
  const auto bad = run_command(tag("--threshold person=0.5 " + input));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--threshold person=0.5: expected TYPE=SCORE"), std::string::npos)
      << bad.err;
  EXPECT_EQ(run_command(tag("--min-score 1.5 " + input)).exit_code, 2);

  const auto info = run_command(tag("--info"));
  EXPECT_NE(info.out.find("scores       calibrated on "), std::string::npos) << info.out;
  const testing::TempDir dir;
  const auto predicted =
      run_command(tag("--format jsonl --out " + shell_quoted(dir.path() / "pred") + " " + input));
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  const auto scored = run_command(kEval + " --json --gold " + shell_quoted(path("raw-gold")) +
                                  " --pred " + shell_quoted(dir.path() / "pred"));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  const auto json = nlohmann::json::parse(scored.out);
  EXPECT_EQ(json["calibration"]["entities"].get<std::size_t>(), calibrated.size());
  EXPECT_GE(json["calibration"]["ece"].get<double>(), 0.0);
  EXPECT_FALSE(json["calibration"]["bins"].empty());
}

// find-threshold tags a dev set (a dataset split, or tagged documents) and
// picks thresholds no worse than keeping everything, which ner-tag takes.
TEST_F(TagCliTest, FindThresholdPicksThresholdsNerTagTakes) {
  const std::string model = shell_quoted(path("run") / "model.nerm");
  const auto found = run_command(kTrain + " find-threshold --json --progress none --model " +
                                 model + " --dataset " + shell_quoted(path("data.h5")));
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const auto result = nlohmann::json::parse(found.out);
  EXPECT_EQ(result.at("scores"), "calibrated");
  EXPECT_EQ(result.at("label_source"), "gold");
  EXPECT_GT(result.at("documents").get<int>(), 0);
  for (const auto& [type, choice] : result.at("types").items()) {
    const double threshold = choice.at("threshold").get<double>();
    EXPECT_GE(threshold, 0) << type;
    EXPECT_LE(threshold, 1) << type;
    EXPECT_GE(choice.at("kept_above").at("f1").get<double>(),
              choice.at("kept_all").at("f1").get<double>())
        << type;
  }
  const std::string arguments = result.at("ner_tag_arguments").get<std::string>();
  const auto tagged =
      run_command(tag(arguments + " --min-score " +
                      std::to_string(result.at("min_score").at("threshold").get<double>()) + " " +
                      shell_quoted(path("raw"))));
  EXPECT_EQ(tagged.exit_code, 0) << arguments << "\n" << tagged.err;
  // The table, from tagged documents as gold.
  const auto table = run_command(kTrain + " find-threshold --progress none -m " + model +
                                 " --gold " + shell_quoted(path("raw-gold")));
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("best strict F1 on"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("per type:  ner-tag"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("one score: ner-tag --min-score "), std::string::npos) << table.out;
  const auto neither = run_command(kTrain + " find-threshold -m " + model);
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--dataset FILE (its --split) or as --gold PATH"), std::string::npos)
      << neither.err;
  const auto bad_corpus = run_command(kTrain + " find-threshold -m " + model + " --dataset " +
                                      shell_quoted(path("data.h5")) + " --corpus nope");
  EXPECT_EQ(bad_corpus.exit_code, 2);
  EXPECT_NE(bad_corpus.err.find("--corpus nope: "), std::string::npos) << bad_corpus.err;
}

TEST_F(TagCliTest, EveryFormatParses) {
  const auto jsonl = run_command(tag("--format jsonl " + shell_quoted(path("raw"))));
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  std::istringstream lines(jsonl.out);
  std::size_t documents = 0;
  for (std::string line; std::getline(lines, line); ++documents) {
    const auto json = nlohmann::json::parse(line);
    EXPECT_TRUE(json.contains("entities"));
  }
  EXPECT_EQ(documents, 30u);
  const auto conll = run_command(tag("--format conll " + shell_quoted(path("raw") / "000000.txt")));
  ASSERT_EQ(conll.exit_code, 0) << conll.err;
  EXPECT_EQ(conll.out.rfind("-DOCSTART- O\n", 0), 0u);
  EXPECT_NE(conll.out.find(" B-"), std::string::npos);
  const auto html = run_command(tag("--format html --out " + shell_quoted(path("html")) + " " +
                                    shell_quoted(path("raw") / "000001.txt")));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const std::string page = read_file(path("html") / "000001.html");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<mark class="), std::string::npos);
  EXPECT_NE(page.find("</html>"), std::string::npos);
}

// A directory of pages gets an index linking each with its counts per type;
// a document's own index.html page keeps its name and the index moves aside.
TEST_F(TagCliTest, HtmlPagesOfADirectoryGetAnIndex) {
  const testing::TempDir dir;
  dir.write("in/a paper.txt", "GPT-3 has 175B parameters and was released in 2020.\n");
  dir.write("in/sub/index.txt", "BERT was released in 2018.\n");
  const auto html =
      run_command(tag("--format html --progress lines --out " + shell_quoted(dir.path() / "out") +
                      " " + shell_quoted(dir.path() / "in")));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const std::string index = read_file(dir.path() / "out" / "index.html");
  EXPECT_NE(html.err.find("index of the pages: "), std::string::npos) << html.err;
  EXPECT_NE(index.find("<a href=\"a%20paper.html\">a paper.txt</a>"), std::string::npos) << index;
  EXPECT_NE(index.find("<a href=\"sub/index.html\">sub/index.txt</a>"), std::string::npos) << index;
  EXPECT_NE(index.find("<th>2 documents</th>"), std::string::npos) << index;
  const std::string page = read_file(dir.path() / "out" / "a paper.html");
  // Label and score are shown by the page itself, outside the text.
  EXPECT_NE(page.find("data-label=\""), std::string::npos) << page;
  EXPECT_NE(page.find("data-score=\"0."), std::string::npos) << page;
  EXPECT_NE(page.find(":hover::after"), std::string::npos);

  dir.write("flat/index.txt", "BERT was released in 2018.\n");
  const auto taken =
      run_command(tag("--format html --out " + shell_quoted(dir.path() / "flat-out") + " " +
                      shell_quoted(dir.path() / "flat")));
  ASSERT_EQ(taken.exit_code, 0) << taken.err;
  EXPECT_NE(read_file(dir.path() / "flat-out" / "index.html").find("BERT"), std::string::npos);
  EXPECT_NE(read_file(dir.path() / "flat-out" / "_index.html").find("<table>"), std::string::npos);
}

TEST_F(TagCliTest, BadInputsAreReportedAndSkippedKeepingTheRest) {
  const testing::TempDir dir;
  dir.write("in/good.txt", "BERT-Large has 340M parameters.\n");
  dir.write("in/sub/latin1.txt", "line one\ncaf\xe9 au lait\n");
  dir.write("in/tagged.txt", "We cite <model>BERT</model> here.\n");
  const auto result = run_command(tag("--out " + shell_quoted(dir.path() / "out") + " " +
                                      shell_quoted(dir.path() / "in") + " " +
                                      shell_quoted(dir.path() / "missing.txt")));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("latin1.txt:2:4: not UTF-8"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("missing.txt: no such file"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("tagged.txt: cannot be written inline"), std::string::npos)
      << result.err;
  // Without the progress bar, skipped inputs are still reported.
  const auto quiet = run_command(tag("--progress none --out " + shell_quoted(dir.path() / "out2") +
                                     " " + shell_quoted(dir.path() / "missing.txt")));
  EXPECT_EQ(quiet.exit_code, 1);
  EXPECT_NE(quiet.err.find("missing.txt: no such file"), std::string::npos) << quiet.err;
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "good.txt"));
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "sub" / "latin1.txt"));
  // --on-error fail stops at the first such input.
  const auto strict = run_command(tag("--on-error fail --out " + shell_quoted(dir.path() / "out3") +
                                      " " + shell_quoted(dir.path() / "in" / "sub")));
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find("ner-tag: error: "), std::string::npos) << strict.err;
  EXPECT_NE(strict.err.find("latin1.txt:2:4: not UTF-8"), std::string::npos) << strict.err;
  // The same text is fine as JSON lines.
  const auto jsonl =
      run_command(tag("--format jsonl " + shell_quoted(dir.path() / "in" / "tagged.txt")));
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.err;
  // Writing over the inputs is refused before any tagging, and they stay as
  // they were.
  const auto over = run_command(tag("--out " + shell_quoted(dir.path() / "in") + " " +
                                    shell_quoted(dir.path() / "in" / "good.txt")));
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_NE(over.err.find("holds the input " + (dir.path() / "in" / "good.txt").string()),
            std::string::npos)
      << over.err;
  EXPECT_EQ(read_file(dir.path() / "in" / "good.txt"), "BERT-Large has 340M parameters.\n");
  // Nor may one input's output replace another input of the same run.
  dir.write("a/x.txt", "T5 was trained in 2019.\n");
  dir.write("b/x.txt", "PaLM has 540B parameters.\n");
  const auto cross =
      run_command(tag("--out " + shell_quoted(dir.path() / "b") + " " +
                      shell_quoted(dir.path() / "a") + " " + shell_quoted(dir.path() / "b")));
  EXPECT_EQ(cross.exit_code, 2) << cross.err;
  EXPECT_NE(cross.err.find("would replace the input"), std::string::npos) << cross.err;
  EXPECT_EQ(read_file(dir.path() / "b" / "x.txt"), "PaLM has 540B parameters.\n");
}

TEST_F(TagCliTest, BadModelFilesFailClearly) {
  const testing::TempDir dir;
  const std::string bytes = read_file(path("run") / "model.nerm");
  const fs::path truncated = dir.write("cut.nerm", bytes.substr(0, bytes.size() / 2));
  const auto result = run_command(kTag + " --model " + shell_quoted(truncated) + " < /dev/null");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("cut.nerm"), std::string::npos) << result.err;
  const fs::path dataset_file = path("data.h5");
  const auto wrong = run_command(kTag + " --model " + shell_quoted(dataset_file) + " < /dev/null");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("not a model file"), std::string::npos) << wrong.err;
}

TEST_F(TagCliTest, InfoAndHelp) {
  const auto info = run_command(tag("--info"));
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("crf decoder"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("finds        model, params, country, year, hardware, training"),
            std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("held-out F1  0."), std::string::npos) << info.out;
  EXPECT_LT(std::count(info.out.begin(), info.out.end(), '\n'), 12) << info.out;
  const auto json = run_command(tag("--info --json"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto everything = nlohmann::json::parse(json.out);
  EXPECT_TRUE(everything["provenance"]["held_out"]["test"]["micro"].is_object()) << json.out;
  EXPECT_EQ(everything["labels"].size(), 13u);
  EXPECT_EQ(run_command(tag("--json")).exit_code, 2);
  const auto help = run_command(kTag + " --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--format"), std::string::npos);
  EXPECT_NE(help.out.find("{auto,bar,lines,none}"), std::string::npos) << help.out;
  EXPECT_EQ(run_command(kTag + " --model").exit_code, 2);
}

// An output that cannot be written (here: --out under a regular file) stops
// the run with exit status 2; it is not one document's fault to skip.
TEST_F(TagCliTest, AnUnwritableOutputStopsTheRun) {
  write_file_atomically(path("blocker"), "a file, not a directory");
  const auto result = run_command(
      tag("--out " + shell_quoted(path("blocker") / "out") + " " + shell_quoted(path("raw"))));
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("cannot create directory"), std::string::npos) << result.err;
}

// --progress means the same in every command: `lines` prints the summary,
// `none` only what must be seen; an unknown style is a usage error.
TEST_F(TagCliTest, ProgressStylesAreTheSameAsTrainings) {
  const std::string input = shell_quoted(path("raw"));
  const auto lines = run_command(tag("--progress lines " + input));
  ASSERT_EQ(lines.exit_code, 0) << lines.err;
  EXPECT_NE(lines.err.find("tagged 30 documents"), std::string::npos) << lines.err;
  // Progress is in bytes of text, with rate and time left, and ends at 100%.
  EXPECT_NE(lines.err.find("100% "), std::string::npos) << lines.err;
  EXPECT_NE(lines.err.find("/s ETA 0s, 30/30 inputs"), std::string::npos) << lines.err;
  const auto bar = run_command(tag("--progress bar " + input));
  ASSERT_EQ(bar.exit_code, 0) << bar.err;
  EXPECT_NE(bar.err.find("[########################] "), std::string::npos) << bar.err;
  EXPECT_NE(bar.err.find(" KB/s ETA "), std::string::npos) << bar.err;
  const auto none =
      run_command(tag("--progress none --out " + shell_quoted(path("quiet")) + " " + input));
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.err, "");
  const auto wrong = run_command(tag("--progress sometimes " + input));
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("--progress"), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace ner
