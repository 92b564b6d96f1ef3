// Masked-language pretraining: whole-word masking on hand-made windows, the
// loss falling on a tiny corpus, exact resume, and --init copying the encoder.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "datasets/pretraining_corpus.h"
#include "models/masked_lm.h"
#include "models/model_spec.h"
#include "tests/test_util.h"
#include "train/checkpoint.h"
#include "train/masking.h"
#include "train/pretrainer.h"
#include "train/trainer.h"

namespace ner {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

const std::string kTrain = NER_TRAIN_BIN;
const std::string kCorpus = NER_CORPUS_BIN;
const std::string kTinyConfig = NER_SOURCE_DIR "/configs/tiny.yaml";

// Pieces 0..9; pieces 0, 3, 6 and 9 start words.
const std::vector<std::uint8_t> kStartsWord = {1, 0, 0, 1, 0, 0, 1, 0, 0, 1};

TEST(WholeWordMasking, ChoosesWholeWordsAtTheRate) {
  // 40 words of 3 pieces (0 1 2, 3 4 5, 6 7 8) and one of 1 (9).
  std::vector<std::int32_t> ids;
  for (int word = 0; word < 40; ++word)
    for (int piece = 0; piece < 3; ++piece)
      ids.push_back(static_cast<std::int32_t>((word % 3) * 3 + piece));
  ids.push_back(9);
  MaskingOptions options;
  options.mask_rate = 0.15;
  options.random_rate = 0;
  options.keep_rate = 0;
  options.mask_id = 10;
  options.vocab_size = 10;
  std::mt19937_64 random(7);
  const MaskedWindow masked =
      mask_whole_words(ids.data(), ids.size(), kStartsWord, options, random);
  std::size_t predicted = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (masked.targets[i] < 0) {
      EXPECT_EQ(masked.inputs[i], ids[i]) << i;
      continue;
    }
    ++predicted;
    EXPECT_EQ(masked.targets[i], ids[i]) << i;
    EXPECT_EQ(masked.inputs[i], 10) << i;
  }
  // 15% of 121 pieces is 18: six words of three.
  EXPECT_EQ(predicted, 18u);
  // Whole words: every word is chosen entirely or not at all.
  for (std::size_t begin = 0; begin + 3 <= 120; begin += 3) {
    const bool first = masked.targets[begin] >= 0;
    EXPECT_EQ(masked.targets[begin + 1] >= 0, first) << begin;
    EXPECT_EQ(masked.targets[begin + 2] >= 0, first) << begin;
  }
}

TEST(WholeWordMasking, RandomAndKeptWordsFollowTheirRates) {
  std::vector<std::int32_t> ids(20000);
  for (std::size_t i = 0; i < ids.size(); ++i)
    ids[i] = static_cast<std::int32_t>(i % 3 == 0 ? 0 : 1);  // words of three pieces
  MaskingOptions options;
  options.mask_rate = 0.3;
  options.random_rate = 0.2;
  options.keep_rate = 0.3;
  options.mask_id = 10;
  options.vocab_size = 10;
  std::mt19937_64 random(3);
  const MaskedWindow masked =
      mask_whole_words(ids.data(), ids.size(), kStartsWord, options, random);
  std::size_t predicted = 0, as_mask = 0, kept = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (masked.targets[i] < 0) continue;
    ++predicted;
    as_mask += masked.inputs[i] == 10;
    kept += masked.inputs[i] == ids[i];
  }
  EXPECT_NEAR(static_cast<double>(predicted) / ids.size(), 0.3, 0.001);
  EXPECT_NEAR(static_cast<double>(as_mask) / predicted, 0.5, 0.05);
  // Kept, plus random pieces that happen to equal the original (1 in 10).
  EXPECT_NEAR(static_cast<double>(kept) / predicted, 0.3 + 0.2 * 0.1, 0.05);
}

