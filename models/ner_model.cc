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
                                 const torch::Tensor& attend, double label_smoothing) {
  const auto real_pieces = attend.sum().clamp_min(1).to(torch::kFloat);
  if (crf_) {
    // The CRF wants a label everywhere; padded positions are masked out.
    const auto tags = labels.masked_fill(attend.logical_not(), 0);
    return -crf_->log_likelihood(logits, tags, attend).sum() / real_pieces;
  }
  const auto flat_logits = logits.to(torch::kFloat).reshape({-1, logits.size(-1)});
  namespace F = torch::nn::functional;
  return F::cross_entropy(flat_logits, labels.reshape({-1}),
                          F::CrossEntropyFuncOptions()
                              .ignore_index(kIgnoredLabel)
                              .label_smoothing(label_smoothing)
                              .reduction(torch::kMean));
}

std::vector<DecodedWindow> NerModelImpl::decode(const torch::Tensor& logits_in,
                                                const torch::Tensor& attend) {
  torch::NoGradGuard no_grad;
  const auto logits = logits_in.to(torch::kFloat);
  const auto lengths = attend.sum(1).to(torch::kLong).cpu();
  std::vector<DecodedWindow> windows(static_cast<std::size_t>(logits.size(0)));
  torch::Tensor probabilities;  // (B, T, L) on the CPU
  if (crf_) {
    const auto paths = crf_->decode(logits, attend);
    for (std::size_t b = 0; b < paths.size(); ++b)
      windows[b].labels = paths[b];
    probabilities = crf_->marginals(logits, attend).cpu().contiguous();
  } else {
    const auto log_probabilities = torch::log_softmax(logits, -1).cpu().contiguous();
    const auto labels = log_probabilities.size(2);
    for (std::size_t b = 0; b < windows.size(); ++b) {
      const auto length = lengths[static_cast<int64_t>(b)].item<int64_t>();
      const auto row = log_probabilities[static_cast<int64_t>(b)];
      const float* scores = row.data_ptr<float>();
      windows[b].labels = constrained_viterbi(std::vector<float>(scores, scores + length * labels),
                                              static_cast<std::size_t>(length), rules_);
    }
    probabilities = log_probabilities.exp();
  }
  const auto p = probabilities.accessor<float, 3>();
  for (std::size_t b = 0; b < windows.size(); ++b) {
    auto& window = windows[b];
    window.confidence.reserve(window.labels.size());
    for (std::size_t t = 0; t < window.labels.size(); ++t) {
      window.confidence.push_back(
          p[static_cast<int64_t>(b)][static_cast<int64_t>(t)][window.labels[t]]);
    }
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
