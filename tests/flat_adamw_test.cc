#include "train/flat_adamw.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "base/error.h"
#include "tests/torch_devices.h"

namespace ner {
namespace {

// Embedding, LayerNorm and two Linear layers: matrices that decay, vectors
// that do not, and shapes of every rank the NER model has.
struct Net : torch::nn::Module {
  Net() {
    embedding = register_module("embedding", torch::nn::Embedding(11, 6));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({6})));
    hidden = register_module("hidden", torch::nn::Linear(6, 8));
    out = register_module("out", torch::nn::Linear(8, 3));
  }
  torch::Tensor forward(const torch::Tensor& ids) {
    return out(torch::gelu(hidden(norm(embedding(ids)))));
  }
  std::vector<torch::Tensor> decayed() { return {embedding->weight, hidden->weight, out->weight}; }
  std::vector<torch::Tensor> not_decayed() {
    return {norm->weight, norm->bias, hidden->bias, out->bias};
  }
  torch::nn::Embedding embedding{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Linear hidden{nullptr}, out{nullptr};
};

void copy_weights(Net& from, Net& to) {
  torch::NoGradGuard no_grad;
  auto source = from.parameters();
  auto target = to.parameters();
  for (std::size_t i = 0; i < source.size(); ++i)
    target[i].copy_(source[i]);
}

// The batch is drawn on the CPU, so every device sees the same one.
torch::Tensor batch_loss(Net& net, int step, const torch::Device& device = torch::kCPU) {
  torch::manual_seed(100 + step);
  const auto ids = torch::randint(0, 11, {4, 5}, torch::kLong).to(device);
  const auto targets = torch::randint(0, 3, {20}, torch::kLong).to(device);
  return torch::nn::functional::cross_entropy(net.forward(ids).view({20, 3}), targets);
}

FlatAdamWOptions options() {
  FlatAdamWOptions o;
  o.learning_rate = 3e-2;
  o.weight_decay = 0.1;
  return o;
}

// Twenty steps with clipping that bites and a changing learning rate: the
// flat optimizer keeps the module's parameters equal to what LibTorch's AdamW
// with two groups and clip_grad_norm_ make of a twin, on each device.
class FlatAdamWOnDevice : public ::testing::TestWithParam<torch::DeviceType> {};

TEST_P(FlatAdamWOnDevice, MatchesLibTorchAdamWWithClipping) {
  const torch::Device device(GetParam());
  NER_SKIP_UNLESS_AVAILABLE(device.type());
  torch::manual_seed(1);
  Net reference_net, flat_net;
  copy_weights(reference_net, flat_net);
  reference_net.to(device);
  flat_net.to(device);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(reference_net.decayed(),
                      std::make_unique<torch::optim::AdamWOptions>(
                          torch::optim::AdamWOptions(3e-2).weight_decay(0.1)));
  groups.emplace_back(reference_net.not_decayed(),
                      std::make_unique<torch::optim::AdamWOptions>(
                          torch::optim::AdamWOptions(3e-2).weight_decay(0.0)));
  torch::optim::AdamW reference(std::move(groups), torch::optim::AdamWOptions(3e-2));
  FlatAdamW flat(flat_net.decayed(), flat_net.not_decayed(), options());
  int clipped = 0;
  for (int step = 0; step < 20; ++step) {
    const double learning_rate = 3e-2 * (1.0 - step / 40.0);
    for (auto& group : reference.param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate);
    flat.set_learning_rate(learning_rate);

    reference.zero_grad();
    batch_loss(reference_net, step, device).backward();
    const double reference_norm =
        torch::nn::utils::clip_grad_norm_(reference_net.parameters(), 0.5);
    reference.step();

    flat.zero_grad();
    batch_loss(flat_net, step, device).backward();
    flat.gather_gradients();
    const double flat_norm = flat.clip_gradients(0.5).item<double>();
    flat.step();

    EXPECT_NEAR(flat_norm, reference_norm, 1e-5 * reference_norm) << "step " << step;
    clipped += reference_norm > 0.5;
    const auto expected = reference_net.named_parameters();
    for (const auto& item : flat_net.named_parameters()) {
      EXPECT_TRUE(torch::allclose(item.value(), expected[item.key()], 1e-5, 1e-6))
          << item.key() << " after step " << step;
    }
  }
  EXPECT_GT(clipped, 0);  // the clipping path was taken
  EXPECT_EQ(flat.steps(), 20);
}

INSTANTIATE_TEST_SUITE_P(Devices, FlatAdamWOnDevice, testing::all_devices(),
                         testing::device_test_name);

TEST(FlatAdamW, SavedStateResumesExactly) {
  torch::manual_seed(2);
  Net net;
  FlatAdamW optimizer(net.decayed(), net.not_decayed(), options());
  const auto train = [](Net& model, FlatAdamW& adamw, int from, int to) {
    for (int step = from; step < to; ++step) {
      adamw.zero_grad();
      batch_loss(model, step).backward();
      adamw.gather_gradients();
      adamw.clip_gradients(1.0);
      adamw.step();
    }
  };
  train(net, optimizer, 0, 3);
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  net.save(model_archive);
  optimizer.save(optimizer_archive);
  std::stringstream model_bytes, optimizer_bytes;
  model_archive.save_to(model_bytes);
  optimizer_archive.save_to(optimizer_bytes);
  train(net, optimizer, 3, 6);

  torch::manual_seed(3);  // other initial weights, all overwritten by the load
  Net resumed;
  FlatAdamW resumed_optimizer(resumed.decayed(), resumed.not_decayed(), options());
  torch::serialize::InputArchive model_input, optimizer_input;
  model_input.load_from(model_bytes);
  resumed.load(model_input);  // re-points the parameters: load() must rebind them
  optimizer_input.load_from(optimizer_bytes);
  resumed_optimizer.load(optimizer_input);
  EXPECT_EQ(resumed_optimizer.steps(), 3);
  train(resumed, resumed_optimizer, 3, 6);
  const auto expected = net.named_parameters();
  for (const auto& item : resumed.named_parameters())
    EXPECT_TRUE(torch::equal(item.value(), expected[item.key()])) << item.key();
}

TEST(FlatAdamW, RefusesStateOfOtherShapesAndNonFloatParameters) {
  Net net;
  FlatAdamW optimizer(net.decayed(), net.not_decayed(), options());
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::stringstream bytes;
  archive.save_to(bytes);
  torch::nn::Linear other(6, 8);
  FlatAdamW other_optimizer(other->parameters(), {}, options());
  torch::serialize::InputArchive input;
  input.load_from(bytes);
  EXPECT_THROW(other_optimizer.load(input), Error);

  auto doubles = torch::zeros({3}, torch::kDouble).requires_grad_(true);
  EXPECT_THROW(FlatAdamW({doubles}, {}, options()), Error);
  EXPECT_THROW(FlatAdamW({}, {}, options()), Error);
}

}  // namespace
}  // namespace ner