TEST(WholeWordMasking, AWindowOfOneLongWordStillPredictsIt) {
  const std::vector<std::int32_t> ids = {0, 1, 2, 1, 2, 1, 2};
  MaskingOptions options;
  options.mask_id = 10;
  options.vocab_size = 10;
  std::mt19937_64 random(1);
  const MaskedWindow masked =
      mask_whole_words(ids.data(), ids.size(), kStartsWord, options, random);
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(masked.targets[i], ids[i]);
}

class PretrainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = std::make_unique<testing::TempDir>();
    const auto generated =
        run_command(kCorpus + " generate --raw --docs 120 --seed 21 --out '" +
                    path("raw").string() + "' --gold '" + path("raw-gold").string() + "'");
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
    const auto text =
        run_command(kTrain + " prepare-text --config '" + kTinyConfig + "' --text '" +
                    path("raw").string() + "' --out '" + path("text.h5").string() + "'");
    ASSERT_EQ(text.exit_code, 0) << text.err;
  }
  static void TearDownTestSuite() { directory_.reset(); }
  static fs::path path(const std::string& name) { return directory_->path() / name; }
  static PretrainRequest request(const std::string& run, std::vector<std::string> overrides) {
    PretrainRequest r;
    r.config = kTinyConfig;
    r.data = path("text.h5");
    r.run_dir = path(run);
    r.overrides = std::move(overrides);
    r.progress = ProgressStyle::kNone;
    return r;
  }
  // The weights of a pretraining run's last checkpoint.
  static MaskedLm weights(const std::string& run) {
    const PretrainingCorpus corpus = read_pretraining_corpus(path("text.h5"));
    const PretrainOptions options = load_pretrain_options(path(run) / "config.yaml", {});
    MaskedLm model(masked_lm_config(options.train.model, corpus.vocab_size));
    load_checkpoint(path(run) / "last.pt", *model, nullptr, false, torch::kCPU);
    return model;
  }
  static inline std::unique_ptr<testing::TempDir> directory_;
};

TEST_F(PretrainTest, TheMaskedLanguageModelLossFalls) {
  const PretrainOutcome outcome = run_pretraining(
      request("falls", {"train.max_steps=60", "train.eval_every=10", "train.lr=0.003"}));
  ASSERT_TRUE(outcome.finished);
  std::vector<double> dev_losses;
  for (const std::string& line : {testing::read_text_file(path("falls") / "log.jsonl")}) {
    std::size_t start = 0;
    while (start < line.size()) {
      const std::size_t end = line.find('\n', start);
      const auto record = nlohmann::json::parse(line.substr(start, end - start));
      if (record["event"] == "evaluation") dev_losses.push_back(record["loss"].get<double>());
      start = end + 1;
    }
  }
  ASSERT_EQ(dev_losses.size(), 6u);
  EXPECT_LT(dev_losses.back(), dev_losses.front() - 0.5)
      << dev_losses.front() << " -> " << dev_losses.back();
  EXPECT_GT(outcome.metrics["dev_accuracy"].get<double>(), 0.0);
}

TEST_F(PretrainTest, ResumedPretrainingEndsWithTheSameWeights) {
  const std::vector<std::string> settings = {"train.max_steps=14", "train.eval_every=4"};
  ASSERT_TRUE(run_pretraining(request("whole", settings)).finished);
  PretrainRequest first = request("pieces", settings);
  first.stop_after_steps = 6;
  ASSERT_FALSE(run_pretraining(first).finished);
  PretrainRequest rest = request("pieces", {});
  rest.config.clear();
  rest.data.clear();
  rest.resume = true;
  ASSERT_TRUE(run_pretraining(rest).finished);
  EXPECT_TRUE(run_pretraining(rest).already_finished);

  MaskedLm whole = weights("whole");
  MaskedLm pieces = weights("pieces");
  const auto expected = whole->named_parameters();
  const auto actual = pieces->named_parameters();
  for (const auto& item : expected)
    EXPECT_TRUE(torch::equal(item.value(), actual[item.key()])) << item.key();
}

