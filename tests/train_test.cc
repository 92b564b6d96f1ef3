// Training-loop tests on small generated corpora: a tiny model learns 20
// documents perfectly, bf16 on the CPU trains, and resuming is exact.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "models/model_file.h"
#include "tests/test_util.h"
#include "tests/torch_devices.h"
#include "train/checkpoint.h"
#include "train/export.h"
#include "train/trainer.h"

namespace ner {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

const std::string kPrepare = NER_PREPARE_BIN;
const std::string kCorpus = NER_CORPUS_BIN;
const std::string kTinyConfig = NER_SOURCE_DIR "/configs/tiny.yaml";

// Datasets are prepared by the ner-train-prepare executable: SentencePiece
// cannot share this LibTorch process (see train/main.cc).
fs::path prepare(const fs::path& corpus, const fs::path& out, const std::string& extra = "") {
  const auto result = run_command(kPrepare + " --config '" + kTinyConfig + "' --corpus '" +
                                  corpus.string() + "' --out '" + out.string() + "' " + extra);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return out;
}

class TrainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = std::make_unique<testing::TempDir>();
    const fs::path root = directory_->path();
    // 20 documents, the same in train, dev and test: a model that learns
    // them must score F1 1.0 on dev.
    ASSERT_EQ(run_command(kCorpus + " generate --docs 20 --seed 4 --out '" +
                          (root / "w20").string() + "' --gold '" + (root / "g20").string() + "'")
                  .exit_code,
              0);
    fs::create_directories(root / "same");
    for (const char* split : {"train", "dev", "test"})
      fs::copy(root / "g20", root / "same" / split, fs::copy_options::recursive);
    prepare(root / "same", root / "same.h5",
            "--set data.weak_label_repair=false --set data.weak_unknown=false");

    ASSERT_EQ(run_command(kCorpus + " generate --docs 120 --seed 5 --out '" +
                          (root / "w").string() + "' --gold '" + (root / "g").string() + "'")
                  .exit_code,
              0);
    prepare(root / "w", root / "small.h5", "--gold '" + (root / "g").string() + "'");
  }
  static void TearDownTestSuite() {
    if (std::getenv("NER_KEEP_TEST_RUNS") != nullptr) {
      fs::rename(directory_->path(), directory_->path().string() + ".kept");
      fs::create_directories(directory_->path());
    }
    directory_.reset();
  }

  static fs::path path(const std::string& name) { return directory_->path() / name; }

  static TrainRequest request(const std::string& data, const std::string& run,
                              std::vector<std::string> overrides) {
    TrainRequest r;
    r.config = kTinyConfig;
    r.data = path(data);
    r.run_dir = path(run);
    r.overrides = std::move(overrides);
    r.progress = ProgressStyle::kNone;
    return r;
  }

  static inline std::unique_ptr<testing::TempDir> directory_;
};

std::vector<nlohmann::json> read_log(const fs::path& path) {
  std::vector<nlohmann::json> records;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    records.push_back(nlohmann::json::parse(line));
  return records;
}

TEST_F(TrainTest, TinyModelLearnsTwentyDocumentsToDevF1One) {
  const TrainOutcome outcome = run_training(
      request("same.h5", "overfit",
              {"model.dropout=0", "train.epochs=25", "train.batch_size=8", "train.lr=0.003",
               "train.warmup_ratio=0.02", "train.patience=2", "train.eval_every=40"}));
  ASSERT_TRUE(outcome.finished);
  const auto& dev = outcome.metrics.at("dev").at("scores");
  EXPECT_DOUBLE_EQ(dev.at("micro").at("strict").at("f1").get<double>(), 1.0) << dev.dump(2);
  EXPECT_GT(dev.at("micro").at("strict").at("gold").get<int>(), 100);
  EXPECT_EQ(outcome.metrics.at("label_source").at("dev"), "weak");
  EXPECT_DOUBLE_EQ(outcome.metrics.at("dev").at("per_corpus").at("corpus").at("f1").get<double>(),
                   1.0);
  for (const char* file : {"best.pt", "last.pt", "config.yaml", "run.json", "tokenizer.model",
                           "metrics.json", "log.jsonl", "model.nerm"})
    EXPECT_TRUE(fs::is_regular_file(path("overfit") / file)) << file;
  // The entity scores are calibrated on dev, and the model file carries the map.
  const auto& calibration = outcome.metrics.at("calibration");
  EXPECT_EQ(calibration.at("fitted_on"), "dev");
  EXPECT_GT(calibration.at("entities").get<int>(), 100);
  EXPECT_LE(calibration.at("ece_after").get<double>(),
            calibration.at("ece_before").get<double>() + 1e-12);
  const ModelFile model = read_model_file(path("overfit") / "model.nerm");
  EXPECT_FALSE(model.calibration.empty());
  EXPECT_EQ(model.calibration.to_json(), calibration.at("map"));
  EXPECT_EQ(model.provenance.at("calibration").at("ece_before"), calibration.at("ece_before"));
}

