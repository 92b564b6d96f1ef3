// A run's directory: what a new run writes, what reading gives back, and the
// errors for folders that are not runs.
#include "train/run_directory.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/file_io.h"
#include "tests/test_util.h"

namespace ner {
namespace {

RunInfo sample_info() {
  RunInfo info;
  info.version = "0.1.0";
  info.dataset = "/data/set.h5";
  info.tag_scheme = "bio";
  info.label_names = {"O", "B-model", "I-model"};
  info.vocab_size = 1000;
  info.label_source = {{"train", "weak"}, {"dev", "gold"}, {"test", "gold"}};
  info.data_config = "data:\n  max_len: 64\n";
  return info;
}

TEST(RunDirectory, CreatesWhatARunStartsFromAndReadsItBack) {
  const testing::TempDir dir;
  const RunDirectory run(dir.path() / "run");
  EXPECT_FALSE(run.has_started());
  EXPECT_FALSE(run.read_metrics().has_value());
  write_file_atomically(run.log(), "{}\n");  // left by a start that never checkpointed
  run.create(sample_info(), "train:\n  epochs: 3\n", std::string("\x00spm", 4));
  EXPECT_FALSE(std::filesystem::exists(run.log()));
  const RunInfo info = run.read_info();
  EXPECT_EQ(info.dataset, "/data/set.h5");
  EXPECT_EQ(info.label_names, sample_info().label_names);
  EXPECT_EQ(info.vocab_size, 1000);
  EXPECT_EQ(info.label_source.at("dev"), "gold");
  EXPECT_EQ(run.read_config(), "train:\n  epochs: 3\n");
  EXPECT_EQ(run.read_tokenizer(), std::string("\x00spm", 4));
  EXPECT_EQ(read_file(run.data_config()), sample_info().data_config);
  EXPECT_EQ(run.checkpoint("best"), dir.path() / "run" / "best.pt");
  write_file_atomically(run.last_checkpoint(), "weights");
  EXPECT_TRUE(run.has_started());
  run.write_metrics({{"checkpoint", "best.pt"}});
  EXPECT_EQ(run.read_metrics()->at("checkpoint"), "best.pt");
  EXPECT_EQ(RunDirectory::of_checkpoint(run.best_checkpoint()).root(), run.root());
}

TEST(RunDirectory, FoldersThatAreNotRunsAreNamedInTheError) {
  const testing::TempDir dir;
  const auto checkpoint = dir.write("loose/best.pt", "weights");
  try {
    RunDirectory::of_checkpoint(checkpoint);
    FAIL() << "a checkpoint outside a run was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("not inside a training run directory"),
              std::string::npos)
        << error.what();
  }
  dir.write("other/run.json", R"({"format": "something else"})");
  EXPECT_THROW(RunDirectory(dir.path() / "other").read_info(), Error);
  dir.write("broken/run.json", "{");
  try {
    RunDirectory(dir.path() / "broken").read_info();
    FAIL() << "a broken run.json was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("run.json: not valid JSON"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace ner
