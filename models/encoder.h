// The LibTorch NER model: token and learned position embeddings, pre-LayerNorm
// transformer blocks (self-attention, GELU feed-forward), a per-piece head.
#pragma once

#include <torch/torch.h>

#include "models/model_config.h"

namespace ner {

class EncoderBlockImpl : public torch::nn::Module {
 public:
  explicit EncoderBlockImpl(const ModelConfig& config);
  // x: (B, T, C); attend: (B, T) bool, true for real pieces. Returns (B, T, C).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& attend);

 private:
  torch::Tensor attention(const torch::Tensor& x, const torch::Tensor& attend);

  int heads_;
  torch::nn::LayerNorm attn_norm_{nullptr};
  torch::nn::Linear qkv_{nullptr};
  torch::nn::Linear attn_out_{nullptr};
  torch::nn::LayerNorm ffn_norm_{nullptr};
  torch::nn::Linear ffn_in_{nullptr};
  torch::nn::Linear ffn_out_{nullptr};
  torch::nn::Dropout residual_dropout_{nullptr};
};
TORCH_MODULE(EncoderBlock);

class TokenClassifierImpl : public torch::nn::Module {
 public:
  explicit TokenClassifierImpl(const ModelConfig& config);
  // ids: (B, T) int64; attend: (B, T) bool. Returns logits (B, T, L).
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& attend);
  // The normalized hidden states (B, T, C) that the head reads: pretraining
  // applies the head to the masked pieces only.
  torch::Tensor encode(const torch::Tensor& ids, const torch::Tensor& attend);
  // The head on hidden states (..., C) -> (..., L).
  torch::Tensor classify(const torch::Tensor& hidden) { return head_(hidden); }
  const ModelConfig& config() const { return config_; }

 private:
  ModelConfig config_;
  torch::nn::Embedding tokens_{nullptr};
  torch::nn::Embedding positions_{nullptr};
  torch::nn::Dropout embedding_dropout_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(TokenClassifier);

}  // namespace ner
