#include "train/flat_adamw.h"

#include <fmt/format.h>

#include <cmath>

#include "base/error.h"

namespace ner {

FlatAdamW::FlatAdamW(const std::vector<torch::Tensor>& decayed,
                     const std::vector<torch::Tensor>& not_decayed, FlatAdamWOptions options)
    : options_(options) {
  parameters_ = decayed;
  parameters_.insert(parameters_.end(), not_decayed.begin(), not_decayed.end());
  if (parameters_.empty()) throw Error("optimizer: no parameters to train");
  for (const torch::Tensor& parameter : parameters_) {
    if (parameter.scalar_type() != torch::kFloat || parameter.device() != parameters_[0].device())
      throw Error("optimizer: every parameter must be fp32 and on one device");
  }
  for (const torch::Tensor& parameter : decayed)
    decayed_elements_ += parameter.numel();
  rebind();
  gradients_ = torch::zeros_like(values_);
  first_moment_ = torch::zeros_like(values_);
  second_moment_ = torch::zeros_like(values_);
}

torch::Tensor FlatAdamW::layout() const {
  std::vector<std::int64_t> sizes;
  sizes.reserve(parameters_.size());
  for (const torch::Tensor& parameter : parameters_)
    sizes.push_back(parameter.numel());
  return torch::tensor(sizes, torch::kLong);
}

void FlatAdamW::rebind() {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> flat;
  flat.reserve(parameters_.size());
  for (const torch::Tensor& parameter : parameters_)
    flat.push_back(parameter.detach().reshape({-1}));
  values_ = torch::cat(flat);
  std::int64_t offset = 0;
  for (torch::Tensor& parameter : parameters_) {
    const std::int64_t count = parameter.numel();
    parameter.set_data(values_.narrow(0, offset, count).view(parameter.sizes()));
    offset += count;
  }
}

void FlatAdamW::zero_grad() {
  for (torch::Tensor& parameter : parameters_)
    parameter.mutable_grad().reset();
}

torch::Tensor FlatAdamW::gather_gradients() {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> flat;
  flat.reserve(parameters_.size());
  for (const torch::Tensor& parameter : parameters_) {
    const torch::Tensor& gradient = parameter.grad();
    flat.push_back(gradient.defined() ? gradient.reshape({-1})
                                      : torch::zeros({parameter.numel()}, values_.options()));
  }
  torch::cat_out(gradients_, flat);
  return gradients_;
}

torch::Tensor FlatAdamW::clip_gradients(double max_norm) {
  torch::NoGradGuard no_grad;
  const torch::Tensor norm = gradients_.norm();
  // Same rule as torch.nn.utils.clip_grad_norm_, without reading the norm back.
  gradients_.mul_((max_norm / (norm + 1e-6)).clamp_max(1.0));
  return norm;
}

void FlatAdamW::step() {
  torch::NoGradGuard no_grad;
  ++steps_;
  const double bias_correction1 = 1 - std::pow(options_.beta1, static_cast<double>(steps_));
  const double bias_correction2 = 1 - std::pow(options_.beta2, static_cast<double>(steps_));
  if (options_.weight_decay != 0 && decayed_elements_ > 0) {
    values_.narrow(0, 0, decayed_elements_)
        .mul_(1 - options_.learning_rate * options_.weight_decay);
  }
  first_moment_.mul_(options_.beta1).add_(gradients_, 1 - options_.beta1);
  second_moment_.mul_(options_.beta2).addcmul_(gradients_, gradients_, 1 - options_.beta2);
  const torch::Tensor denominator =
      (second_moment_.sqrt() / std::sqrt(bias_correction2)).add_(options_.epsilon);
  values_.addcdiv_(first_moment_, denominator, -options_.learning_rate / bias_correction1);
}

void FlatAdamW::save(torch::serialize::OutputArchive& archive) const {
  archive.write("layout", layout());
  archive.write("steps", torch::tensor(steps_, torch::kLong));
  archive.write("first_moment", first_moment_);
  archive.write("second_moment", second_moment_);
}

void FlatAdamW::load(torch::serialize::InputArchive& archive) {
  torch::Tensor saved_layout, steps, first, second;
  archive.read("layout", saved_layout);
  archive.read("steps", steps);
  archive.read("first_moment", first);
  archive.read("second_moment", second);
  if (!torch::equal(saved_layout.to(torch::kCPU), layout()) || first.sizes() != values_.sizes() ||
      second.sizes() != values_.sizes()) {
    throw Error("the optimizer state was saved for parameters of other shapes");
  }
  rebind();
  torch::NoGradGuard no_grad;
  first_moment_.copy_(first);
  second_moment_.copy_(second);
  steps_ = steps.item<std::int64_t>();
}

}  // namespace ner
