#include "train/mixed_precision.h"

#include <fmt/format.h>

#include "base/error.h"

namespace ner {

std::optional<c10::ScalarType> autocast_type(Precision precision) {
  switch (precision) {
    case Precision::kBf16:
      return c10::ScalarType::BFloat16;
    case Precision::kFp16:
      return c10::ScalarType::Half;
    default:
      return std::nullopt;
  }
}

LossScaler::LossScaler(LossScalerOptions options)
    : options_(options), scale_(options.initial_scale) {
  if (!(options.initial_scale > 0) || !(options.growth_factor > 1) ||
      !(options.backoff_factor > 0) || !(options.backoff_factor < 1) ||
      options.growth_interval < 1) {
    throw Error(
        "loss scaler: need initial_scale > 0, growth_factor > 1, 0 < backoff_factor < 1, "
        "growth_interval >= 1");
  }
}

bool LossScaler::unscale(const std::vector<torch::Tensor>& gradients) {
  torch::NoGradGuard no_grad;
  bool finite = true;
  const double inverse = 1.0 / scale_;
  for (torch::Tensor gradient : gradients) {
    if (!gradient.defined()) continue;
    gradient.mul_(inverse);
    if (finite && !torch::isfinite(gradient).all().item<bool>()) finite = false;
  }
  last_finite_ = finite;
  unscaled_ = true;
  return finite;
}

bool LossScaler::step(const std::function<void()>& take_step) {
  if (!unscaled_) throw Error("loss scaler: unscale() must run before step()");
  unscaled_ = false;
  if (!last_finite_) {
    scale_ *= options_.backoff_factor;
    clean_steps_ = 0;
    ++skipped_steps_;
    return false;
  }
  take_step();
  if (++clean_steps_ >= options_.growth_interval) {
    scale_ *= options_.growth_factor;
    clean_steps_ = 0;
  }
  return true;
}

void LossScaler::restore(double scale, int clean_steps, long skipped_steps) {
  if (!(scale > 0)) throw Error(fmt::format("loss scaler: cannot restore a scale of {}", scale));
  scale_ = scale;
  clean_steps_ = clean_steps;
  skipped_steps_ = skipped_steps;
}

}  // namespace ner
