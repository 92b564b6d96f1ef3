#include "models/crf.h"

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

torch::Tensor CrfImpl::log_likelihood(const torch::Tensor& emissions, const torch::Tensor& tags,
                                      const torch::Tensor& mask, CrfPartition partition) {
  return path_score(emissions, tags, mask) - log_partition(emissions, mask, partition);
}

torch::Tensor CrfImpl::partial_log_likelihood(const torch::Tensor& emissions,
                                              const torch::Tensor& allowed,
                                              const torch::Tensor& mask, CrfPartition partition) {
  // Ruling labels out of the emissions leaves exactly the consistent paths in
  // the constrained partition sum.
  const auto constrained =
      emissions.to(torch::kFloat).masked_fill(allowed.logical_not(), kForbidden);
  return log_partition(constrained, mask, partition) - log_partition(emissions, mask, partition);
}

torch::Tensor CrfImpl::path_score(const torch::Tensor& emissions_in, const torch::Tensor& tags,
                                  const torch::Tensor& mask) {
  const auto emissions = emissions_in.to(torch::kFloat);  // sums stay in fp32
  const auto time = emissions.size(1);
  const auto maskf = mask.to(torch::kFloat);
  const auto emitted = emissions.gather(2, tags.unsqueeze(2)).squeeze(2);  // (B, T)
  auto score = start_scores().index({tags.select(1, 0)}) + (emitted * maskf).sum(1);
  if (time > 1) {
    const auto moves =
        transition_scores().index({tags.slice(1, 0, time - 1), tags.slice(1, 1, time)});
    score = score + (moves * maskf.slice(1, 1, time)).sum(1);
  }
  const auto last = (mask.sum(1).to(torch::kLong) - 1).clamp_min(0);
  return score + end_scores().index({tags.gather(1, last.unsqueeze(1)).squeeze(1)});
}

torch::Tensor CrfImpl::log_partition(const torch::Tensor& emissions_in, const torch::Tensor& mask,
                                     CrfPartition partition) {
  const auto emissions = emissions_in.to(torch::kFloat);  // (B, T, L)
  const auto batch = emissions.size(0), time = emissions.size(1), labels = emissions.size(2);
  const auto transitions = transition_scores();
  const auto end = end_scores();
  const auto alpha = start_scores().unsqueeze(0) + emissions.select(1, 0);  // (B, L)
  if (partition == CrfPartition::kAuto) {
    partition = emissions.is_cuda() ? CrfPartition::kParallelScan : CrfPartition::kSequential;
  }
  if (partition == CrfPartition::kSequential || time == 1) {
    auto forward = alpha;
    for (int64_t t = 1; t < time; ++t) {
      const auto next = torch::logsumexp(forward.unsqueeze(2) + transitions.unsqueeze(0), 1) +
                        emissions.select(1, t);
      forward = torch::where(mask.select(1, t).unsqueeze(1), next, forward);
    }
    return torch::logsumexp(forward + end.unsqueeze(0), 1);
  }

  // One (from, to) score matrix per move into piece t = 1..T-1; padding moves
  // are the log-semiring identity (0 on the diagonal, "forbidden" elsewhere,
  // which is exactly zero weight in fp32 and keeps every sum finite).
  const auto identity =
      torch::eye(labels, emissions.options()) * (-kForbidden) + kForbidden;  // (L, L)
  auto moves = transitions.view({1, 1, labels, labels}) + emissions.slice(1, 1, time).unsqueeze(2);
  moves = torch::where(mask.slice(1, 1, time).view({batch, time - 1, 1, 1}), moves, identity);
  // Multiply neighbouring matrices in the log semiring until one is left.
  while (moves.size(1) > 1) {
    if (moves.size(1) % 2 == 1)
      moves = torch::cat({moves, identity.expand({batch, 1, labels, labels})}, 1);
    const auto pairs = moves.view({batch, moves.size(1) / 2, 2, labels, labels});
    moves = torch::logsumexp(pairs.select(2, 0).unsqueeze(-1) + pairs.select(2, 1).unsqueeze(-3),
                             -2);  // (B, n/2, L, L)
  }
  const auto paths = alpha.unsqueeze(2) + moves.select(1, 0) + end.view({1, 1, labels});
  return torch::logsumexp(paths.reshape({batch, labels * labels}), 1);
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

}  // namespace ner
