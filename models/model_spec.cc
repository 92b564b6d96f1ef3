#include "models/model_spec.h"

#include <fmt/format.h>

namespace ner {
namespace {

LinearSpec linear(const std::string& prefix, std::int64_t in, std::int64_t out) {
  return {{prefix + ".weight", {out, in}, TensorRole::kLinearWeight},
          {prefix + ".bias", {out}, TensorRole::kLinearBias}};
}

NormSpec norm(const std::string& prefix, std::int64_t size) {
  return {{prefix + ".weight", {size}, TensorRole::kNormGain},
          {prefix + ".bias", {size}, TensorRole::kNormBias}};
}

}  // namespace

bool gets_weight_decay(TensorRole role) {
  return role == TensorRole::kEmbedding || role == TensorRole::kLinearWeight;
}

ModelSpec model_spec(const ModelConfig& c) {
  ModelSpec spec;
  spec.tokens = {"encoder.tokens.weight", {c.vocab_size, c.d_model}, TensorRole::kEmbedding};
  spec.positions = {
      "encoder.positions.weight", {c.max_positions, c.d_model}, TensorRole::kEmbedding};
  for (int i = 0; i < c.layers; ++i) {
    const std::string prefix = fmt::format("encoder.blocks.{}.", i);
    spec.blocks.push_back(
        {norm(prefix + "attn_norm", c.d_model), linear(prefix + "qkv", c.d_model, 3 * c.d_model),
         linear(prefix + "attn_out", c.d_model, c.d_model), norm(prefix + "ffn_norm", c.d_model),
         linear(prefix + "ffn_in", c.d_model, c.ffn),
         linear(prefix + "ffn_out", c.ffn, c.d_model)});
  }
  spec.final_norm = norm("encoder.final_norm", c.d_model);
  spec.head = linear("encoder.head", c.d_model, c.num_labels);
  if (c.decoder == DecoderKind::kCrf) {
    spec.crf = {{"crf.transitions", {c.num_labels, c.num_labels}, TensorRole::kCrfScores},
                {"crf.start", {c.num_labels}, TensorRole::kCrfScores},
                {"crf.end", {c.num_labels}, TensorRole::kCrfScores}};
  }
  return spec;
}

std::vector<TensorSpec> ModelSpec::tensors() const {
  std::vector<TensorSpec> all{tokens, positions};
  const auto add_linear = [&](const LinearSpec& l) { all.insert(all.end(), {l.weight, l.bias}); };
  const auto add_norm = [&](const NormSpec& n) { all.insert(all.end(), {n.gain, n.bias}); };
  for (const BlockSpec& block : blocks) {
    add_norm(block.attn_norm);
    add_linear(block.qkv);
    add_linear(block.attn_out);
    add_norm(block.ffn_norm);
    add_linear(block.ffn_in);
    add_linear(block.ffn_out);
  }
  add_norm(final_norm);
  add_linear(head);
  all.insert(all.end(), crf.begin(), crf.end());
  return all;
}

}  // namespace ner
