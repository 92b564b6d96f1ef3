// End-to-end tests of ner-train: `prepare` runs through the LibTorch binary,
// which must not load SentencePiece itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_util.h"

namespace ner {
namespace {

namespace fs = std::filesystem;

using testing::run_command;

const std::string kTrain = NER_TRAIN_BIN;
const std::string kCorpus = NER_CORPUS_BIN;

TEST(NerTrainCli, PrepareThroughNerTrain) {
  testing::TempDir dir;
  const std::string weak = (dir.path() / "weak").string();
  const std::string gold = (dir.path() / "gold").string();
  ASSERT_EQ(run_command(kCorpus + " generate --docs 50 --seed 2 --out '" + weak + "' --gold '" +
                        gold + "'")
                .exit_code,
            0);
  const std::string config =
      dir.write("c.yaml", "tokenizer:\n  vocab_size: 400\ndata:\n  max_len: 48\n").string();
  const std::string dataset = (dir.path() / "d.h5").string();
  const auto result =
      run_command(kTrain + " prepare --config '" + config + "' --corpus '" + weak + "' --gold '" +
                  gold + "' --out '" + dataset + "' --set data.stride=32");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("split by hash"), std::string::npos) << result.err;
  const auto stats = run_command(kCorpus + " stats --json --dataset '" + dataset + "'");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const auto stats_json = nlohmann::json::parse(stats.out);
  EXPECT_EQ(stats_json["splits"]["test"]["label_source"], "gold");
  EXPECT_GT(stats_json["splits"]["train"]["unknown_pieces_in_windows"].get<int>(), 0);
  EXPECT_EQ(stats_json["splits"]["test"]["unknown_pieces_in_windows"].get<int>(), 0);
  const auto table = run_command(kCorpus + " stats --dataset '" + dataset + "'");
  EXPECT_NE(table.out.find("(unknown)"), std::string::npos) << table.out;

  // Two corpora, one with a gold twin; --gold goes with a single --corpus PATH only.
  const auto mixture = run_command(
      kTrain + " prepare --config '" + config + "' --corpus 'gen=" + weak + ",gold=" + gold +
      "' --corpus 'more=" + weak + ",weight=3' --out '" + dataset + "'");
  ASSERT_EQ(mixture.exit_code, 0) << mixture.err;
  EXPECT_NE(mixture.err.find("corpus more: no gold twin"), std::string::npos) << mixture.err;
  const auto mixed =
      nlohmann::json::parse(run_command(kCorpus + " stats --json --dataset '" + dataset + "'").out);
  EXPECT_EQ(mixed["corpora"][1]["weight"], 3.0);
  EXPECT_EQ(mixed["splits"]["test"]["label_source"], "mixed");
  const auto both = run_command(kTrain + " prepare --corpus '" + weak + "' --corpus 'a=" + weak +
                                "' --out '" + dataset + "'");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--corpus NAME=PATH"), std::string::npos) << both.err;

  const auto weak_only = run_command(kTrain + " prepare --config '" + config + "' --corpus '" +
                                     weak + "' --out '" + dataset + "'");
  EXPECT_EQ(weak_only.exit_code, 0) << weak_only.err;
  EXPECT_NE(weak_only.err.find("scored on weak labels"), std::string::npos) << weak_only.err;
}

TEST(NerTrainCli, PrepareConfigErrorsAndDump) {
  testing::TempDir dir;
  const std::string config = dir.write("c.yaml", "data:\n  max_len: 64\n  strde: 8\n").string();
  const auto bad = run_command(kTrain + " prepare --config '" + config + "' --dump-config");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find(config + ":3:3: unknown configuration key 'data.strde'"),
            std::string::npos)
      << bad.err;
  const auto dump = run_command(kTrain + " prepare --set data.max_len=99 --dump-config");
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("max_len: 99"), std::string::npos) << dump.out;
  const auto missing = run_command(kTrain + " prepare --corpus /nonexistent --out x.h5");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent: no such file or directory"), std::string::npos)
      << missing.err;
  EXPECT_EQ(run_command(kTrain + " prepare --help").exit_code, 0);
}

