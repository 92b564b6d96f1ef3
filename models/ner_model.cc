#include "models/ner_model.h"

#include <fmt/format.h>

#include "base/error.h"
#include "models/model_spec.h"

namespace ner {

NerModelImpl::NerModelImpl(const ModelConfig& config, const TransitionRules& rules)
    : rules_(rules) {
  if (rules.allowed_start.size() != static_cast<std::size_t>(config.num_labels)) {
    throw Error("model config: num_labels does not match the label scheme's transition rules");
  }
  encoder_ = register_module("encoder", TokenClassifier(config));
  if (config.decoder == DecoderKind::kCrf) crf_ = register_module("crf", Crf(rules));
  // The exporter, the engine and the model file all go by the specification:
  // the module's own parameters must be exactly what it declares.
  const auto parameters = named_parameters();
  const std::vector<TensorSpec> declared = model_spec(config).tensors();
  if (parameters.size() != declared.size())
    throw Error(fmt::format("model: {} parameters, the specification declares {}",
                            parameters.size(), declared.size()));
  for (std::size_t i = 0; i < declared.size(); ++i) {
    const auto& parameter = parameters[i];
    const auto sizes = parameter.value().sizes();
    if (parameter.key() != declared[i].name ||
        std::vector<std::int64_t>(sizes.begin(), sizes.end()) != declared[i].shape) {
      throw Error(fmt::format("model: parameter '{}' does not match the specification's '{}'",
                              parameter.key(), declared[i].name));
    }
  }
}

torch::Tensor NerModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& attend) {
  return encoder_->forward(ids, attend);
}

torch::Tensor NerModelImpl::loss(const torch::Tensor& logits, const torch::Tensor& labels,
                                 const torch::Tensor& attend, double label_smoothing,
                                 CrfPartition partition) {
  const auto real_pieces = attend.sum().clamp_min(1).to(torch::kFloat);
  const auto unknown = labels.eq(kUnknownLabel);
  const bool any_unknown = unknown.any().item<bool>();
  if (crf_) {
    // The CRF wants a label everywhere; padded positions are masked out.
    const auto tags = labels.masked_fill(attend.logical_not().logical_or(unknown), 0);
    if (!any_unknown)
      return -crf_->log_likelihood(logits, tags, attend, partition).sum() / real_pieces;
    const auto allowed =
        torch::one_hot(tags, logits.size(-1)).to(torch::kBool).logical_or(unknown.unsqueeze(-1));
    return -crf_->partial_log_likelihood(logits, allowed, attend, partition).sum() / real_pieces;
  }
  const auto flat_logits = logits.to(torch::kFloat).reshape({-1, logits.size(-1)});
  const auto known_labels = any_unknown ? labels.masked_fill(unknown, kIgnoredLabel) : labels;
  namespace F = torch::nn::functional;
  return F::cross_entropy(flat_logits, known_labels.reshape({-1}),
                          F::CrossEntropyFuncOptions()
                              .ignore_index(kIgnoredLabel)
                              .label_smoothing(label_smoothing)
                              .reduction(torch::kMean));
}

Decoder NerModelImpl::decoder() const {
  return make_decoder(config().decoder, rules_, crf_ ? crf_->scores() : CrfScores{});
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

ParameterGroups weight_decay_groups(NerModelImpl& model) {
  return weight_decay_groups(model, model.config());
}

ParameterGroups weight_decay_groups(torch::nn::Module& model, const ModelConfig& config) {
  ParameterGroups groups;
  const auto parameters = model.named_parameters();
  for (const TensorSpec& spec : model_spec(config).tensors()) {
    (gets_weight_decay(spec.role) ? groups.decayed : groups.not_decayed)
        .push_back(parameters[spec.name]);
  }
  return groups;
}

}  // namespace ner