// Mean loss of the first and of the last five steps a run logged.
std::pair<double, double> first_and_last_losses(const std::vector<nlohmann::json>& log) {
  std::vector<double> losses;
  for (const auto& record : log) {
    if (record.at("event") == "step") losses.push_back(record.at("loss").get<double>());
  }
  if (losses.size() < 10) return {0.0, 0.0};
  const auto mean = [&](std::size_t from) {
    double sum = 0;
    for (std::size_t i = from; i < from + 5; ++i)
      sum += losses[i];
    return sum / 5;
  };
  return {mean(0), mean(losses.size() - 5)};
}

TEST_F(TrainTest, Bf16AutocastOnTheCpuLowersTheLoss) {
  const TrainOutcome outcome = run_training(request(
      "small.h5", "bf16", {"train.precision=bf16", "train.max_steps=40", "train.epochs=10"}));
  ASSERT_TRUE(outcome.finished);
  EXPECT_EQ(outcome.metrics.at("precision"), "bf16");
  const auto log = read_log(path("bf16") / "log.jsonl");
  EXPECT_EQ(
      std::count_if(log.begin(), log.end(),
                    [](const nlohmann::json& record) { return record.at("event") == "step"; }),
      40);
  const auto [first, last] = first_and_last_losses(log);
  EXPECT_LT(last, 0.7 * first) << "first steps " << first << ", last steps " << last;
}

// On a GPU, every precision trains with checkpointing off and on, logs what
// the caching allocator holds and ends with an exported model.
TEST_F(TrainTest, OnCudaEveryPrecisionTrainsWithAndWithoutCheckpointing) {
  NER_SKIP_UNLESS_AVAILABLE(torch::kCUDA);
  for (const std::string precision : {"fp32", "bf16", "fp16"}) {
    for (const std::string checkpointing : {"false", "true"}) {
      const std::string name = "cuda-" + precision + "-checkpointing-" + checkpointing;
      const TrainOutcome outcome = run_training(request(
          "small.h5", name,
          {"train.device=cuda", "train.precision=" + precision,
           "model.checkpointing=" + checkpointing, "train.max_steps=40", "train.epochs=10"}));
      ASSERT_TRUE(outcome.finished) << name;
      EXPECT_EQ(outcome.metrics.at("device"), "cuda:0") << name;
      EXPECT_TRUE(fs::is_regular_file(path(name) / "model.nerm")) << name;
      const auto log = read_log(path(name) / "log.jsonl");
      const auto [first, last] = first_and_last_losses(log);
      EXPECT_LT(last, 0.7 * first) << name << ": first steps " << first << ", last " << last;
      for (const auto& record : log) {
        if (record.at("event") != "step") continue;
        const auto resident = record.at("resident_device_memory_bytes").get<std::int64_t>();
        EXPECT_GT(resident, 0) << name;
        EXPECT_GE(record.at("peak_device_memory_bytes").get<std::int64_t>(), resident) << name;
        EXPECT_EQ(record.contains("loss_scale"), precision == "fp16") << name;
      }
    }
  }
}

TEST_F(TrainTest, ResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne) {
  const std::vector<std::string> settings = {"train.epochs=2", "train.eval_every=6",
                                             "model.dropout=0.2"};
  ASSERT_TRUE(run_training(request("small.h5", "whole", settings)).finished);

  TrainRequest first = request("small.h5", "pieces", settings);
  first.stop_after_steps = 7;  // mid-epoch, one step after an evaluation
  ASSERT_FALSE(run_training(first).finished);
  TrainRequest second = request("small.h5", "pieces", {});
  second.config.clear();
  second.data.clear();  // the run remembers its dataset
  second.resume = true;
  second.stop_after_steps = 9;
  ASSERT_FALSE(run_training(second).finished);
  second.stop_after_steps = 0;
  ASSERT_TRUE(run_training(second).finished);  // on to the end

  const TrainedRun whole =
      load_trained_run(RunDirectory(path("whole")), path("whole") / "last.pt", torch::kCPU);
  const TrainedRun pieces =
      load_trained_run(RunDirectory(path("pieces")), path("pieces") / "last.pt", torch::kCPU);
  const auto expected = whole.model->named_parameters();
  const auto actual = pieces.model->named_parameters();
  ASSERT_EQ(expected.size(), actual.size());
  for (const auto& item : expected) {
    EXPECT_TRUE(torch::equal(item.value(), actual[item.key()])) << item.key();
  }
  const auto metrics = [&](const std::string& run) {
    return nlohmann::json::parse(testing::read_text_file(path(run) / "metrics.json"));
  };
  EXPECT_EQ(metrics("whole")["test"], metrics("pieces")["test"]);
  EXPECT_EQ(metrics("whole")["best_step"], metrics("pieces")["best_step"]);
}

