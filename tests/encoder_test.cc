#include "models/encoder.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "base/error.h"
#include "models/model_spec.h"
#include "models/ner_model.h"
#include "models/torch_runtime.h"
#include "tests/torch_devices.h"

namespace ner {
namespace {

ModelConfig tiny_config() {
  ModelConfig config;
  config.vocab_size = 50;
  config.num_labels = 5;
  config.d_model = 32;
  config.layers = 2;
  config.heads = 4;
  config.ffn = 64;
  config.dropout = 0.1;
  config.max_positions = 16;
  return config;
}

// Gives `to` the weights of `from`, a model of the same config.
void copy_weights(TokenClassifier& from, TokenClassifier& to) {
  torch::NoGradGuard no_grad;
  auto source = from->named_parameters();
  for (auto& item : to->named_parameters())
    item.value().copy_(source[item.key()]);
}

TEST(ModelConfig, Validation) {
  EXPECT_NO_THROW(validate(tiny_config()));
  ModelConfig bad = tiny_config();
  bad.heads = 3;
  EXPECT_THROW(validate(bad), Error);
  ModelConfig no_vocab = tiny_config();
  no_vocab.vocab_size = 0;
  EXPECT_THROW(validate(no_vocab), Error);
}

TEST(Encoder, LogitShapeAndParameterNames) {
  torch::manual_seed(0);
  TokenClassifier model(tiny_config());
  const auto ids = torch::randint(0, 50, {3, 7}, torch::kLong);
  const auto attend = torch::ones({3, 7}, torch::kBool);
  EXPECT_EQ(model->forward(ids, attend).sizes(), (std::vector<int64_t>{3, 7, 5}));
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& item : model->named_parameters())
    shapes[item.key()] = item.value().sizes().vec();
  EXPECT_EQ(shapes.at("blocks.1.qkv.weight"), (std::vector<int64_t>{96, 32}));
  EXPECT_EQ(shapes.at("head.weight"), (std::vector<int64_t>{5, 32}));
  EXPECT_EQ(shapes.at("positions.weight"), (std::vector<int64_t>{16, 32}));
  EXPECT_THROW(
      model->forward(torch::zeros({1, 17}, torch::kLong), torch::ones({1, 17}, torch::kBool)),
      c10::Error);
}

// Padding must not leak into real pieces: whatever the padded ids are, the
// logits of the real pieces stay the same.
TEST(Encoder, PaddedPiecesDoNotChangeRealOnes) {
  torch::manual_seed(1);
  TokenClassifier model(tiny_config());
  model->eval();
  auto ids = torch::randint(0, 50, {2, 8}, torch::kLong);
  auto attend = torch::ones({2, 8}, torch::kBool);
  attend.index_put_({1, torch::indexing::Slice(5)}, false);
  const auto first = model->forward(ids, attend);
  ids.index_put_({1, torch::indexing::Slice(5)}, 7);
  const auto second = model->forward(ids, attend);
  EXPECT_TRUE(torch::allclose(first.index({1, torch::indexing::Slice(0, 5)}),
                              second.index({1, torch::indexing::Slice(0, 5)}), 1e-6, 1e-6));
  // A shorter batch gives the same logits as its padded form.
  const auto alone =
      model->forward(ids.index({torch::indexing::Slice(1, 2), torch::indexing::Slice(0, 5)}),
                     torch::ones({1, 5}, torch::kBool));
  EXPECT_TRUE(
      torch::allclose(alone[0], first.index({1, torch::indexing::Slice(0, 5)}), 1e-5, 1e-5));
}

// Checkpointed and plain blocks: same loss and gradients in fp32 with dropout
// on, because the recomputation draws the same dropout masks.
// With dropout on, in fp32 and under bf16 autocast (which backward, outside
// the autocast region, must recompute in too), on each device. The CPU's
// kernels are deterministic; CUDA's attention backward may sum in another
// order, hence its looser bounds.
class Checkpointing : public ::testing::TestWithParam<std::tuple<torch::DeviceType, bool>> {};

TEST_P(Checkpointing, SameLossAndGradientsAsPlainBlocks) {
  const auto [device_type, bf16] = GetParam();
  NER_SKIP_UNLESS_AVAILABLE(device_type);
  const torch::Device device(device_type);
  const double tolerance = device.is_cpu() ? 1e-6 : (bf16 ? 1e-2 : 1e-4);
  ModelConfig config = tiny_config();
  config.dropout = 0.2;
  torch::manual_seed(2);
  TokenClassifier plain(config);
  config.checkpointing = true;
  TokenClassifier checkpointed(config);
  copy_weights(plain, checkpointed);
  plain->to(device);
  checkpointed->to(device);
  plain->train();
  checkpointed->train();
  const auto ids = torch::randint(0, 50, {4, 12}, torch::kLong).to(device);
  const auto attend = torch::ones({4, 12}, torch::dtype(torch::kBool).device(device));
  const auto targets = torch::randint(0, 5, {4 * 12}, torch::kLong).to(device);
  const auto loss_of = [&](TokenClassifier& model) {
    torch::manual_seed(99);
    torch::Tensor logits;
    {
      std::optional<AutocastScope> autocast;
      if (bf16) autocast.emplace(device.type(), torch::kBFloat16);
      logits = model->forward(ids, attend);
    }
    return torch::nn::functional::cross_entropy(logits.to(torch::kFloat).view({-1, 5}), targets);
  };
  const auto plain_loss = loss_of(plain);
  plain_loss.backward();
  const auto checkpointed_loss = loss_of(checkpointed);
  checkpointed_loss.backward();
  EXPECT_NEAR(plain_loss.item<double>(), checkpointed_loss.item<double>(), 1e-6);
  auto plain_parameters = plain->named_parameters();
  for (const auto& item : checkpointed->named_parameters()) {
    const auto& expected = plain_parameters[item.key()].grad();
    ASSERT_TRUE(item.value().grad().defined()) << item.key();
    const double difference = (item.value().grad() - expected).abs().max().item<double>();
    const double scale = device.is_cpu() ? 1.0 : expected.abs().max().item<double>();
    EXPECT_LE(difference, tolerance * scale) << item.key();
  }
  // Dropout really was on: another seed gives another loss.
  torch::manual_seed(100);
  const auto other =
      torch::nn::functional::cross_entropy(plain->forward(ids, attend).view({-1, 5}), targets);
  EXPECT_GT(std::abs(other.item<double>() - plain_loss.item<double>()), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(
    Precisions, Checkpointing, ::testing::Combine(testing::all_devices(), ::testing::Bool()),
    [](const ::testing::TestParamInfo<std::tuple<torch::DeviceType, bool>>& info) {
      return std::string(std::get<0>(info.param) == torch::kCUDA ? "cuda" : "cpu") +
             (std::get<1>(info.param) ? "_bf16_autocast" : "_fp32");
    });

// The same weights give the same logits and gradients on CUDA (fused
// attention there) as on the CPU in fp32, and close logits under bf16 autocast.
TEST(Encoder, CudaMatchesTheCpu) {
  NER_SKIP_UNLESS_AVAILABLE(torch::kCUDA);
  const torch::Device cuda(torch::kCUDA);
  ModelConfig config = tiny_config();
  config.dropout = 0.0;
  torch::manual_seed(4);
  TokenClassifier on_cpu(config);
  TokenClassifier on_cuda(config);
  copy_weights(on_cpu, on_cuda);
  on_cuda->to(cuda);
  // Padding at the end of the second and third windows.
  const auto ids = torch::randint(0, 50, {3, 16}, torch::kLong);
  const auto lengths = torch::tensor({16, 9, 1}, torch::kLong);
  const auto attend = torch::arange(16).unsqueeze(0) < lengths.unsqueeze(1);
  const auto targets = torch::randint(0, 5, {3 * 16}, torch::kLong);

  const auto cpu_logits = on_cpu->forward(ids, attend);
  const auto cuda_logits = on_cuda->forward(ids.to(cuda), attend.to(cuda));
  const auto real = attend.unsqueeze(2).expand_as(cpu_logits);
  EXPECT_TRUE(torch::allclose(cuda_logits.cpu().masked_select(real), cpu_logits.masked_select(real),
                              1e-4, 1e-4));
  torch::nn::functional::cross_entropy(cpu_logits.view({-1, 5}), targets).backward();
  torch::nn::functional::cross_entropy(cuda_logits.view({-1, 5}), targets.to(cuda)).backward();
  auto cpu_parameters = on_cpu->named_parameters();
  for (const auto& item : on_cuda->named_parameters()) {
    const auto& expected = cpu_parameters[item.key()].grad();
    const double difference = (item.value().grad().cpu() - expected).abs().max().item<double>();
    EXPECT_LE(difference, 1e-4 * (1.0 + expected.abs().max().item<double>())) << item.key();
  }

  torch::NoGradGuard no_grad;
  torch::Tensor bf16_logits;
  {
    AutocastScope autocast(torch::kCUDA, torch::kBFloat16);
    bf16_logits = on_cuda->forward(ids.to(cuda), attend.to(cuda));
  }
  EXPECT_EQ(bf16_logits.scalar_type(), torch::kBFloat16);
  const double bf16_error = (bf16_logits.to(torch::kFloat).cpu() - cpu_logits)
                                .masked_select(real)
                                .abs()
                                .max()
                                .item<double>();
  EXPECT_LT(bf16_error, 0.05 * (1.0 + cpu_logits.abs().max().item<double>()));
}

TEST(Encoder, LearnsOneBatch) {
  torch::manual_seed(3);
  ModelConfig config = tiny_config();
  config.dropout = 0.0;
  TokenClassifier model(config);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(3e-3));
  const auto ids = torch::randint(0, 50, {4, 10}, torch::kLong);
  const auto attend = torch::ones({4, 10}, torch::kBool);
  const auto targets = ids.remainder(5).view({-1});
  double first = 0, last = 0;
  for (int step = 0; step < 60; ++step) {
    optimizer.zero_grad();
    const auto loss =
        torch::nn::functional::cross_entropy(model->forward(ids, attend).view({-1, 5}), targets);
    loss.backward();
    optimizer.step();
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
  }
  EXPECT_LT(last, first * 0.2);
}

}  // namespace
}  // namespace ner

