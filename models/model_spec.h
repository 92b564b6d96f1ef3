// The model's tensors declared once: the name, shape and role of every weight a
// config implies. The encoder, the exporter, the engine's loader and the tests read it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/model_config.h"

namespace ner {

// What a tensor does, which decides how it is trained: weight decay pulls
// matrices toward zero, but never gains, biases or CRF scores.
enum class TensorRole { kEmbedding, kLinearWeight, kLinearBias, kNormGain, kNormBias, kCrfScores };
bool gets_weight_decay(TensorRole role);

struct TensorSpec {
  std::string name;  // LibTorch's parameter name, e.g. "encoder.blocks.0.qkv.weight"
  std::vector<std::int64_t> shape;
  TensorRole role = TensorRole::kLinearWeight;
};

struct LinearSpec {
  TensorSpec weight;  // (out, in)
  TensorSpec bias;    // (out)
};

struct NormSpec {
  TensorSpec gain;  // (C)
  TensorSpec bias;  // (C)
};

struct BlockSpec {
  NormSpec attn_norm;
  LinearSpec qkv;  // queries, keys and values stacked: (3C, C)
  LinearSpec attn_out;
  NormSpec ffn_norm;
  LinearSpec ffn_in;
  LinearSpec ffn_out;
};

// Every trainable tensor of a model, grouped as the network uses them.
struct ModelSpec {
  TensorSpec tokens;     // (V, C)
  TensorSpec positions;  // (P, C)
  std::vector<BlockSpec> blocks;
  NormSpec final_norm;
  LinearSpec head;  // (L, C)
  // The CRF's learned scores, (L, L), (L), (L); none with the softmax decoder.
  std::vector<TensorSpec> crf;

  // All of them, in the order LibTorch registers them.
  std::vector<TensorSpec> tensors() const;
};

ModelSpec model_spec(const ModelConfig& config);

}  // namespace ner
