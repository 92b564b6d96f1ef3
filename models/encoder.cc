#include "models/encoder.h"

#include "models/checkpointing.h"
#include "models/torch_compat.h"

namespace ner {

EncoderBlockImpl::EncoderBlockImpl(const ModelConfig& config) : heads_(config.heads) {
  attn_norm_ = register_module("attn_norm",
                               torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.d_model})));
  qkv_ = register_module("qkv", torch::nn::Linear(config.d_model, 3 * config.d_model));
  attn_out_ = register_module("attn_out", torch::nn::Linear(config.d_model, config.d_model));
  ffn_norm_ = register_module("ffn_norm",
                              torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.d_model})));
  ffn_in_ = register_module("ffn_in", torch::nn::Linear(config.d_model, config.ffn));
  ffn_out_ = register_module("ffn_out", torch::nn::Linear(config.ffn, config.d_model));
  residual_dropout_ = register_module("residual_dropout", torch::nn::Dropout(config.dropout));
}

torch::Tensor EncoderBlockImpl::attention(const torch::Tensor& x, const torch::Tensor& attend) {
  const auto batch = x.size(0), time = x.size(1), channels = x.size(2);
  // (B, T, 3C) -> (3, B, H, T, D) as a view: the fused kernels take the
  // strides as they are, the spelled-out attention copies what it needs.
  const auto qkv =
      qkv_(x).view({batch, time, 3, heads_, channels / heads_}).permute({2, 0, 3, 1, 4});
  const auto y = torch_compat::attention(qkv[0], qkv[1], qkv[2], attend);  // (B, H, T, D)
  return attn_out_(y.transpose(1, 2).reshape({batch, time, channels}));
}

torch::Tensor EncoderBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& attend) {
  auto h = x + residual_dropout_(attention(attn_norm_(x), attend));
  return h + residual_dropout_(ffn_out_(torch::gelu(ffn_in_(ffn_norm_(h)))));
}

TokenClassifierImpl::TokenClassifierImpl(const ModelConfig& config) : config_(config) {
  validate(config);
  tokens_ = register_module("tokens", torch::nn::Embedding(config.vocab_size, config.d_model));
  positions_ =
      register_module("positions", torch::nn::Embedding(config.max_positions, config.d_model));
  embedding_dropout_ = register_module("embedding_dropout", torch::nn::Dropout(config.dropout));
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (int i = 0; i < config.layers; ++i)
    blocks_->push_back(EncoderBlock(config));
  final_norm_ = register_module(
      "final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.d_model})));
  head_ = register_module("head", torch::nn::Linear(config.d_model, config.num_labels));
}

torch::Tensor TokenClassifierImpl::forward(const torch::Tensor& ids, const torch::Tensor& attend) {
  return head_(encode(ids, attend));  // (B, T, L)
}

torch::Tensor TokenClassifierImpl::encode(const torch::Tensor& ids, const torch::Tensor& attend) {
  const auto time = ids.size(1);
  TORCH_CHECK(time <= config_.max_positions, "window of ", time, " pieces exceeds max_positions ",
              config_.max_positions);
  const auto positions = torch::arange(time, ids.options().dtype(torch::kLong));
  auto x = embedding_dropout_(tokens_(ids) + positions_(positions).unsqueeze(0));  // (B, T, C)
  const bool recompute = config_.checkpointing && is_training() && torch::GradMode::is_enabled();
  for (const auto& module : *blocks_) {
    auto block = module->as<EncoderBlockImpl>();
    x = recompute ? checkpointed_block(*block, x, attend) : block->forward(x, attend);
  }
  return final_norm_(x);
}

}  // namespace ner
