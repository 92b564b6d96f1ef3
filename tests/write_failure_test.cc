// Writes that fail (a full disk, simulated with a file-size limit) end in one
// clear error line and exit 2, leave no temporary file and keep older files.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace ner {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

const std::string kTrain = NER_TRAIN_BIN;
const std::string kCorpus = NER_CORPUS_BIN;
const std::string kTinyConfig = NER_SOURCE_DIR "/configs/tiny.yaml";

// Runs `command` where no file may grow past `kilobytes`: writing further
// fails with EFBIG, as writing to a full disk fails with ENOSPC (the signal
// such a write raises is ignored, as a shell's trap leaves it for children).
testing::CommandResult run_with_file_limit(int kilobytes, const std::string& command) {
  return run_command("trap '' XFSZ; ulimit -f " + std::to_string(kilobytes) + "; " + command);
}

std::vector<std::string> error_lines(const std::string& err) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < err.size()) {
    const std::size_t end = err.find('\n', start);
    const std::string line = err.substr(start, end == std::string::npos ? end : end - start);
    if (line.find("error") != std::string::npos) lines.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

// Temporary files of the atomic writer ("NAME.tmp<pid>") left in `dir`.
std::vector<std::string> temporary_files(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().find(".tmp") != std::string::npos)
      found.push_back(entry.path().string());
  }
  return found;
}

void expect_one_write_error(const testing::CommandResult& result, const fs::path& file) {
  EXPECT_EQ(result.exit_code, 2) << result.err;
  const auto lines = error_lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_NE(lines[0].find(file.string()), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("File too large"), std::string::npos) << lines[0];
  EXPECT_EQ(result.err.find("H5"), std::string::npos) << result.err;
}

class WriteFailureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = std::make_unique<testing::TempDir>();
    ASSERT_EQ(run_command(kCorpus + " generate --docs 120 --seed 7 --out '" + path("w").string() +
                          "' --gold '" + path("g").string() + "'")
                  .exit_code,
              0);
    const auto prepared =
        run_command(kTrain + " prepare --config '" + kTinyConfig + "' --corpus '" +
                    path("w").string() + "' --out '" + path("data.h5").string() + "'");
    ASSERT_EQ(prepared.exit_code, 0) << prepared.err;
  }
  static void TearDownTestSuite() { directory_.reset(); }
  static fs::path path(const std::string& name) { return directory_->path() / name; }
  static std::string train_command(const std::string& run, const std::string& extra) {
    return kTrain + " --config '" + kTinyConfig + "' --dataset '" + path("data.h5").string() +
           "' --out '" + path(run).string() + "' --progress none " + extra;
  }
  static inline std::unique_ptr<testing::TempDir> directory_;
};

TEST_F(WriteFailureTest, PrepareOnAFullDiskFailsCleanlyAndKeepsTheOldDataset) {
  const fs::path out = path("again.h5");
  const std::string prepare = kTrain + " prepare --config '" + kTinyConfig + "' --corpus '" +
                              path("w").string() + "' --out '" + out.string() + "'";
  const auto result = run_with_file_limit(64, prepare);
  expect_one_write_error(result, out);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(temporary_files(directory_->path()).empty());

  // An existing dataset stays as it was when replacing it fails.
  fs::copy_file(path("data.h5"), out);
  const std::string before = testing::read_text_file(out);
  expect_one_write_error(run_with_file_limit(64, prepare), out);
  EXPECT_EQ(testing::read_text_file(out), before);
  EXPECT_TRUE(temporary_files(directory_->path()).empty());
}

TEST_F(WriteFailureTest, CheckpointsOnAFullDiskFailCleanlyAndTheRunResumes) {
  const auto first = run_command(train_command("run", "--set train.eval_every=4 --stop-after 5"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const fs::path last = path("run") / "last.pt";
  const fs::path best = path("run") / "best.pt";
  const std::string last_before = testing::read_text_file(last);
  const std::string best_before = testing::read_text_file(best);
  ASSERT_GT(best_before.size(), 256u * 1024);

  // The next evaluation's checkpoints (best.pt first, if it improved) no
  // longer fit.
  const auto failed =
      run_with_file_limit(256, kTrain + " --resume '" + path("run").string() + "' --progress none");
  expect_one_write_error(failed, path("run"));
  EXPECT_TRUE(temporary_files(path("run")).empty());
  EXPECT_EQ(testing::read_text_file(last), last_before);
  EXPECT_EQ(testing::read_text_file(best), best_before);

  const auto resumed = run_command(kTrain + " --resume '" + path("run").string() +
                                   "' --progress none --set train.max_steps=10");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(fs::exists(path("run") / "model.nerm"));
}

TEST_F(WriteFailureTest, ExportOnAFullDiskFailsCleanly) {
  const auto trained = run_command(train_command("exported", "--set train.max_steps=2"));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const fs::path out = path("model.nerm");
  const auto result = run_with_file_limit(64, kTrain + " export --checkpoint '" +
                                                  (path("exported") / "best.pt").string() +
                                                  "' --out '" + out.string() + "'");
  expect_one_write_error(result, out);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(temporary_files(directory_->path()).empty());
}

}  // namespace
}  // namespace ner
