// Decoding without LibTorch: the one Viterbi, under the scheme's rules (softmax)
// and under CRF scores, against brute force; softmax decoding of a window.
#include "models/decoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "base/error.h"

namespace ner {
namespace {

// The score of a label sequence under emissions and transition scores.
float path_score(const std::vector<float>& emissions, const std::vector<int>& labels,
                 const CrfScores& scores) {
  const std::size_t count = scores.labels;
  float total = scores.start[static_cast<std::size_t>(labels.front())] +
                scores.end[static_cast<std::size_t>(labels.back())];
  for (std::size_t t = 0; t < labels.size(); ++t) {
    total += emissions[t * count + static_cast<std::size_t>(labels[t])];
    if (t > 0)
      total += scores.transitions[static_cast<std::size_t>(labels[t - 1]) * count +
                                  static_cast<std::size_t>(labels[t])];
  }
  return total;
}

// The best score over every sequence of `length` labels.
float brute_force_best(const std::vector<float>& emissions, std::size_t length,
                       const CrfScores& scores) {
  const std::size_t count = scores.labels;
  std::size_t combinations = 1;
  for (std::size_t t = 0; t < length; ++t)
    combinations *= count;
  float best = -std::numeric_limits<float>::infinity();
  std::vector<int> labels(length, 0);
  for (std::size_t c = 0; c < combinations; ++c) {
    std::size_t code = c;
    for (std::size_t t = 0; t < length; ++t) {
      labels[t] = static_cast<int>(code % count);
      code /= count;
    }
    best = std::max(best, path_score(emissions, labels, scores));
  }
  return best;
}

// Under the rules' scores, Viterbi is constrained Viterbi: always a valid
// sequence, and the best valid one.
TEST(Viterbi, UnderTheRulesMatchesBruteForceAndIsAlwaysValid) {
  for (const TagScheme scheme : {TagScheme::kBio, TagScheme::kBilou}) {
    const LabelSet set(scheme);
    const auto rules = transition_rules(set);
    const CrfScores scores = rule_scores(rules);
    std::mt19937 random(7);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    for (int trial = 0; trial < 20; ++trial) {
      const std::size_t length = 1 + trial % 3;
      std::vector<float> emissions(length * set.size());
      for (float& value : emissions)
        value = normal(random);
      const auto path = viterbi(emissions.data(), length, scores);
      ASSERT_TRUE(is_valid_sequence(path, rules));
      EXPECT_NEAR(path_score(emissions, path, scores), brute_force_best(emissions, length, scores),
                  1e-4);
    }
  }
}

// With learned scores the same function is the CRF's Viterbi.
TEST(Viterbi, UnderCrfScoresMatchesBruteForce) {
  std::mt19937 random(11);
  std::normal_distribution<float> normal(0.0f, 1.5f);
  CrfScores scores;
  scores.labels = 4;
  for (std::size_t i = 0; i < 4; ++i) {
    scores.start.push_back(normal(random));
    scores.end.push_back(normal(random));
    for (std::size_t j = 0; j < 4; ++j)
      scores.transitions.push_back(normal(random));
  }
  for (std::size_t length = 1; length <= 5; ++length) {
    std::vector<float> emissions(length * 4);
    for (float& value : emissions)
      value = normal(random);
    const auto path = viterbi(emissions.data(), length, scores);
    ASSERT_EQ(path.size(), length);
    EXPECT_NEAR(path_score(emissions, path, scores), brute_force_best(emissions, length, scores),
                1e-4);
  }
}

TEST(Viterbi, RepairsAnInsideAfterOutside) {
  const LabelSet set(TagScheme::kBio);
  const auto rules = transition_rules(set);
  std::vector<float> emissions(2 * set.size(), -10.0f);
  emissions[0] = 0.0f;  // O
  emissions[set.size() + static_cast<std::size_t>(set.inside(EntityType::kModel))] = 0.0f;
  emissions[set.size() + static_cast<std::size_t>(set.begin(EntityType::kModel))] = -1.0f;
  EXPECT_EQ(viterbi(emissions.data(), 2, rule_scores(rules)),
            (std::vector<int>{0, set.begin(EntityType::kModel)}));
}

TEST(Viterbi, RejectsIncompleteScores) {
  CrfScores scores = rule_scores(transition_rules(LabelSet(TagScheme::kBio)));
  scores.end.pop_back();
  const std::vector<float> emissions(13, 0.0f);
  EXPECT_THROW(viterbi(emissions.data(), 1, scores), Error);
}

// Softmax decoding: labels obey the scheme, and each confidence is the
// chosen label's softmax probability.
TEST(DecodeWindow, SoftmaxGivesValidLabelsWithTheirProbabilities) {
  const LabelSet set(TagScheme::kBilou);
  const auto rules = transition_rules(set);
  const Decoder decoder = make_decoder(DecoderKind::kSoftmax, rules);
  std::mt19937 random(5);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  const std::size_t length = 9, count = set.size();
  std::vector<float> logits(length * count);
  for (float& value : logits)
    value = normal(random);
  const DecodedWindow window = decode_window(logits.data(), length, decoder);
  ASSERT_EQ(window.labels.size(), length);
  EXPECT_TRUE(is_valid_sequence(window.labels, rules));
  for (std::size_t t = 0; t < length; ++t) {
    double normalizer = 0;
    for (std::size_t j = 0; j < count; ++j)
      normalizer += std::exp(static_cast<double>(logits[t * count + j]));
    const double expected = std::exp(static_cast<double>(
                                logits[t * count + static_cast<std::size_t>(window.labels[t])])) /
                            normalizer;
    EXPECT_NEAR(window.confidence[t], expected, 1e-5) << t;
  }
}

}  // namespace
}  // namespace ner

namespace ner {
namespace {

// Rounding in float can put alpha + beta above the partition function; a
// marginal is still a probability, so the entity scores built on it too.
TEST(CrfMarginals, StayProbabilitiesUnderLargeScores) {
  constexpr std::size_t kLabels = 13;
  constexpr std::size_t kLength = 128;
  CrfScores crf{kLabels, std::vector<float>(kLabels * kLabels), std::vector<float>(kLabels),
                std::vector<float>(kLabels)};
  std::uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / static_cast<float>(1u << 24);
  };
  for (float& score : crf.transitions)
    score = 40 * next() - 20;
  std::vector<float> emissions(kLength * kLabels);
  for (std::size_t t = 0; t < kLength; ++t) {
    for (std::size_t j = 0; j < kLabels; ++j)
      emissions[t * kLabels + j] = j == t % kLabels ? 60 + 10 * next() : 40 * next() - 20;
  }
  const std::vector<float> marginals = crf_marginals(emissions.data(), kLength, crf);
  for (std::size_t t = 0; t < kLength; ++t) {
    float sum = 0;
    for (std::size_t j = 0; j < kLabels; ++j) {
      const float marginal = marginals[t * kLabels + j];
      EXPECT_GE(marginal, 0.0f);
      EXPECT_LE(marginal, 1.0f) << "position " << t << " label " << j;
      sum += marginal;
    }
    EXPECT_NEAR(sum, 1.0f, 1e-2f) << "position " << t;
  }
}

}  // namespace
}  // namespace ner
