// Label sequences from per-piece scores without LibTorch: CRF Viterbi and
// marginals, constrained Viterbi over softmax, shared by training and the engine.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "datasets/labels.h"

namespace ner {

// A linear-chain CRF's scores as used in decoding, forbidden moves included
// (as large negative scores): row-major transitions[from * L + to].
struct CrfScores {
  std::size_t labels = 0;
  std::vector<float> transitions;
  std::vector<float> start;
  std::vector<float> end;
};

// The highest-scoring label sequence for emissions (row-major (T, L)).
std::vector<int> crf_viterbi(const float* emissions, std::size_t length, const CrfScores& crf);

// P(label at t | sequence) by forward-backward, row-major (T, L).
std::vector<float> crf_marginals(const float* emissions, std::size_t length, const CrfScores& crf);

struct DecodedWindow {
  std::vector<int> labels;        // a valid sequence under the scheme, one per real piece
  std::vector<float> confidence;  // probability of each chosen label (CRF: its marginal)
};

// How a model turns its logits into labels: "crf" with its scores, or
// "softmax" with constrained Viterbi under the scheme's rules.
struct Decoder {
  std::string kind = "crf";
  CrfScores crf;
  TransitionRules rules;
};

// Decodes one window's logits (row-major (T, L)).
DecodedWindow decode_window(const float* logits, std::size_t length, const Decoder& decoder);

}  // namespace ner
