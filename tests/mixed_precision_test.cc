#include "train/mixed_precision.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "base/error.h"

namespace ner {
namespace {

struct TinyProblem {
  torch::nn::Linear layer{4, 2};
  torch::optim::SGD optimizer{layer->parameters(), torch::optim::SGDOptions(0.1)};
  std::vector<torch::Tensor> gradients() const {
    return {layer->weight.grad(), layer->bias.grad()};
  }
};

void backward_scaled(TinyProblem& problem, LossScaler& scaler, double poison = 0.0) {
  problem.optimizer.zero_grad();
  const auto loss = problem.layer(torch::ones({3, 4})).sum();
  scaler.scale(loss).backward();
  if (poison != 0.0) {
    torch::NoGradGuard no_grad;
    problem.layer->weight.grad()[0][0] = poison;
  }
}

TEST(LossScaler, HalvesTheScaleAndSkipsTheStepOnInf) {
  torch::manual_seed(0);
  TinyProblem problem;
  LossScaler scaler(LossScalerOptions{1024.0, 2.0, 0.5, 3});
  const auto before = problem.layer->weight.clone();
  backward_scaled(problem, scaler, std::numeric_limits<double>::infinity());
  EXPECT_FALSE(scaler.unscale(problem.gradients()));
  EXPECT_FALSE(scaler.step([&] { problem.optimizer.step(); }));
  EXPECT_TRUE(torch::equal(problem.layer->weight, before));  // no update
  EXPECT_DOUBLE_EQ(scaler.current_scale(), 512.0);
  EXPECT_EQ(scaler.skipped_steps(), 1);
  // NaN as well.
  backward_scaled(problem, scaler, std::numeric_limits<double>::quiet_NaN());
  EXPECT_FALSE(scaler.unscale(problem.gradients()));
  EXPECT_FALSE(scaler.step([&] { problem.optimizer.step(); }));
  EXPECT_DOUBLE_EQ(scaler.current_scale(), 256.0);
}

TEST(LossScaler, UnscalesExactlyAndGrowsAfterCleanSteps) {
  torch::manual_seed(1);
  TinyProblem problem;
  LossScaler scaler(LossScalerOptions{8.0, 2.0, 0.5, 3});
  // Reference gradient without scaling.
  problem.optimizer.zero_grad();
  problem.layer(torch::ones({3, 4})).sum().backward();
  const auto reference = problem.layer->weight.grad().clone();
  for (int step = 1; step <= 3; ++step) {
    backward_scaled(problem, scaler);
    EXPECT_TRUE(scaler.unscale(problem.gradients()));
    EXPECT_TRUE(torch::allclose(problem.layer->weight.grad(), reference));
    EXPECT_TRUE(scaler.step([&] { problem.optimizer.step(); }));
    EXPECT_DOUBLE_EQ(scaler.current_scale(), step < 3 ? 8.0 : 16.0) << "after step " << step;
  }
  EXPECT_EQ(scaler.clean_steps(), 0);
}

TEST(LossScaler, MisuseIsAnError) {
  TinyProblem problem;
  LossScaler scaler;
  EXPECT_THROW(scaler.step([&] { problem.optimizer.step(); }), Error);  // step before unscale
  EXPECT_THROW(LossScaler(LossScalerOptions{0.0, 2.0, 0.5, 10}), Error);
  EXPECT_THROW(scaler.restore(-1.0, 0, 0), Error);
  scaler.restore(128.0, 5, 2);
  EXPECT_DOUBLE_EQ(scaler.current_scale(), 128.0);
  EXPECT_EQ(scaler.skipped_steps(), 2);
}

}  // namespace
}  // namespace ner
