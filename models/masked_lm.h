// The encoder pretrained as a masked language model: the NER model's encoder
// whose head predicts pieces, scored only where a piece was masked.
#pragma once

#include <torch/torch.h>

#include "models/encoder.h"
#include "models/model_config.h"

namespace ner {

// Targets the loss ignores: pieces that were not chosen for prediction.
inline constexpr std::int64_t kNotPredicted = -100;

// The config of the masked language model for a tokenizer of `vocab_size`
// pieces: one more embedding row for the mask piece (id vocab_size), a head
// over all of them, and no CRF. Its tensors share the NER model's names
// ("encoder.*"), so the encoder carries over by name.
ModelConfig masked_lm_config(ModelConfig encoder, int vocab_size);

class MaskedLmImpl : public torch::nn::Module {
 public:
  explicit MaskedLmImpl(const ModelConfig& config);

  // Mean cross entropy over the predicted pieces (targets != kNotPredicted),
  // in fp32. inputs, targets: (B, T) int64; attend: (B, T) bool.
  // `correct`, when given, receives the number of predicted pieces whose
  // most likely piece was the target.
  torch::Tensor loss(const torch::Tensor& inputs, const torch::Tensor& targets,
                     const torch::Tensor& attend, std::int64_t* correct = nullptr);

  const ModelConfig& config() const { return encoder_->config(); }
  TokenClassifier& encoder() { return encoder_; }

 private:
  TokenClassifier encoder_{nullptr};
};
TORCH_MODULE(MaskedLm);

}  // namespace ner