namespace ner {
namespace {

// Unknown pieces (kUnknownLabel) are left out of the softmax loss and summed
// over by the CRF loss; with none, both losses are what they were.
TEST(NerModelLoss, UnknownPiecesAreLeftOutOrMarginalisedOver) {
  torch::manual_seed(12);
  const LabelSet set(TagScheme::kBio);
  ModelConfig config;
  config.vocab_size = 40;
  config.num_labels = static_cast<int>(set.size());
  config.d_model = 16;
  config.layers = 1;
  config.heads = 2;
  config.ffn = 32;
  config.max_positions = 8;
  const auto logits = torch::randn({2, 6, config.num_labels});
  auto attend = torch::ones({2, 6}, torch::kBool);
  attend[1][5] = false;
  auto labels = torch::zeros({2, 6}, torch::kLong);
  labels[0][1] = set.begin(EntityType::kModel);
  labels[0][2] = set.inside(EntityType::kModel);
  labels[1][5] = kIgnoredLabel;
  auto with_unknown = labels.clone();
  with_unknown[0][3] = kUnknownLabel;
  with_unknown[1][0] = kUnknownLabel;
  auto ignored = labels.clone();
  ignored[0][3] = kIgnoredLabel;
  ignored[1][0] = kIgnoredLabel;

  config.decoder = DecoderKind::kSoftmax;
  NerModel softmax(config, transition_rules(set));
  EXPECT_NEAR(softmax->loss(logits, with_unknown, attend, 0.0).item<double>(),
              softmax->loss(logits, ignored, attend, 0.0).item<double>(), 1e-6);

  config.decoder = DecoderKind::kCrf;
  NerModel crf(config, transition_rules(set));
  const double known = crf->loss(logits, labels, attend, 0.0).item<double>();
  const double partial = crf->loss(logits, with_unknown, attend, 0.0).item<double>();
  EXPECT_LT(partial, known) << "more label sequences fit, so the loss falls";
  EXPECT_GT(partial, 0.0);
}

}  // namespace
}  // namespace ner
