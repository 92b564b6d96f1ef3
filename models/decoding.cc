#include "models/decoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "base/error.h"

namespace ner {
namespace {

float log_sum_exp(const float* values, std::size_t count) {
  float top = -std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < count; ++i)
    top = std::max(top, values[i]);
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i)
    sum += std::exp(static_cast<double>(values[i] - top));
  return top + static_cast<float>(std::log(sum));
}

}  // namespace

CrfScores rule_scores(const TransitionRules& rules) {
  constexpr float kForbidden = -std::numeric_limits<float>::infinity();
  const std::size_t labels = rules.allowed_start.size();
  CrfScores scores;
  scores.labels = labels;
  for (std::size_t from = 0; from < labels; ++from) {
    scores.start.push_back(rules.allowed_start[from] ? 0.0f : kForbidden);
    scores.end.push_back(rules.allowed_end[from] ? 0.0f : kForbidden);
    for (std::size_t to = 0; to < labels; ++to)
      scores.transitions.push_back(rules.allowed[from][to] ? 0.0f : kForbidden);
  }
  return scores;
}

std::vector<int> viterbi(const float* emissions, std::size_t length, const CrfScores& scores) {
  const std::size_t labels = scores.labels;
  if (scores.start.size() != labels || scores.end.size() != labels ||
      scores.transitions.size() != labels * labels || labels == 0) {
    throw Error(fmt::format("viterbi: scores for {} labels are incomplete", labels));
  }
  std::vector<int> path(length);
  if (length == 0) return path;
  std::vector<float> best(labels), next(labels);
  std::vector<int> back(length * labels, 0);
  for (std::size_t to = 0; to < labels; ++to)
    best[to] = scores.start[to] + emissions[to];
  for (std::size_t t = 1; t < length; ++t) {
    for (std::size_t to = 0; to < labels; ++to) {
      float top = best[0] + scores.transitions[to];
      int arg = 0;
      for (std::size_t from = 1; from < labels; ++from) {
        const float candidate = best[from] + scores.transitions[from * labels + to];
        if (candidate > top) {
          top = candidate;
          arg = static_cast<int>(from);
        }
      }
      next[to] = top + emissions[t * labels + to];
      back[t * labels + to] = arg;
    }
    best.swap(next);
  }
  std::size_t arg = 0;
  for (std::size_t to = 1; to < labels; ++to) {
    if (best[to] + scores.end[to] > best[arg] + scores.end[arg]) arg = to;
  }
  path.back() = static_cast<int>(arg);
  for (std::size_t t = length - 1; t > 0; --t)
    path[t - 1] = back[t * labels + static_cast<std::size_t>(path[t])];
  return path;
}

std::vector<float> crf_marginals(const float* emissions, std::size_t length, const CrfScores& crf) {
  const std::size_t labels = crf.labels;
  std::vector<float> marginals(length * labels, 0.0f);
  if (length == 0) return marginals;
  // alpha[t][j]: log-sum of paths ending in j at t; beta[t][j]: of paths
  // continuing from j at t to the end.
  std::vector<float> alpha(length * labels), beta(length * labels), terms(labels);
  for (std::size_t j = 0; j < labels; ++j)
    alpha[j] = crf.start[j] + emissions[j];
  for (std::size_t t = 1; t < length; ++t) {
    for (std::size_t to = 0; to < labels; ++to) {
      for (std::size_t from = 0; from < labels; ++from)
        terms[from] = alpha[(t - 1) * labels + from] + crf.transitions[from * labels + to];
      alpha[t * labels + to] = log_sum_exp(terms.data(), labels) + emissions[t * labels + to];
    }
  }
  for (std::size_t j = 0; j < labels; ++j)
    beta[(length - 1) * labels + j] = crf.end[j];
  for (std::size_t t = length - 1; t > 0; --t) {
    for (std::size_t from = 0; from < labels; ++from) {
      for (std::size_t to = 0; to < labels; ++to) {
        terms[to] = crf.transitions[from * labels + to] + emissions[t * labels + to] +
                    beta[t * labels + to];
      }
      beta[(t - 1) * labels + from] = log_sum_exp(terms.data(), labels);
    }
  }
  for (std::size_t j = 0; j < labels; ++j)
    terms[j] = alpha[(length - 1) * labels + j] + crf.end[j];
  const float log_partition = log_sum_exp(terms.data(), labels);
  // In float, alpha + beta can exceed the partition by rounding: a
  // probability above 1 (1.001 was seen) is that rounding, not a probability.
  for (std::size_t i = 0; i < length * labels; ++i)
    marginals[i] = std::min(1.0f, std::exp(alpha[i] + beta[i] - log_partition));
  return marginals;
}

Decoder make_decoder(DecoderKind kind, const TransitionRules& rules, CrfScores crf) {
  Decoder decoder;
  decoder.kind = kind;
  decoder.rules = rules;
  decoder.scores = kind == DecoderKind::kCrf ? std::move(crf) : rule_scores(rules);
  return decoder;
}

DecodedWindow decode_window(const float* logits, std::size_t length, const Decoder& decoder) {
  const std::size_t labels = decoder.scores.labels;
  DecodedWindow window;
  std::vector<float> probabilities;
  if (decoder.kind == DecoderKind::kCrf) {
    window.labels = viterbi(logits, length, decoder.scores);
    probabilities = crf_marginals(logits, length, decoder.scores);
  } else {
    std::vector<float> log_probabilities(logits, logits + length * labels);
    for (std::size_t t = 0; t < length; ++t) {
      float* row = log_probabilities.data() + t * labels;
      const float normalizer = log_sum_exp(row, labels);
      for (std::size_t j = 0; j < labels; ++j)
        row[j] -= normalizer;
    }
    window.labels = viterbi(log_probabilities.data(), length, decoder.scores);
    probabilities.resize(log_probabilities.size());
    std::transform(log_probabilities.begin(), log_probabilities.end(), probabilities.begin(),
                   [](float value) { return std::exp(value); });
  }
  window.confidence.reserve(length);
  for (std::size_t t = 0; t < length; ++t)
    window.confidence.push_back(
        probabilities[t * labels + static_cast<std::size_t>(window.labels[t])]);
  return window;
}

}  // namespace ner
