// The whole trainable NER model: the transformer encoder plus its decoder (a
// CRF, or constrained Viterbi over softmax), with the training loss and decoding.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "datasets/labels.h"
#include "models/crf.h"
#include "models/decoding.h"
#include "models/encoder.h"

namespace ner {

// Labels the loss ignores (padding).
inline constexpr int64_t kIgnoredLabel = -100;
// A piece whose label is unknown: neither an entity label nor known to be O.
inline constexpr int64_t kUnknownLabel = -1;

class NerModelImpl : public torch::nn::Module {
 public:
  // config.decoder picks the CRF or the softmax decoder; rules forbid the
  // scheme's invalid transitions in both. The parameters are checked against
  // model_spec(config) (names, shapes, order); a mismatch throws ner::Error.
  NerModelImpl(const ModelConfig& config, const TransitionRules& rules);

  // Per-piece label scores (B, T, L) for ids (B, T) int64 and attend (B, T) bool.
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& attend);

  // Mean loss per real piece: the CRF's negative log-likelihood, or cross
  // entropy with optional label smoothing. labels (B, T) int64, padding at
  // kIgnoredLabel, unknown pieces at kUnknownLabel: the CRF sums over every
  // label they could have, cross entropy leaves them out. Computed in fp32 whatever the logits'
  // type. `partition` picks the CRF's forward algorithm (see CrfPartition).
  torch::Tensor loss(const torch::Tensor& logits, const torch::Tensor& labels,
                     const torch::Tensor& attend, double label_smoothing,
                     CrfPartition partition = CrfPartition::kAuto);

  std::vector<DecodedWindow> decode(const torch::Tensor& logits, const torch::Tensor& attend);
  // The decoding rules on plain arrays (CRF scores copied to the CPU): what
  // decode uses and what an exported model carries.
  Decoder decoder() const;

  const ModelConfig& config() const { return encoder_->config(); }
  TokenClassifier& encoder() { return encoder_; }

 private:
  TokenClassifier encoder_{nullptr};
  Crf crf_{nullptr};
  TransitionRules rules_;
};
TORCH_MODULE(NerModel);

// Parameters that get weight decay and those that do not, by the role the
// model specification declares for each (see gets_weight_decay).
struct ParameterGroups {
  std::vector<torch::Tensor> decayed;
  std::vector<torch::Tensor> not_decayed;
};
ParameterGroups weight_decay_groups(NerModelImpl& model);
// The same for any module whose parameters are exactly model_spec(config)'s.
ParameterGroups weight_decay_groups(torch::nn::Module& model, const ModelConfig& config);

}  // namespace ner
