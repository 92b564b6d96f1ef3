// End-to-end tests of ner-eval: scores, JSON, error listing, and the checks
// that a prediction keeps the text of its gold document.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_util.h"

namespace ner {
namespace {

using testing::run_command;

const std::string kEval = NER_EVAL_BIN;

TEST(NerEvalCli, ScoresDirectoriesByRelativePath) {
  testing::TempDir dir;
  dir.write("gold/a.txt", "<model>GPT-3</model> was released in <year>2020</year>.");
  dir.write("gold/sub/b.txt",
            "Trained on <hardware>8 V100 GPUs</hardware> in <country>France</country>.");
  dir.write("pred/a.txt", "<model>GPT-3</model> was released in 2020.");
  dir.write("pred/sub/b.txt",
            "Trained on 8 <hardware>V100 GPUs</hardware> in <model>France</model>.");
  const auto result =
      run_command(kEval + " --json --errors 10 --gold '" + (dir.path() / "gold").string() +
                  "' --pred '" + (dir.path() / "pred").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  // Gold 4, predicted 3; strict: only GPT-3 -> P 1/3, R 1/4.
  EXPECT_EQ(json["micro"]["strict"]["gold"], 4);
  EXPECT_EQ(json["micro"]["strict"]["predicted"], 3);
  EXPECT_EQ(json["micro"]["strict"]["correct"], 1);
  // Partial adds the hardware with the count outside.
  EXPECT_EQ(json["micro"]["partial"]["correct"], 2);
  EXPECT_EQ(json["confusion"]["country"]["model"], 1);
  ASSERT_EQ(json["errors"].size(), 3u);
  EXPECT_NE(json["errors"][0].get<std::string>().find("missed <year>2020</year>"),
            std::string::npos);

  const auto table = run_command(kEval + " --errors 2 --gold '" + (dir.path() / "gold").string() +
                                 "' --pred '" + (dir.path() / "pred").string() + "'");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("micro"), std::string::npos);
  EXPECT_NE(table.out.find("First 2 mistakes"), std::string::npos);
}

TEST(NerEvalCli, ChangedTextFailsWithThePosition) {
  testing::TempDir dir;
  const auto gold = dir.write("gold.txt", "line one\nΣ <model>GPT-3</model> here");
  const auto pred = dir.write("pred.txt", "line one\nΣ <model>GPT-3</model> there");
  const auto result =
      run_command(kEval + " --gold '" + gold.string() + "' --pred '" + pred.string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(pred.string() + ": plain text differs from the gold " + gold.string() +
                            " at line 2, column 9 of the plain text (byte 18)"),
            std::string::npos)
      << result.err;
}

TEST(NerEvalCli, MissingPredictionsAndMalformedFilesAreErrors) {
  testing::TempDir dir;
  dir.write("gold/a.txt", "<model>A</model>");
  dir.write("gold/b.txt", "<model>B</model>");
  dir.write("pred/a.txt", "<model>A</model>");
  const auto missing = run_command(kEval + " --gold '" + (dir.path() / "gold").string() +
                                   "' --pred '" + (dir.path() / "pred").string() + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no prediction for gold document"), std::string::npos) << missing.err;
  dir.write("pred/b.txt", "<model>B</year>");
  const auto malformed = run_command(kEval + " --gold '" + (dir.path() / "gold").string() +
                                     "' --pred '" + (dir.path() / "pred").string() + "'");
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("b.txt:1:9: closing tag </year> does not match <model>"),
            std::string::npos)
      << malformed.err;
  EXPECT_EQ(run_command(kEval).exit_code, 2);
  EXPECT_EQ(run_command(kEval + " --help").exit_code, 0);
}

// Predictions as ner-tag writes them in its other formats score the same as
// inline tags: JSON Lines by "document" (a directory of files or one file)
// and CoNLL columns placed back on the gold text.
TEST(NerEvalCli, ScoresJsonLinesAndConllPredictions) {
  testing::TempDir dir;
  dir.write("gold/a.txt", "<model>GPT-3</model> has <params>175B</params> parameters.\n");
  dir.write("gold/sub/b.txt", "Trained in <year>2020</year> on <hardware>V100s</hardware>.\n");
  const std::string a_line =
      R"({"document": "a.txt", "text": "GPT-3 has 175B parameters.\n", "entities": )"
      R"([{"start": 0, "end": 5, "label": "model", "score": 0.9}]})";
  const std::string b_line =
      R"({"document": "sub/b.txt", "text": "Trained in 2020 on V100s.\n", "entities": )"
      R"([{"start": 11, "end": 15, "label": "year"}, {"start": 19, "end": 24, "label": "model"}]})";
  dir.write("jsonl/a.jsonl", a_line + "\n");
  dir.write("jsonl/sub/b.jsonl", b_line + "\n");
  dir.write("all.jsonl", a_line + "\n\n" + b_line + "\n");
  dir.write("conll/a.conll", "-DOCSTART- O\n\nGPT-3 B-model\nhas O\n175B O\nparameters O\n. O\n\n");
  dir.write("conll/sub/b.conll",
            "-DOCSTART- O\n\nTrained O\nin O\n2020 B-year\non O\nV100s B-model\n. O\n\n");
  dir.write("all.conll",
            "-DOCSTART- O\n\nGPT-3 B-model\nhas O\n175B O\nparameters O\n. O\n\n"
            "-DOCSTART- O\n\nTrained O\nin O\n2020 B-year\non O\nV100s B-model\n. O\n\n");
  const std::string gold = "'" + (dir.path() / "gold").string() + "'";
  for (const char* pred : {"jsonl", "all.jsonl", "conll", "all.conll"}) {
    const auto result = run_command(kEval + " --json --gold " + gold + " --pred '" +
                                    (dir.path() / pred).string() + "'");
    ASSERT_EQ(result.exit_code, 0) << pred << ": " << result.err;
    const auto json = nlohmann::json::parse(result.out);
    EXPECT_EQ(json["micro"]["strict"]["gold"], 4) << pred;
    EXPECT_EQ(json["micro"]["strict"]["predicted"], 3) << pred;
    EXPECT_EQ(json["micro"]["strict"]["correct"], 2) << pred;
    EXPECT_EQ(json["confusion"]["hardware"]["model"], 1) << pred;
  }

  dir.write("bad/a.conll", "-DOCSTART- O\n\nGPT-4 B-model\n");
  dir.write("bad/sub/b.conll", "Trained O\n");
  const auto moved =
      run_command(kEval + " --gold " + gold + " --pred '" + (dir.path() / "bad").string() + "'");
  EXPECT_EQ(moved.exit_code, 2);
  EXPECT_NE(moved.err.find("a.conll:3: the token 'GPT-4' is not next in the gold text"),
            std::string::npos)
      << moved.err;
  dir.write("label.jsonl", R"({"document": "a.txt", "text": "GPT-3 has 175B parameters.\n", )"
                           R"("entities": [{"start": 0, "end": 5, "label": "person"}]})"
                           "\n");
  const auto label = run_command(kEval + " --gold '" + (dir.path() / "gold" / "a.txt").string() +
                                 "' --pred '" + (dir.path() / "label.jsonl").string() + "'");
  EXPECT_EQ(label.exit_code, 2);
  EXPECT_NE(label.err.find("label.jsonl:1: unknown entity label 'person'"), std::string::npos)
      << label.err;
}

// A path that is not there is named as such, not as a mismatch of kinds.
// Recall on model names listed nowhere: names of the tables, of the known
// corpora and of the builtin table (GPT-3) are left out, compared without
// case, spaces and hyphens.
TEST(NerEvalCli, RecallOnModelNamesListedNowhere) {
  testing::TempDir dir;
  dir.write("gold/a.txt",
            "<model>ZorbNet-4</model> beats <model>Quill 2</model>, <model>gpt-3</model> and "
            "<model>Tabled-1</model>; <model>ZorbNet-4</model> wins.");
  dir.write("pred/a.txt",
            "<model>ZorbNet-4</model> beats Quill 2, <model>gpt-3</model> and Tabled-1; "
            "ZorbNet-4 wins.");
  dir.write("models.csv", "Model,Org\n\"TABLED 1\",x\n");
  dir.write("corpus/b.txt", "We trained <model>Quill-2</model>.");
  const std::string base = kEval + " --gold '" + (dir.path() / "gold").string() + "' --pred '" +
                           (dir.path() / "pred").string() + "'";
  const auto result =
      run_command(base + " --json --known-names '" + (dir.path() / "models.csv").string() +
                  ":Model' --known-corpus '" + (dir.path() / "corpus").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto unlisted = nlohmann::json::parse(result.out)["unlisted_models"];
  EXPECT_EQ(unlisted["mentions"], 2);
  EXPECT_EQ(unlisted["names"], 1);
  EXPECT_EQ(unlisted["found"], 1);
  EXPECT_EQ(unlisted["found_names"]["ZorbNet-4"], 1);
  EXPECT_EQ(unlisted["missed_names"]["ZorbNet-4"], 1);
  // Without known names there is no such report; a bad column is an error naming the file.
  EXPECT_FALSE(
      nlohmann::json::parse(run_command(base + " --json").out).contains("unlisted_models"));
  const auto table =
      run_command(base + " --known-corpus '" + (dir.path() / "corpus").string() + "'");
  EXPECT_NE(table.out.find("Model names listed nowhere"), std::string::npos) << table.out;
  const auto bad =
      run_command(base + " --known-names '" + (dir.path() / "models.csv").string() + ":Name'");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("models.csv"), std::string::npos) << bad.err;
}

TEST(NerEvalCli, MissingPathsAreNamed) {
  testing::TempDir dir;
  dir.write("gold/a.txt", "<model>A</model>");
  const std::string gold = (dir.path() / "gold").string();
  const std::string missing = (dir.path() / "nowhere").string();
  const auto no_pred = run_command(kEval + " --gold '" + gold + "' --pred '" + missing + "'");
  EXPECT_EQ(no_pred.exit_code, 2);
  EXPECT_EQ(no_pred.err, "ner-eval: error: --pred " + missing + ": no such file or directory\n");
  const auto no_gold = run_command(kEval + " --gold '" + missing + "' --pred '" + gold + "'");
  EXPECT_EQ(no_gold.exit_code, 2);
  EXPECT_NE(no_gold.err.find("--gold " + missing + ": no such file"), std::string::npos)
      << no_gold.err;
  const auto negative =
      run_command(kEval + " --gold '" + gold + "' --pred '" + gold + "' --errors -1");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_EQ(negative.err,
            "ner-eval: error: --errors: -1 is not allowed: give a whole number, 0 or more (see "
            "--help)\n");
}

}  // namespace
}  // namespace ner
