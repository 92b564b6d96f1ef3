#include "models/checkpointing.h"

#include <optional>

#include "models/encoder.h"
#include "models/torch_compat.h"
#include "models/torch_runtime.h"

namespace ner {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

class CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, EncoderBlockImpl* block,
                               const torch::Tensor& x, const torch::Tensor& attend) {
    // The block is not a tensor: keep its address for backward, where the
    // autograd graph holding this context keeps the module alive.
    ctx->saved_data["block"] = static_cast<int64_t>(reinterpret_cast<intptr_t>(block));
    ctx->saved_data["rng"] = rng_state(x.device());
    // Backward runs outside the caller's autocast region: recompute in the
    // precision the forward pass used, or the gradients (and the speed) differ.
    const auto device_type = x.device().type();
    const bool autocast = torch_compat::autocast_supported(device_type) &&
                          torch_compat::is_autocast_enabled(device_type);
    ctx->saved_data["autocast"] = autocast;
    if (autocast) {
      ctx->saved_data["autocast_dtype"] =
          static_cast<int64_t>(torch_compat::autocast_dtype(device_type));
    }
    ctx->save_for_backward({x, attend});
    torch::NoGradGuard no_grad;
    return block->forward(x, attend);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto* block = reinterpret_cast<EncoderBlockImpl*>(
        static_cast<intptr_t>(ctx->saved_data["block"].toInt()));
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor x = saved[0].detach().requires_grad_(true);
    const torch::Tensor& attend = saved[1];
    const at::Tensor rng_now = rng_state(x.device());
    set_rng_state(x.device(), ctx->saved_data["rng"].toTensor());
    torch::Tensor output;
    {
      torch::AutoGradMode enable(true);
      std::optional<AutocastScope> autocast;
      if (ctx->saved_data["autocast"].toBool()) {
        autocast.emplace(x.device().type(),
                         static_cast<c10::ScalarType>(ctx->saved_data["autocast_dtype"].toInt()));
      }
      output = block->forward(x, attend);
    }
    set_rng_state(x.device(), rng_now);
    torch::autograd::backward({output}, {grad_outputs[0]});
    return {torch::Tensor(), x.grad(),
            torch::Tensor()};  // one per forward argument: block, x, attend
  }
};

}  // namespace

torch::Tensor checkpointed_block(EncoderBlockImpl& block, const torch::Tensor& x,
                                 const torch::Tensor& attend) {
  return CheckpointFunction::apply(&block, x, attend);
}

}  // namespace ner
