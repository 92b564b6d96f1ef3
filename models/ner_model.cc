#include "models/ner_model.h"

#include "datasets/error.h"

namespace ner {

NerModelImpl::NerModelImpl(const ModelConfig& config, const TransitionRules& rules)
    : rules_(rules) {
  if (rules.allowed_start.size() != static_cast<std::size_t>(config.num_labels)) {
    throw Error("model config: num_labels does not match the label scheme's transition rules");
  }
  encoder_ = register_module("encoder", TokenClassifier(config));
  if (config.decoder == "crf") crf_ = register_module("crf", Crf(rules));
}

torch::Tensor NerModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& attend) {
  return encoder_->forward(ids, attend);
}

torch::Tensor NerModelImpl::loss(const torch::Tensor& logits, const torch::Tensor& labels,
                                 const torch::Tensor& attend, double label_smoothing,
                                 CrfPartition partition) {
  const auto real_pieces = attend.sum().clamp_min(1).to(torch::kFloat);
  if (crf_) {
    // The CRF wants a label everywhere; padded positions are masked out.
    const auto tags = labels.masked_fill(attend.logical_not(), 0);
    return -crf_->log_likelihood(logits, tags, attend, partition).sum() / real_pieces;
  }
  const auto flat_logits = logits.to(torch::kFloat).reshape({-1, logits.size(-1)});
  namespace F = torch::nn::functional;
  return F::cross_entropy(flat_logits, labels.reshape({-1}),
                          F::CrossEntropyFuncOptions()
                              .ignore_index(kIgnoredLabel)
                              .label_smoothing(label_smoothing)
                              .reduction(torch::kMean));
}

Decoder NerModelImpl::decoder() const {
  Decoder decoder;
  decoder.kind = config().decoder;
  decoder.rules = rules_;
  if (crf_) decoder.crf = crf_->scores();
  return decoder;
}

std::vector<DecodedWindow> NerModelImpl::decode(const torch::Tensor& logits_in,
                                                const torch::Tensor& attend) {
  torch::NoGradGuard no_grad;
  const auto logits = logits_in.to(torch::kFloat).cpu().contiguous();
  const auto lengths = attend.sum(1).to(torch::kLong).cpu();
  const Decoder rules = decoder();
  const int64_t window_size = logits.size(1) * logits.size(2);
  std::vector<DecodedWindow> windows;
  windows.reserve(static_cast<std::size_t>(logits.size(0)));
  for (int64_t b = 0; b < logits.size(0); ++b) {
    windows.push_back(decode_window(logits.data_ptr<float>() + b * window_size,
                                    static_cast<std::size_t>(lengths[b].item<int64_t>()), rules));
  }
  return windows;
}

ParameterGroups weight_decay_groups(torch::nn::Module& model) {
  ParameterGroups groups;
  for (const auto& item : model.named_parameters()) {
    const std::string& name = item.key();
    const bool is_norm = name.find("norm") != std::string::npos;
    const bool is_bias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
    const bool is_crf = name.rfind("crf.", 0) == 0;
    (is_norm || is_bias || is_crf ? groups.not_decayed : groups.decayed).push_back(item.value());
  }
  return groups;
}

}  // namespace ner
