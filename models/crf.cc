#include "models/crf.h"

#include "models/decoding.h"

namespace ner {
namespace {

// Large enough to rule a move out, small enough to stay finite in bf16/fp16.
constexpr double kForbidden = -1e4;

torch::Tensor penalty(const std::vector<bool>& allowed) {
  auto tensor = torch::zeros({static_cast<int64_t>(allowed.size())});
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (!allowed[i]) tensor[static_cast<int64_t>(i)] = kForbidden;
  }
  return tensor;
}

}  // namespace

CrfImpl::CrfImpl(const TransitionRules& rules) {
  const auto count = static_cast<int64_t>(rules.allowed_start.size());
  transitions_ = register_parameter("transitions", torch::zeros({count, count}));
  start_ = register_parameter("start", torch::zeros({count}));
  end_ = register_parameter("end", torch::zeros({count}));
  auto forbidden = torch::zeros({count, count});
  for (int64_t from = 0; from < count; ++from)
    forbidden[from] = penalty(rules.allowed[static_cast<std::size_t>(from)]);
  forbidden_transitions_ = register_buffer("forbidden_transitions", forbidden);
  forbidden_start_ = register_buffer("forbidden_start", penalty(rules.allowed_start));
  forbidden_end_ = register_buffer("forbidden_end", penalty(rules.allowed_end));
}

torch::Tensor CrfImpl::transition_scores() const {
  return transitions_ + forbidden_transitions_;
}
torch::Tensor CrfImpl::start_scores() const {
  return start_ + forbidden_start_;
}
torch::Tensor CrfImpl::end_scores() const {
  return end_ + forbidden_end_;
}

torch::Tensor CrfImpl::log_likelihood(const torch::Tensor& emissions_in, const torch::Tensor& tags,
                                      const torch::Tensor& mask) {
  const auto emissions = emissions_in.to(torch::kFloat);  // (B, T, L); sums stay in fp32
  const auto batch = emissions.size(0), time = emissions.size(1);
  const auto transitions = transition_scores();
  const auto start = start_scores();
  const auto end = end_scores();
  const auto maskf = mask.to(torch::kFloat);  // (B, T)
  const auto batch_index = torch::arange(batch, tags.options());

  // Score of the given path.
  auto score = start.index({tags.select(1, 0)}) +
               emissions.select(1, 0).gather(1, tags.select(1, 0).unsqueeze(1)).squeeze(1);
  for (int64_t t = 1; t < time; ++t) {
    const auto step = transitions.index({tags.select(1, t - 1), tags.select(1, t)}) +
                      emissions.select(1, t).gather(1, tags.select(1, t).unsqueeze(1)).squeeze(1);
    score = score + step * maskf.select(1, t);
  }
  const auto lengths = mask.sum(1).to(torch::kLong);  // (B)
  const auto last_tags = tags.index({batch_index, lengths - 1});
  score = score + end.index({last_tags});

  // Log partition by the forward algorithm.
  auto alpha = start.unsqueeze(0) + emissions.select(1, 0);  // (B, L)
  for (int64_t t = 1; t < time; ++t) {
    const auto next =
        torch::logsumexp(alpha.unsqueeze(2) + transitions.unsqueeze(0), 1) + emissions.select(1, t);
    const auto keep = mask.select(1, t).unsqueeze(1);
    alpha = torch::where(keep, next, alpha);
  }
  const auto log_partition = torch::logsumexp(alpha + end.unsqueeze(0), 1);
  return score - log_partition;
}

CrfScores CrfImpl::scores() const {
  torch::NoGradGuard no_grad;
  const auto copy = [](const torch::Tensor& scores) {
    const auto values = scores.to(torch::kFloat).cpu().contiguous();
    return std::vector<float>(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
  };
  CrfScores crf;
  crf.labels = static_cast<std::size_t>(transitions_.size(0));
  crf.transitions = copy(transition_scores());
  crf.start = copy(start_scores());
  crf.end = copy(end_scores());
  return crf;
}

std::vector<std::vector<int>> CrfImpl::decode(const torch::Tensor& emissions_in,
                                              const torch::Tensor& mask) {
  torch::NoGradGuard no_grad;
  const auto emissions = emissions_in.to(torch::kFloat).cpu().contiguous();
  const auto lengths = mask.sum(1).to(torch::kLong).cpu();
  const CrfScores crf = scores();
  const int64_t window_size = emissions.size(1) * emissions.size(2);
  std::vector<std::vector<int>> paths;
  for (int64_t b = 0; b < emissions.size(0); ++b) {
    paths.push_back(crf_viterbi(emissions.data_ptr<float>() + b * window_size,
                                static_cast<std::size_t>(lengths[b].item<int64_t>()), crf));
  }
  return paths;
}

}  // namespace ner
