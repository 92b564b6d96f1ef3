// AdamW over one flat buffer that holds every parameter: an update, gradient
// clipping or an inf/NaN check is a handful of kernels whatever the tensor count.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace ner {

struct FlatAdamWOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 1e-2;  // decoupled, applied to the decayed parameters only
};

// The update is torch.optim.AdamW's, term for term. The parameters given are
// re-pointed to views of the flat buffer, so the model trains in place; after
// anything re-points them again (loading weights), call rebind().
class FlatAdamW {
 public:
  // All parameters must be fp32 and on one device.
  FlatAdamW(const std::vector<torch::Tensor>& decayed,
            const std::vector<torch::Tensor>& not_decayed, FlatAdamWOptions options);

  void set_learning_rate(double learning_rate) { options_.learning_rate = learning_rate; }
  double learning_rate() const { return options_.learning_rate; }
  std::int64_t steps() const { return steps_; }

  // Drops every parameter's gradient, so the next backward pass allocates
  // fresh ones instead of adding into old ones.
  void zero_grad();
  // Copies the parameters' gradients into the flat gradient (zeros for a
  // parameter without one) and returns it; unscale or clip it, then step().
  torch::Tensor gather_gradients();
  // Scales the flat gradient so its L2 norm is at most `max_norm`. Returns the
  // norm before clipping as a 0-d tensor, without waiting for the device.
  torch::Tensor clip_gradients(double max_norm);
  // One AdamW update from the flat gradient.
  void step();

  // Copies the parameters' current values into the flat buffer and re-points
  // them to it.
  void rebind();
  void save(torch::serialize::OutputArchive& archive) const;
  // Rebinds, then restores the moments and step count; throws ner::Error if
  // the saved state was made for other parameter shapes.
  void load(torch::serialize::InputArchive& archive);

 private:
  FlatAdamWOptions options_;
  std::vector<torch::Tensor> parameters_;  // decayed ones first
  // Element count of each parameter, in order (CPU int64): what saved state
  // must match.
  torch::Tensor layout() const;

  std::int64_t decayed_elements_ = 0;
  torch::Tensor values_;
  torch::Tensor gradients_;
  torch::Tensor first_moment_;
  torch::Tensor second_moment_;
  std::int64_t steps_ = 0;
};

}  // namespace ner
