// A linear-chain CRF over per-piece emissions: log-likelihood for training, and
// its scores (the scheme's forbidden transitions ruled out) for decoding.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "datasets/labels.h"
#include "models/decoding.h"

namespace ner {

// How the log partition (forward algorithm) runs. Sequential takes T steps of
// a few small kernels each; the parallel scan combines per-piece transition
// matrices pairwise in log T rounds, trading L times more arithmetic for far
// fewer kernel launches, which is what a GPU wants. Auto: the scan on CUDA,
// the sequential loop elsewhere.
enum class CrfPartition { kAuto, kSequential, kParallelScan };

class CrfImpl : public torch::nn::Module {
 public:
  explicit CrfImpl(const TransitionRules& rules);

  // emissions: (B, T, L); tags: (B, T) int64; mask: (B, T) bool with every
  // sequence's real pieces first. Returns the log-likelihood per sequence (B).
  torch::Tensor log_likelihood(const torch::Tensor& emissions, const torch::Tensor& tags,
                               const torch::Tensor& mask,
                               CrfPartition partition = CrfPartition::kAuto);
  // Partial annotation (Tsuboi et al. 2008): the log of the total
  // probability of every path that keeps to `allowed` (B, T, L) bool, where a
  // known piece allows its one label and an unknown piece allows all (B). With
  // one label allowed everywhere it is log_likelihood; with all, zero.
  torch::Tensor partial_log_likelihood(const torch::Tensor& emissions, const torch::Tensor& allowed,
                                       const torch::Tensor& mask,
                                       CrfPartition partition = CrfPartition::kAuto);
  // Score of the given label paths (B), and the log of the sum over all
  // paths (B); their difference is the log-likelihood.
  torch::Tensor path_score(const torch::Tensor& emissions, const torch::Tensor& tags,
                           const torch::Tensor& mask);
  torch::Tensor log_partition(const torch::Tensor& emissions, const torch::Tensor& mask,
                              CrfPartition partition = CrfPartition::kAuto);
  // Transition, start and end scores with forbidden moves at -1e4, as used.
  torch::Tensor transition_scores() const;
  torch::Tensor start_scores() const;
  torch::Tensor end_scores() const;
  // The same three, copied to plain fp32 arrays on the CPU.
  CrfScores scores() const;

 private:
  torch::Tensor transitions_;            // (L, L) from -> to
  torch::Tensor start_;                  // (L)
  torch::Tensor end_;                    // (L)
  torch::Tensor forbidden_transitions_;  // buffers: -1e4 where not allowed, else 0
  torch::Tensor forbidden_start_;
  torch::Tensor forbidden_end_;
};
TORCH_MODULE(Crf);

}  // namespace ner
