// The Eigen engine against the LibTorch model it was exported from: same
// logits (within 1e-4) and same tags on generated documents, for a trained
// tiny model. SentencePiece stays out of this process (piece ids come from
// the dataset file), as it cannot share one with LibTorch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "base/error.h"
#include "datasets/dataset_file.h"
#include "infer/engine.h"
#include "models/model_file.h"
#include "tests/test_util.h"
#include "tests/tiny_model_fixture.h"
#include "train/batches.h"
#include "train/export.h"
#include "train/trainer.h"

namespace ner {
namespace {

namespace fs = std::filesystem;

class EngineParityTest : public testing::TinyModelTest {
 protected:
  // Logits and tags of every test-split window from both implementations.
  static void compare(const fs::path& model_file, GemmBackend gemm, double logit_tolerance,
                      double* largest_difference, std::size_t* differing_windows) {
    TrainedRun run =
        load_trained_run(RunDirectory(path("run")), path("run") / "best.pt", torch::kCPU);
    const DatasetFile dataset = read_dataset_file(path("data.h5"));
    const DatasetSplit& split = dataset.split(Split::kTest);
    ASSERT_GT(split.window_count(), 10u);
    const ModelFile exported = read_model_file(model_file);
    Engine engine(exported, 2, model_file.string(), gemm);
    *largest_difference = 0;
    *differing_windows = 0;
    torch::NoGradGuard no_grad;
    for (std::size_t first = 0; first < split.window_count(); first += 8) {
      std::vector<std::size_t> windows;
      for (std::size_t w = first; w < std::min(split.window_count(), first + 8); ++w)
        windows.push_back(w);
      const BatchTensors batch = batch_tensors(split, windows, run.label_set, torch::kCPU);
      const torch::Tensor torch_logits = run.model->forward(batch.ids, batch.attend);
      const auto torch_tags = run.model->decode(torch_logits, batch.attend);
      std::vector<std::vector<std::int32_t>> ids;
      for (const std::size_t w : windows) {
        ids.emplace_back(split.piece_ids.begin() + split.window_offsets[w],
                         split.piece_ids.begin() + split.window_offsets[w + 1]);
      }
      BatchLogits engine_logits;
      engine.forward(ids, engine_logits);
      const auto engine_tags = engine.tag(ids);
      const auto expected = torch_logits.accessor<float, 3>();
      for (std::size_t b = 0; b < windows.size(); ++b) {
        const float* got = engine_logits.window(b);
        for (std::size_t t = 0; t < ids[b].size(); ++t) {
          for (std::size_t l = 0; l < engine_logits.labels; ++l) {
            const double difference =
                std::abs(static_cast<double>(got[t * engine_logits.labels + l]) -
                         expected[static_cast<int64_t>(b)][static_cast<int64_t>(t)]
                                 [static_cast<int64_t>(l)]);
            *largest_difference = std::max(*largest_difference, difference);
          }
        }
        if (engine_tags[b].labels != torch_tags[b].labels) ++*differing_windows;
      }
    }
    EXPECT_LT(*largest_difference, logit_tolerance);
  }
};

TEST_F(EngineParityTest, TrainingWritesAModelFile) {
  const ModelFile model = read_model_file(path("run") / "model.nerm");
  EXPECT_EQ(model.config.decoder, DecoderKind::kCrf);
  EXPECT_EQ(model.max_len, 64u);
  EXPECT_EQ(model.stride, 48u);
  EXPECT_EQ(model.provenance.at("held_out").at("label_source").at("test"), "gold");
  EXPECT_GT(
      model.provenance.at("held_out").at("test").at("micro").at("strict").at("f1").get<double>(),
      0.0);
  EXPECT_FALSE(model.tokenizer_model.empty());
}

TEST_F(EngineParityTest, SameLogitsAndTagsAsLibTorch) {
  double largest = 0;
  std::size_t differing = 0;
  for (const GemmBackend gemm : {GemmBackend::kEigen, default_gemm_backend()}) {
    compare(path("run") / "model.nerm", gemm, 1e-4, &largest, &differing);
    EXPECT_EQ(differing, 0u) << "windows tagged differently";
    std::cout << "largest logit difference " << largest << "\n";
  }
}

TEST_F(EngineParityTest, ExportCommandAndFp16Storage) {
  export_model(path("run") / "last.pt", path("last16.nerm"), WeightStorage::kFp16);
  export_model(path("run") / "best.pt", path("best32.nerm"), WeightStorage::kFp32);
  EXPECT_LT(fs::file_size(path("last16.nerm")), fs::file_size(path("best32.nerm")));
  double largest = 0;
  std::size_t differing = 0;
  compare(path("best32.nerm"), default_gemm_backend(), 1e-4, &largest, &differing);
  EXPECT_EQ(differing, 0u);
  EXPECT_THROW(export_model(path("data.h5"), path("x.nerm"), WeightStorage::kFp32), Error);
}

}  // namespace
}  // namespace ner