// export writes a model file, never another file of its run; training's run
// directory never holds its own dataset or config. Both are refused before
// anything is loaded.
TEST(NerTrainCli, OutputsNeverReplaceTheRunsFilesOrInputs) {
  testing::TempDir dir;
  const fs::path run = dir.path() / "run";
  for (const char* file : {"run.json", "last.pt", "best.pt", "config.yaml", "tokenizer.model"})
    dir.write("run/" + std::string(file), std::string("the run's ") + file);
  fs::create_symlink(run / "config.yaml", dir.path() / "config-link.yaml");
  const std::string checkpoint = (run / "last.pt").string();
  for (const fs::path& out :
       {run / "best.pt", run / "last.pt", run / "run.json", run / ".." / "run" / "tokenizer.model",
        dir.path() / "config-link.yaml", dir.path()}) {
    const auto result = run_command(kTrain + " export --checkpoint '" + checkpoint + "' --out '" +
                                    out.string() + "'");
    EXPECT_EQ(result.exit_code, 2) << out;
    EXPECT_NE(result.err.find("ner-train: error: --out " + out.string()), std::string::npos)
        << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  for (const char* file : {"last.pt", "best.pt", "config.yaml", "tokenizer.model", "run.json"})
    EXPECT_EQ(testing::read_text_file(run / file), std::string("the run's ") + file);

  const auto train =
      run_command(kTrain + " --config '" + (run / "config.yaml").string() + "' --dataset '" +
                  (run / "data.h5").string() + "' --out '" + run.string() + "' --progress none");
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_NE(train.err.find("--out " + run.string() + " holds the input"), std::string::npos)
      << train.err;
  EXPECT_EQ(testing::read_text_file(run / "config.yaml"), "the run's config.yaml");
  const auto threads = run_command(kTrain + " env --threads -1");
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_EQ(threads.err,
            "ner-train: error: --threads: -1 is not allowed: give a whole number, 0 or more (0: "
            "all cores) (see --help)\n");
}

// A dataset of format 1 holds no document texts: training, which scores on
// them, asks for the dataset to be prepared again.
TEST(NerTrainCli, DatasetsOfFormatOneArePreparedAgain) {
  testing::TempDir dir;
  const auto result =
      run_command(kTrain + " --dataset '" + testing::test_data_file("dataset_format1.h5").string() +
                  "' --out '" + (dir.path() / "run").string() + "' --progress none");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("dataset_format1.h5: dataset format 1 holds no document texts"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("prepare it again"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "run"));
}

// Debian's libsentencepiece bundles protobuf-lite and crashes beside
// LibTorch's libprotobuf: the LibTorch binary must not load it.
TEST(NerTrainCli, DoesNotLoadSentencePiece) {
  const auto result = run_command("ldd " + kTrain);
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("libtorch"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("libsentencepiece"), std::string::npos) << result.out;
}

TEST(NerTrainCli, TrainsEvaluatesAndReportsWhichLabelsScored) {
  testing::TempDir dir;
  const std::string weak = (dir.path() / "weak").string();
  const std::string gold = (dir.path() / "gold").string();
  ASSERT_EQ(run_command(kCorpus + " generate --docs 60 --seed 3 --out '" + weak + "' --gold '" +
                        gold + "'")
                .exit_code,
            0);
  const std::string config = NER_SOURCE_DIR "/configs/tiny.yaml";
  const std::string dataset = (dir.path() / "d.h5").string();
  ASSERT_EQ(run_command(kTrain + " prepare --config '" + config + "' --corpus '" + weak +
                        "' --gold '" + gold + "' --out '" + dataset + "'")
                .exit_code,
            0);
  const std::string run = (dir.path() / "run").string();
  const auto trained =
      run_command(kTrain + " --config '" + config + "' --dataset '" + dataset + "' --out '" + run +
                  "' --set train.max_steps=6 --progress lines");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("Held-out test split (gold labels)"), std::string::npos)
      << trained.out;
  EXPECT_NE(trained.out.find("training"), std::string::npos) << trained.out;  // per-type rows
  EXPECT_NE(trained.err.find("dev F1"), std::string::npos) << trained.err;
  const auto metrics =
      nlohmann::json::parse(testing::read_text_file(dir.path() / "run" / "metrics.json"));
  EXPECT_EQ(metrics["label_source"]["train"], "weak");
  EXPECT_EQ(metrics["label_source"]["test"], "gold");
  EXPECT_EQ(metrics["steps"], 6);

  // `evaluate` on the dev split reproduces the numbers training recorded.
  const auto evaluated = run_command(kTrain + " evaluate --run '" + run + "' --dataset '" +
                                     dataset + "' --split dev --json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  const auto report = nlohmann::json::parse(evaluated.out);
  EXPECT_EQ(report["scores"], metrics["dev"]["scores"]);
  EXPECT_EQ(report["label_source"], "gold");

  // An evaluation-only dataset: every document under test/, the run's tokenizer.
  const fs::path held_out = dir.path() / "held-out";
  fs::create_directories(held_out);
  fs::copy(gold, held_out / "test", fs::copy_options::recursive);
  const std::string held_out_dataset = (dir.path() / "held-out.h5").string();
  const auto prepared = run_command(
      kTrain + " prepare --config '" + run + "/data_config.yaml' --tokenizer '" + run +
      "/tokenizer.model' --corpus '" + held_out.string() + "' --gold '" + held_out.string() +
      "' --set data.split=folders --out '" + held_out_dataset + "'");
  ASSERT_EQ(prepared.exit_code, 0) << prepared.err;
  const auto held_out_scores = run_command(kTrain + " evaluate --run '" + run + "' --dataset '" +
                                           held_out_dataset + "' --json");
  ASSERT_EQ(held_out_scores.exit_code, 0) << held_out_scores.err;
  EXPECT_EQ(nlohmann::json::parse(held_out_scores.out)["documents"], 60);

  // Without a gold twin the report says the scores come from weak labels.
  const std::string weak_dataset = (dir.path() / "weak.h5").string();
  ASSERT_EQ(run_command(kTrain + " prepare --config '" + config + "' --corpus '" + weak +
                        "' --out '" + weak_dataset + "'")
                .exit_code,
            0);
  const auto weak_run =
      run_command(kTrain + " --config '" + config + "' --dataset '" + weak_dataset + "' --out '" +
                  run + "-weak' --set train.max_steps=2");
  ASSERT_EQ(weak_run.exit_code, 0) << weak_run.err;
  EXPECT_NE(weak_run.out.find("scored against WEAK labels"), std::string::npos) << weak_run.out;

  const auto again = run_command(kTrain + " --config '" + config + "' --dataset '" + dataset +
                                 "' --out '" + run + "'");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already holds a training run"), std::string::npos) << again.err;
}

TEST(NerTrainCli, TrainingUsageErrors) {
  testing::TempDir dir;
  const auto help = run_command(kTrain + " --help");
  ASSERT_EQ(help.exit_code, 0);
  for (const char* option : {"--config", "--dataset", "--out", "--resume", "--set", "evaluate"})
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  const auto no_data = run_command(kTrain + " --out '" + (dir.path() / "r").string() + "'");
  EXPECT_EQ(no_data.exit_code, 2);
  EXPECT_NE(no_data.err.find("--dataset"), std::string::npos) << no_data.err;
  // The spellings of the last release still work, each with a note.
  const auto old = run_command(kTrain + " --data /nonexistent/d.h5 --out '" +
                               (dir.path() / "old").string() + "'");
  EXPECT_EQ(old.exit_code, 2);
  EXPECT_NE(old.err.find("ner-train: note: --data is now --dataset; the old spelling goes in the "
                         "next release"),
            std::string::npos)
      << old.err;
  EXPECT_NE(old.err.find("/nonexistent/d.h5"), std::string::npos) << old.err;
  const auto old_prepare = run_command(kTrain + " prepare --data=/nonexistent -o x.h5");
  EXPECT_EQ(old_prepare.exit_code, 2);
  EXPECT_NE(old_prepare.err.find("note: --data is now --corpus"), std::string::npos)
      << old_prepare.err;
  EXPECT_NE(old_prepare.err.find("/nonexistent"), std::string::npos) << old_prepare.err;
  for (const char* option : {"--device", "--threads", "-o,--out", "-c,--config"})
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  const auto pretrain_help = run_command(kTrain + " pretrain --help");
  for (const char* option : {"--device", "--threads", "--dataset", "--progress"})
    EXPECT_NE(pretrain_help.out.find(option), std::string::npos) << option;
  const auto nothing = run_command(kTrain + " --resume '" + dir.path().string() + "'");
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("nothing to resume"), std::string::npos) << nothing.err;
  const auto bad_set = run_command(kTrain + " --set train.lr=fast --dump-config");
  EXPECT_EQ(bad_set.exit_code, 2);
  EXPECT_NE(bad_set.err.find("train.lr"), std::string::npos) << bad_set.err;
  const auto dump = run_command(kTrain + " --set train.precision=bf16 --dump-config");
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("precision: bf16"), std::string::npos) << dump.out;
}

}  // namespace
}  // namespace ner
