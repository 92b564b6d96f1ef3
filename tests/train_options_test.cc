#include "train/train_options.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "datasets/data_config.h"
#include "tests/test_util.h"

namespace ner {
namespace {

TEST(TrainOptions, DefaultsThenYamlThenOverrides) {
  testing::TempDir dir;
  const auto file = dir.write("c.yaml",
                              "tokenizer:\n  vocab_size: 500\nmodel:\n  d_model: 96\n  heads: 6\n"
                              "train:\n  lr: 0.001\n  precision: bf16\n");
  const TrainOptions options =
      load_train_options(file, {"train.lr=3e-4", "model.checkpointing=true"});
  EXPECT_EQ(options.model.d_model, 96);
  EXPECT_EQ(options.model.heads, 6);
  EXPECT_DOUBLE_EQ(options.learning_rate, 3e-4);
  EXPECT_EQ(options.precision, Precision::kBf16);
  EXPECT_TRUE(options.model.checkpointing);
  EXPECT_EQ(options.epochs, TrainOptions{}.epochs);  // untouched default
  // The dump reads back to the same options.
  const auto dumped = dir.write("dump.yaml", to_yaml(options));
  EXPECT_EQ(to_yaml(load_train_options(dumped, {})), to_yaml(options));
}

TEST(TrainOptions, UnknownKeysAndBadValues) {
  testing::TempDir dir;
  const auto typo = dir.write("typo.yaml", "train:\n  learning_rate: 0.1\n");
  try {
    load_train_options(typo, {});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              typo.string() + ":2:3: unknown configuration key 'train.learning_rate'");
  }
  // Names are checked where the config is read, and the error lists the valid ones.
  const auto enum_file = dir.write("enum.yaml", "model:\n  decoder: hmm\n");
  try {
    load_train_options(enum_file, {});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), enum_file.string() +
                                             ":2:12: 'model.decoder': unknown decoder 'hmm': use "
                                             "crf or softmax");
  }
  try {
    load_train_options({}, {"train.precision=fp8"});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("use fp32, bf16 or fp16"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(load_train_options({}, {"train.schedule=step"}), Error);
  const TrainOptions chosen = load_train_options(
      {}, {"train.precision=fp16", "train.schedule=cosine", "model.decoder=softmax"});
  EXPECT_EQ(chosen.precision, Precision::kFp16);
  EXPECT_EQ(chosen.schedule, DecayKind::kCosine);
  EXPECT_EQ(chosen.model.decoder, DecoderKind::kSoftmax);
  const std::string yaml = to_yaml(chosen);
  for (const char* line : {"precision: fp16", "schedule: cosine", "decoder: softmax"})
    EXPECT_NE(yaml.find(line), std::string::npos) << yaml;
  EXPECT_THROW(load_train_options({}, {"model.heads=7"}), Error);  // 256 not divisible by 7
  EXPECT_THROW(load_train_options({}, {"train.epochs=many"}), Error);
  EXPECT_THROW(load_train_options({}, {"optimizer.lr=1"}), Error);
  EXPECT_NO_THROW(load_train_options({}, {"data.max_len=64"}));  // another stage's section
}

// A value out of range is reported at the file, line and column of its YAML
// value, so that it can be found and fixed there.
TEST(TrainOptions, RangeErrorsNameTheLineOfTheValue) {
  testing::TempDir dir;
  const auto expect_error = [&](const std::string& yaml, const std::string& expected) {
    const auto file = dir.write("range.yaml", yaml);
    try {
      load_train_options(file, {});
      ADD_FAILURE() << "expected an error for " << yaml;
    } catch (const Error& error) {
      EXPECT_EQ(std::string(error.what()), file.string() + ":" + expected);
    }
  };
  expect_error("train:\n  lr: -0.001\n", "2:7: train.lr must be positive, got -0.001");
  expect_error("train:\n  seed: 3\n  epochs: 0\n", "3:11: train.epochs must be positive, got 0");
  expect_error("model:\n  d_model: 256\n  heads: 3\n",
               "3:10: model.heads 3 must divide model.d_model 256");
  expect_error("model:\n  dropout: 1.5\n", "2:12: model.dropout 1.5 must be in [0, 1)");
  expect_error("model:\n  layers: 2.5\n", "2:11: 'model.layers' must be a whole number, not '2.5'");
  expect_error("train:\n  lr: 0.1\n  lr: 0.2\n",
               "3:3: 'train.lr' is given twice (first at line 2); keep one");
  try {
    load_train_options({}, {"train.patience=0"});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "--set train.patience=0: train.patience must be positive, got 0");
  }
}

// The self_train section: read by tools/self_train.sh through ner-train
// self-train-config, skipped by every other stage.
TEST(SelfTrainOptions, DefaultsThenYamlThenOverrides) {
  testing::TempDir dir;
  const auto file = dir.write("c.yaml",
                              "train:\n  epochs: 2\nself_train:\n  rounds: 2\n  confident_o: true\n"
                              "  type_min_scores: model=0.7,params=0.5\n");
  const SelfTrainOptions options = load_self_train_options(file, {"self_train.min_score=0.8"});
  EXPECT_EQ(options.rounds, 2);
  EXPECT_DOUBLE_EQ(options.min_score, 0.8);
  EXPECT_TRUE(options.confident_o);
  EXPECT_EQ(options.epochs, SelfTrainOptions{}.epochs);
  EXPECT_EQ(to_key_values(options),
            "rounds=2\nmin_score=0.8\ntype_min_scores=model=0.7,params=0.5\nconfident_o=true\n"
            "epochs=3\n");
  EXPECT_EQ(to_key_values(load_self_train_options({}, {})),
            "rounds=3\nmin_score=0.9\ntype_min_scores=\nconfident_o=false\nepochs=3\n");
  // The other stages read the same file.
  EXPECT_EQ(load_train_options(file, {}).epochs, 2);
  EXPECT_NO_THROW(load_data_config(file, {}));
  EXPECT_NO_THROW(load_pretrain_options(file, {}));

  const auto bad = dir.write("bad.yaml", "self_train:\n  rounds: 1\n  type_min_scores: modl=0.5\n");
  try {
    load_self_train_options(bad, {});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(bad.string() + ":3:"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(load_self_train_options({}, {"self_train.rounds=0"}), Error);
  EXPECT_THROW(load_self_train_options({}, {"self_train.min_score=1.5"}), Error);
  EXPECT_THROW(load_self_train_options({}, {"self_train.round=2"}), Error);
}

// Every shipped config is complete and valid for both stages.
TEST(TrainOptions, ShippedConfigsLoad) {
  for (const char* name : {"tiny", "small", "base"}) {
    const std::filesystem::path file =
        std::filesystem::path(NER_SOURCE_DIR) / "configs" / (std::string(name) + ".yaml");
    SCOPED_TRACE(file.string());
    EXPECT_NO_THROW(load_train_options(file, {}));
    EXPECT_NO_THROW(load_data_config(file, {}));
  }
  const TrainOptions base =
      load_train_options(std::filesystem::path(NER_SOURCE_DIR) / "configs/base.yaml", {});
  EXPECT_EQ(base.precision, Precision::kBf16);
  EXPECT_TRUE(base.model.checkpointing);
}

}  // namespace
}  // namespace ner