TEST_F(PretrainTest, ContinuedPretrainingStartsFromTheOtherRunsWeights) {
  ASSERT_TRUE(run_pretraining(request("first", {"train.max_steps=3"})).finished);
  PretrainRequest next = request("next", {"train.max_steps=1", "train.lr=1e-12"});
  next.init = path("first");
  ASSERT_TRUE(run_pretraining(next).finished);

  MaskedLm first = weights("first");
  MaskedLm next_model = weights("next");
  const auto after = next_model->named_parameters();
  for (const auto& item : first->named_parameters())
    EXPECT_TRUE(torch::allclose(after[item.key()], item.value(), 0, 1e-6)) << item.key();
  const auto info =
      nlohmann::json::parse(testing::read_text_file(path("next") / "pretraining.json"));
  EXPECT_EQ(info["init"]["steps"], 3);
  EXPECT_EQ(fs::path(info["init"]["run"].get<std::string>()), fs::absolute(path("first")));

  PretrainRequest wider = request("wider", {"train.max_steps=1", "model.ffn=48"});
  wider.init = path("first");
  try {
    run_pretraining(wider);
    FAIL() << "other sizes must be refused";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("ffn"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(path("wider")));
}

TEST_F(PretrainTest, InitLoadsExactlyTheEncoderAndRefusesAnotherTokenizer) {
  ASSERT_TRUE(run_pretraining(request("encoder", {"train.max_steps=3"})).finished);
  // An NER dataset tokenized with the pretraining run's tokenizer.
  ASSERT_EQ(run_command(kCorpus + " generate --docs 60 --seed 22 --out '" + path("w").string() +
                        "' --gold '" + path("g").string() + "'")
                .exit_code,
            0);
  const auto same = run_command(kTrain + " prepare --config '" + kTinyConfig + "' --corpus '" +
                                path("w").string() + "' --tokenizer '" +
                                (path("encoder") / "tokenizer.model").string() + "' --out '" +
                                path("ner.h5").string() + "'");
  ASSERT_EQ(same.exit_code, 0) << same.err;
  const auto other =
      run_command(kTrain + " prepare --config '" + kTinyConfig + "' --corpus '" +
                  path("w").string() + "' --out '" + path("other.h5").string() + "'");
  ASSERT_EQ(other.exit_code, 0) << other.err;

  TrainRequest ner;
  ner.config = kTinyConfig;
  ner.data = path("ner.h5");
  ner.run_dir = path("ner-run");
  ner.init = path("encoder");
  ner.overrides = {"train.max_steps=1", "train.lr=1e-12", "model.dropout=0"};
  ner.progress = ProgressStyle::kNone;
  ASSERT_TRUE(run_training(ner).finished);

  MaskedLm pretrained = weights("encoder");
  // The NER run's weights before its first step: one step at lr 1e-12 moves
  // nothing measurable, so compare with a tolerance far below any init.
  const TrainedRun run =
      load_trained_run(RunDirectory(path("ner-run")), path("ner-run") / "last.pt", torch::kCPU);
  const auto from = pretrained->named_parameters();
  const auto to = run.model->named_parameters();
  std::size_t compared = 0;
  for (const TensorSpec& spec : model_spec(run.options.model).tensors()) {
    if (spec.name.rfind("encoder.head.", 0) == 0 || spec.name.rfind("encoder.", 0) != 0) continue;
    torch::Tensor expected = from[spec.name];
    if (spec.name == "encoder.tokens.weight")
      expected = expected.narrow(0, 0, run.options.model.vocab_size);
    EXPECT_TRUE(torch::allclose(to[spec.name], expected, 0, 1e-6)) << spec.name;
    ++compared;
  }
  EXPECT_EQ(compared, model_spec(run.options.model).tensors().size() - 2 - 3);  // head, CRF
  const auto info = nlohmann::json::parse(testing::read_text_file(path("ner-run") / "run.json"));
  EXPECT_EQ(info["pretrained"]["steps"], 3);

  ner.data = path("other.h5");
  ner.run_dir = path("other-run");
  try {
    run_training(ner);
    FAIL() << "a dataset of another tokenizer must be refused";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("another tokenizer"), std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(fs::exists(path("other-run")));
}

}  // namespace
}  // namespace ner
