// Label sequences from per-piece scores without LibTorch: one Viterbi (for the
// CRF and for softmax under the scheme's rules) and CRF marginals; training and the engine share
// them.
#pragma once

#include <cstddef>
#include <vector>

#include "datasets/labels.h"
#include "models/model_config.h"

namespace ner {

// A linear-chain CRF's scores as used in decoding, forbidden moves included
// (as large negative scores): row-major transitions[from * L + to].
struct CrfScores {
  std::size_t labels = 0;
  std::vector<float> transitions;
  std::vector<float> start;
  std::vector<float> end;
};

// Scores that allow exactly the scheme's moves: 0 where allowed, -infinity
// where not. Viterbi under them is Viterbi constrained by the rules.
CrfScores rule_scores(const TransitionRules& rules);

// The highest-scoring label sequence for emissions (row-major (T, L), L the
// scores' label count) under the transition, start and end scores. Throws
// ner::Error when the scores are incomplete.
std::vector<int> viterbi(const float* emissions, std::size_t length, const CrfScores& scores);

// P(label at t | sequence) by forward-backward, row-major (T, L).
std::vector<float> crf_marginals(const float* emissions, std::size_t length, const CrfScores& crf);

struct DecodedWindow {
  std::vector<int> labels;        // a valid sequence under the scheme, one per real piece
  std::vector<float> confidence;  // probability of each chosen label (CRF: its marginal)
};

// How a model turns its logits into labels: the CRF with its scores, or
// softmax probabilities with Viterbi under the scheme's rules.
struct Decoder {
  DecoderKind kind = DecoderKind::kCrf;
  TransitionRules rules;
  CrfScores scores;  // the CRF's, or rule_scores(rules) for softmax
};
// `crf` is needed (and used) only by the CRF decoder.
Decoder make_decoder(DecoderKind kind, const TransitionRules& rules, CrfScores crf = {});

// Decodes one window's logits (row-major (T, L)).
DecodedWindow decode_window(const float* logits, std::size_t length, const Decoder& decoder);

}  // namespace ner
