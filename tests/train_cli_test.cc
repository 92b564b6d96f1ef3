// End-to-end tests of ner-train: `prepare` runs through the LibTorch binary,
// which must not load SentencePiece itself.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_util.h"

namespace ner {
namespace {

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
      run_command(kTrain + " prepare --config '" + config + "' --data '" + weak + "' --gold '" +
                  gold + "' --out '" + dataset + "' --set data.stride=32");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("split by hash"), std::string::npos) << result.err;
  const auto stats = run_command(kCorpus + " stats --json --dataset '" + dataset + "'");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(nlohmann::json::parse(stats.out)["splits"]["test"]["label_source"], "gold");

  const auto weak_only = run_command(kTrain + " prepare --config '" + config + "' --data '" + weak +
                                     "' --out '" + dataset + "'");
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
  const auto missing = run_command(kTrain + " prepare --data /nonexistent --out x.h5");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent: no such file or directory"), std::string::npos)
      << missing.err;
  EXPECT_EQ(run_command(kTrain + " prepare --help").exit_code, 0);
}

// Debian's libsentencepiece bundles protobuf-lite and crashes beside
// LibTorch's libprotobuf: the LibTorch binary must not load it.
TEST(NerTrainCli, DoesNotLoadSentencePiece) {
  const auto result = run_command("ldd " + kTrain);
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("libtorch"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("libsentencepiece"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace ner