TEST_F(TrainTest, RefusesToOverwriteARunAndExplainsBadInput) {
  ASSERT_TRUE(run_training(request("small.h5", "once", {"train.max_steps=2"})).finished);
  try {
    run_training(request("small.h5", "once", {"train.max_steps=2"}));
    FAIL() << "a second run into the same directory must be refused";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("--resume"), std::string::npos) << error.what();
  }
  try {
    run_training(request("small.h5", "short", {"model.max_positions=16"}));
    FAIL() << "windows longer than max_positions must be refused";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("max_positions"), std::string::npos) << error.what();
  }
  EXPECT_THROW(run_training(request("missing.h5", "none", {})), Error);

  // A start that died before its first checkpoint can simply be run again.
  fs::create_directories(path("aborted"));
  std::ofstream(path("aborted") / "run.json") << "{}";
  EXPECT_TRUE(run_training(request("small.h5", "aborted", {"train.max_steps=2"})).finished);
}

// A last.pt of checkpoint format 1 (whose optimizer state was LibTorch's
// AdamW) is refused for resuming with a clear reason; its weights still load.
TEST_F(TrainTest, CheckpointsOfFormatOneServeWeightsButNotResuming) {
  TrainRequest first = request("small.h5", "format1", {"train.epochs=1"});
  first.stop_after_steps = 2;
  ASSERT_FALSE(run_training(first).finished);
  const fs::path last = path("format1") / "last.pt";
  {
    TrainedRun run = load_trained_run(RunDirectory(path("format1")), last, torch::kCPU);
    torch::serialize::InputArchive current;
    current.load_from(last.string());
    torch::Tensor progress, rng;
    current.read("progress", progress);
    current.read("rng_cpu", rng);
    torch::serialize::OutputArchive old_format, model_archive, optimizer_archive;
    old_format.write("format_version", torch::tensor(static_cast<int64_t>(1)));
    run.model->save(model_archive);
    old_format.write("model", model_archive);
    old_format.write("optimizer", optimizer_archive);
    old_format.write("progress", progress);
    old_format.write("rng_cpu", rng);
    old_format.save_to(last.string());
  }
  TrainRequest resumed = request("small.h5", "format1", {});
  resumed.resume = true;
  try {
    run_training(resumed);
    FAIL() << "resuming from a format 1 checkpoint must be refused";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("last.pt"), std::string::npos) << message;
    EXPECT_NE(message.find("earlier version"), std::string::npos) << message;
  }
  EXPECT_NO_THROW(load_trained_run(RunDirectory(path("format1")), last, torch::kCPU));
}

TEST_F(TrainTest, OverridesGivenOnResumeBecomeTheRunsConfig) {
  TrainRequest first = request("small.h5", "extended", {"train.epochs=1"});
  first.stop_after_steps = 2;
  ASSERT_FALSE(run_training(first).finished);
  TrainRequest resumed = request("small.h5", "extended", {"train.max_steps=3"});
  resumed.config.clear();
  resumed.data.clear();
  resumed.resume = true;
  ASSERT_TRUE(run_training(resumed).finished);
  EXPECT_NE(testing::read_text_file(path("extended") / "config.yaml").find("max_steps: 3"),
            std::string::npos);
  const auto metrics =
      nlohmann::json::parse(testing::read_text_file(path("extended") / "metrics.json"));
  EXPECT_EQ(metrics["steps"], 3);
}

