#include "models/masked_lm.h"

namespace ner {

ModelConfig masked_lm_config(ModelConfig encoder, int vocab_size) {
  encoder.vocab_size = vocab_size + 1;
  encoder.num_labels = vocab_size + 1;
  encoder.decoder = DecoderKind::kSoftmax;
  return encoder;
}

MaskedLmImpl::MaskedLmImpl(const ModelConfig& config) {
  encoder_ = register_module("encoder", TokenClassifier(config));
}

torch::Tensor MaskedLmImpl::loss(const torch::Tensor& inputs, const torch::Tensor& targets,
                                 const torch::Tensor& attend, std::int64_t* correct) {
  const torch::Tensor hidden = encoder_->encode(inputs, attend);  // (B, T, C)
  // Only the predicted pieces go through the head: a vocabulary-wide head
  // over every piece would cost more than the encoder.
  const torch::Tensor flat_targets = targets.reshape({-1});
  const torch::Tensor chosen = flat_targets.ne(kNotPredicted).nonzero().squeeze(1);
  const torch::Tensor logits =
      encoder_->classify(hidden.reshape({-1, hidden.size(-1)}).index_select(0, chosen));
  const torch::Tensor wanted = flat_targets.index_select(0, chosen);
  if (correct != nullptr) *correct = logits.argmax(-1).eq(wanted).sum().item<std::int64_t>();
  return torch::nn::functional::cross_entropy(logits.to(torch::kFloat), wanted);
}

}  // namespace ner
