// Mixed precision for training: the autocast type of a precision, and a dynamic
// loss scaler for fp16 (LibTorch's C++ API has no GradScaler).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <optional>
#include <vector>

#include "train/train_options.h"

namespace ner {

// The type autocast computes in: none for fp32, BFloat16 or Half.
std::optional<c10::ScalarType> autocast_type(Precision precision);

struct LossScalerOptions {
  double initial_scale = 65536.0;
  double growth_factor = 2.0;
  double backoff_factor = 0.5;
  int growth_interval = 2000;  // clean steps before the scale grows
};

class LossScaler {
 public:
  explicit LossScaler(LossScalerOptions options = {});

  // loss * scale, to backpropagate instead of the loss.
  torch::Tensor scale(const torch::Tensor& loss) const { return loss * scale_; }

  // Divides the gradients by the scale (call before clipping). Returns false
  // if any gradient holds inf or NaN.
  bool unscale(const std::vector<torch::Tensor>& gradients);

  // Runs `take_step` (the optimizer update) when the last unscale found
  // finite gradients, else skips it; then backs the scale off (after a skip)
  // or grows it (after growth_interval clean steps). Returns whether it stepped.
  bool step(const std::function<void()>& take_step);

  double current_scale() const { return scale_; }
  int clean_steps() const { return clean_steps_; }
  long skipped_steps() const { return skipped_steps_; }
  // For checkpoints: resume with the same scale and growth progress.
  void restore(double scale, int clean_steps, long skipped_steps);

 private:
  LossScalerOptions options_;
  double scale_;
  int clean_steps_ = 0;
  long skipped_steps_ = 0;
  bool last_finite_ = true;
  bool unscaled_ = false;
};

}  // namespace ner