TEST_F(TrainTest, NonFiniteLossStopsTheRunAndKeepsTheBestCheckpoint) {
  try {
    run_training(request("small.h5", "diverge",
                         {"train.lr=1e30", "train.warmup_ratio=0", "train.clip_norm=0",
                          "train.eval_every=1", "train.max_steps=20"}));
    FAIL() << "a run whose loss turns NaN must stop with an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("training loss became"), std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(fs::is_regular_file(path("diverge") / "best.pt"));
}

void flip_byte(const fs::path& file, std::size_t offset) {
  std::string bytes = testing::read_text_file(file);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x01);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// One flipped byte anywhere in a checkpoint (its archive or its checksum
// trailer) is refused by evaluate, export and resume, naming the other file.
TEST_F(TrainTest, DamagedCheckpointsAreRefusedNamingTheOtherCheckpoint) {
  TrainRequest first = request("small.h5", "damaged", {"train.eval_every=2"});
  first.stop_after_steps = 3;
  ASSERT_FALSE(run_training(first).finished);
  const RunDirectory run(path("damaged"));
  const std::string best = testing::read_text_file(run.best_checkpoint());
  const std::string last = testing::read_text_file(run.last_checkpoint());
  for (const std::size_t offset : {best.size() / 2, best.size() - 30, best.size() - 3}) {
    flip_byte(run.best_checkpoint(), offset);
    const std::string loading =
        error_of([&] { load_trained_run(run, run.best_checkpoint(), torch::kCPU); });
    EXPECT_NE(loading.find("best.pt: damaged checkpoint"), std::string::npos) << loading;
    EXPECT_NE(loading.find("last.pt"), std::string::npos) << loading;
    const std::string exporting = error_of(
        [&] { export_model(run.best_checkpoint(), path("damaged.nerm"), WeightStorage::kFp32); });
    EXPECT_NE(exporting.find("damaged checkpoint"), std::string::npos) << exporting;
    EXPECT_FALSE(fs::exists(path("damaged.nerm")));
    std::ofstream(run.best_checkpoint(), std::ios::binary | std::ios::trunc) << best;
  }
  flip_byte(run.last_checkpoint(), last.size() / 3);
  TrainRequest resumed = request("small.h5", "damaged", {});
  resumed.config.clear();
  resumed.resume = true;
  const std::string resuming = error_of([&] { run_training(resumed); });
  EXPECT_NE(resuming.find("last.pt: damaged checkpoint"), std::string::npos) << resuming;
  EXPECT_NE(resuming.find("best.pt"), std::string::npos) << resuming;
  // The intact one still serves.
  EXPECT_NO_THROW(load_trained_run(run, run.best_checkpoint(), torch::kCPU));
}

// A run killed after logging steps past its last checkpoint trains them
// again: the log drops them on resume and stays in step order. A finished run
// resumed again says so and changes nothing.
TEST_F(TrainTest, ResumedLogsStayInStepOrderAndAFinishedRunSaysItIsFinished) {
  TrainRequest first = request("small.h5", "logged", {"train.max_steps=12", "train.eval_every=4"});
  first.stop_after_steps = 5;
  ASSERT_FALSE(run_training(first).finished);
  const RunDirectory run(path("logged"));
  {
    std::ofstream log(run.log(), std::ios::app);
    log << R"({"event":"step","step":6,"loss":1.0})"
        << "\n"
        << R"({"event":"step","step":7,"loss":1.0})"
        << "\n"
        << R"({"event":"st)";  // cut off mid-write by the kill
  }
  TrainRequest resumed = request("small.h5", "logged", {});
  resumed.config.clear();
  resumed.resume = true;
  ASSERT_TRUE(run_training(resumed).finished);
  const auto log = read_log(run.log());
  std::int64_t previous = 0;
  int tests = 0;
  std::vector<std::int64_t> steps_trained;
  for (const auto& record : log) {
    EXPECT_GE(record["step"].get<std::int64_t>(), previous) << record.dump();
    previous = record["step"].get<std::int64_t>();
    if (record["event"] == "test") ++tests;
    if (record["event"] == "step") steps_trained.push_back(previous);
  }
  EXPECT_EQ(tests, 1);
  std::vector<std::int64_t> expected(12);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(steps_trained, expected);

  const std::string log_before = testing::read_text_file(run.log());
  const auto model_time = fs::last_write_time(run.model_file());
  const TrainOutcome again = run_training(resumed);
  EXPECT_TRUE(again.already_finished);
  EXPECT_EQ(again.steps, 12);
  EXPECT_EQ(testing::read_text_file(run.log()), log_before);
  EXPECT_EQ(fs::last_write_time(run.model_file()), model_time);
}

// While one process trains in a run directory, another is refused; the lock
// goes with its holder, and a lock file left by a dead process blocks nothing.
TEST_F(TrainTest, ARunDirectoryInUseIsRefusedUntilItsHolderEnds) {
  const RunDirectory run(path("locked"));
  {
    const RunLock held = run.lock();
    const std::string refused =
        error_of([&] { run_training(request("small.h5", "locked", {"train.max_steps=2"})); });
    EXPECT_NE(refused.find("another ner-train"), std::string::npos) << refused;
    EXPECT_NE(refused.find(std::to_string(::getpid())), std::string::npos) << refused;
    EXPECT_FALSE(fs::exists(run.last_checkpoint()));
  }
  std::ofstream(run.lock_file(), std::ios::trunc) << "999999999\n";  // no such process
  EXPECT_TRUE(run_training(request("small.h5", "locked", {"train.max_steps=2"})).finished);
}

}  // namespace
}  // namespace ner
