#include "models/crf.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "models/decoding.h"
#include "tests/torch_devices.h"

namespace ner {
namespace {

// The label paths of the (unpadded) sequences, decoded as NerModel::decode
// decodes a CRF model's logits: decode_window under the CRF's scores.
std::vector<std::vector<int>> decode_paths(Crf& crf, const TransitionRules& rules,
                                           const torch::Tensor& emissions_in,
                                           const torch::Tensor& mask) {
  torch::NoGradGuard no_grad;
  const auto emissions = emissions_in.to(torch::kFloat).contiguous();
  const auto lengths = mask.sum(1).to(torch::kLong);
  const Decoder decoder = make_decoder(DecoderKind::kCrf, rules, crf->scores());
  const int64_t window_size = emissions.size(1) * emissions.size(2);
  std::vector<std::vector<int>> paths;
  for (int64_t b = 0; b < emissions.size(0); ++b) {
    paths.push_back(decode_window(emissions.data_ptr<float>() + b * window_size,
                                  static_cast<std::size_t>(lengths[b].item<int64_t>()), decoder)
                        .labels);
  }
  return paths;
}

// Scores every one of the 13^4 label sequences of a 4-piece example and
// compares log-likelihood, Viterbi and the marginals (crf_marginals on the
// CRF's scores) with the CRF's.
TEST(Crf, LogLikelihoodAndViterbiMatchBruteForceEnumeration) {
  torch::manual_seed(5);
  const LabelSet set(TagScheme::kBio);
  const auto rules = transition_rules(set);
  Crf crf(rules);
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : crf->parameters())
      parameter.normal_(0.0, 1.0);
  }
  const int64_t count = static_cast<int64_t>(set.size());
  const int64_t length = 4;
  const auto emissions = torch::randn({1, length, count});
  const auto transitions = crf->transition_scores();
  const auto start = crf->start_scores();
  const auto end = crf->end_scores();
  const auto score_of = [&](const std::vector<int64_t>& tags) {
    double score = start[tags[0]].item<double>() + end[tags[length - 1]].item<double>();
    for (int64_t t = 0; t < length; ++t)
      score += emissions[0][t][tags[t]].item<double>();
    for (int64_t t = 1; t < length; ++t)
      score += transitions[tags[t - 1]][tags[t]].item<double>();
    return score;
  };
  // Exhaustive log partition and best path.
  std::vector<double> all_scores;
  double best = -std::numeric_limits<double>::infinity();
  std::vector<int64_t> best_tags;
  std::vector<int64_t> tags(length, 0);
  for (int64_t code = 0; code < count * count * count * count; ++code) {
    int64_t rest = code;
    for (int64_t t = 0; t < length; ++t) {
      tags[t] = rest % count;
      rest /= count;
    }
    const double score = score_of(tags);
    all_scores.push_back(score);
    if (score > best) {
      best = score;
      best_tags = tags;
    }
  }
  const double max_score = *std::max_element(all_scores.begin(), all_scores.end());
  double sum = 0;
  for (const double score : all_scores)
    sum += std::exp(score - max_score);
  const double log_partition = max_score + std::log(sum);

  const std::vector<int64_t> gold = {set.begin(EntityType::kModel), set.inside(EntityType::kModel),
                                     0, set.begin(EntityType::kYear)};
  const auto gold_tensor = torch::tensor(gold, torch::kLong).view({1, length});
  const auto mask = torch::ones({1, length}, torch::kBool);
  const double expected = score_of(gold) - log_partition;
  for (const CrfPartition partition : {CrfPartition::kSequential, CrfPartition::kParallelScan}) {
    EXPECT_NEAR(crf->log_likelihood(emissions, gold_tensor, mask, partition).item<double>(),
                expected, 1e-3);
  }

  const auto decoded = decode_paths(crf, rules, emissions, mask);
  ASSERT_EQ(decoded.size(), 1u);
  std::vector<int64_t> decoded64(decoded[0].begin(), decoded[0].end());
  EXPECT_EQ(decoded64, best_tags);
  EXPECT_TRUE(is_valid_sequence(decoded[0], rules));

  std::vector<double> expected_marginals(static_cast<std::size_t>(length * count), 0.0);
  for (int64_t code = 0; code < count * count * count * count; ++code) {
    const double probability = std::exp(all_scores[static_cast<std::size_t>(code)] - log_partition);
    int64_t rest = code;
    for (int64_t t = 0; t < length; ++t) {
      expected_marginals[static_cast<std::size_t>(t * count + rest % count)] += probability;
      rest /= count;
    }
  }
  const auto contiguous = emissions.contiguous();
  const std::vector<float> marginals =
      crf_marginals(contiguous.data_ptr<float>(), static_cast<std::size_t>(length), crf->scores());
  for (int64_t t = 0; t < length; ++t) {
    for (int64_t label = 0; label < count; ++label) {
      EXPECT_NEAR(marginals[static_cast<std::size_t>(t * count + label)],
                  expected_marginals[static_cast<std::size_t>(t * count + label)], 1e-4)
          << "piece " << t << " label " << label;
    }
  }
}

TEST(Crf, MarginalsIgnorePaddingAndSumToOne) {
  torch::manual_seed(8);
  const LabelSet set(TagScheme::kBilou);
  Crf crf(transition_rules(set));
  const auto labels = static_cast<int64_t>(set.size());
  const auto emissions = torch::randn({2, 6, labels}).contiguous();
  const CrfScores scores = crf->scores();
  // The second sequence has 3 real pieces followed by 3 of padding.
  const std::vector<float> padded =
      crf_marginals(emissions.data_ptr<float>() + 6 * labels, 3, scores);
  const auto alone_emissions = emissions[1].slice(0, 0, 3).contiguous();
  const std::vector<float> alone = crf_marginals(alone_emissions.data_ptr<float>(), 3, scores);
  EXPECT_TRUE(torch::allclose(torch::tensor(padded), torch::tensor(alone), 1e-5, 1e-6));
  const std::vector<float> full = crf_marginals(emissions.data_ptr<float>(), 6, scores);
  EXPECT_TRUE(
      torch::allclose(torch::tensor(full).view({6, labels}).sum(-1), torch::ones({6}), 1e-5, 1e-5));
}

TEST(Crf, PaddingDoesNotChangeTheLikelihood) {
  torch::manual_seed(6);
  const LabelSet set(TagScheme::kBio);
  Crf crf(transition_rules(set));
  const auto emissions = torch::randn({2, 5, static_cast<int64_t>(set.size())});
  auto tags = torch::zeros({2, 5}, torch::kLong);
  tags[0][1] = set.begin(EntityType::kParams);
  tags[0][2] = set.inside(EntityType::kParams);
  auto mask = torch::ones({2, 5}, torch::kBool);
  mask[1][3] = false;
  mask[1][4] = false;
  const auto both = crf->log_likelihood(emissions, tags, mask);
  const auto alone = crf->log_likelihood(
      emissions.index({torch::indexing::Slice(1, 2), torch::indexing::Slice(0, 3)}),
      tags.index({torch::indexing::Slice(1, 2), torch::indexing::Slice(0, 3)}),
      torch::ones({1, 3}, torch::kBool));
  EXPECT_NEAR(both[1].item<double>(), alone[0].item<double>(), 1e-5);
  const auto paths = decode_paths(crf, transition_rules(set), emissions, mask);
  EXPECT_EQ(paths[1].size(), 3u);
  // The likelihood is differentiable and a probability: log-likelihood <= 0.
  EXPECT_LE(both.max().item<double>(), 1e-6);
  both.sum().backward();
  EXPECT_TRUE(crf->named_parameters()["transitions"].grad().defined());
}

// A CRF with random scores (under the BIO rules), and a batch of two
// sequences, the second one padded after 4 pieces, with valid tags.
struct PartialCase {
  LabelSet set{TagScheme::kBio};
  Crf crf{transition_rules(set)};
  torch::Tensor emissions, tags, mask;

  explicit PartialCase(std::uint64_t seed) {
    torch::manual_seed(seed);
    {
      torch::NoGradGuard no_grad;
      for (auto& parameter : crf->parameters())
        parameter.normal_(0.0, 1.0);
    }
    emissions = torch::randn({2, 6, static_cast<int64_t>(set.size())});
    tags = torch::zeros({2, 6}, torch::kLong);
    tags[0][1] = set.begin(EntityType::kModel);
    tags[0][2] = set.inside(EntityType::kModel);
    tags[0][4] = set.begin(EntityType::kYear);
    tags[1][0] = set.begin(EntityType::kHardware);
    mask = torch::ones({2, 6}, torch::kBool);
    mask[1][4] = false;
    mask[1][5] = false;
  }
  // Known pieces allow their tag, the pieces of `unknown` allow every label.
  torch::Tensor allowed(const torch::Tensor& unknown) const {
    return torch::one_hot(tags, static_cast<int64_t>(set.size()))
        .to(torch::kBool)
        .logical_or(unknown.unsqueeze(-1));
  }
};

TEST(PartialCrf, EqualsTheFullLikelihoodWhenNothingIsUnknown) {
  PartialCase c(21);
  const auto none = torch::zeros({2, 6}, torch::kBool);
  for (const CrfPartition partition : {CrfPartition::kSequential, CrfPartition::kParallelScan}) {
    const auto full = c.crf->log_likelihood(c.emissions, c.tags, c.mask, partition);
    const auto partial =
        c.crf->partial_log_likelihood(c.emissions, c.allowed(none), c.mask, partition);
    EXPECT_TRUE(torch::allclose(full, partial, 1e-4, 1e-4)) << full << partial;
    EXPECT_LT(full.max().item<double>(), -0.1) << "a real likelihood, not trivially zero";
  }
}

TEST(PartialCrf, IsZeroWhenEverythingIsUnknown) {
  PartialCase c(22);
  const auto all = torch::ones({2, 6}, torch::kBool);
  const auto partial = c.crf->partial_log_likelihood(c.emissions, c.allowed(all), c.mask);
  EXPECT_TRUE(torch::allclose(partial, torch::zeros({2}), 0, 1e-4)) << partial;
}

TEST(PartialCrf, SumsTheProbabilityOfEveryConsistentPath) {
  PartialCase c(23);
  auto unknown = torch::zeros({2, 6}, torch::kBool);
  unknown[0][2] = true;
  unknown[0][3] = true;
  const auto partial = c.crf->partial_log_likelihood(c.emissions, c.allowed(unknown), c.mask);
  // Enumerate the 13 x 13 labels of pieces 2 and 3 of the first sequence.
  const auto labels = static_cast<int64_t>(c.set.size());
  std::vector<double> likelihoods;
  for (int64_t a = 0; a < labels; ++a) {
    for (int64_t b = 0; b < labels; ++b) {
      auto tags = c.tags.slice(0, 0, 1).clone();
      tags[0][2] = a;
      tags[0][3] = b;
      likelihoods.push_back(
          c.crf->log_likelihood(c.emissions.slice(0, 0, 1), tags, c.mask.slice(0, 0, 1))
              .item<double>());
    }
  }
  const double expected = torch::tensor(likelihoods, torch::kDouble).logsumexp(0).item<double>();
  EXPECT_NEAR(partial[0].item<double>(), expected, 1e-4);
  // More freedom, more probability: the consistent paths include the tagged one.
  const auto full = c.crf->log_likelihood(c.emissions, c.tags, c.mask);
  EXPECT_GT(partial[0].item<double>(), full[0].item<double>() + 1e-3);
  EXPECT_NEAR(partial[1].item<double>(), full[1].item<double>(), 1e-4);
}

TEST(PartialCrf, GradientMatchesFiniteDifferences) {
  PartialCase c(24);
  auto unknown = torch::zeros({2, 6}, torch::kBool);
  unknown[0][0] = true;
  unknown[0][3] = true;
  unknown[1][1] = true;
  const auto allowed = c.allowed(unknown);
  const auto emissions = c.emissions.clone().set_requires_grad(true);
  c.crf->partial_log_likelihood(emissions, allowed, c.mask).sum().backward();
  const auto analytic_emissions = emissions.grad().clone();
  auto transitions = c.crf->named_parameters()["transitions"];
  const auto analytic_transitions = transitions.grad().clone();
  const auto value = [&] {
    torch::NoGradGuard no_grad;
    return c.crf->partial_log_likelihood(c.emissions, allowed, c.mask).sum().item<double>();
  };
  constexpr double kStep = 1e-2;
  const auto check = [&](torch::Tensor target, const torch::Tensor& analytic,
                         const std::vector<int64_t>& where) {
    torch::NoGradGuard no_grad;
    const std::vector<torch::indexing::TensorIndex> at(where.begin(), where.end());
    auto element = target.index(at);
    const double original = element.item<double>();
    element.fill_(original + kStep);
    const double up = value();
    element.fill_(original - kStep);
    const double down = value();
    element.fill_(original);
    const double numeric = (up - down) / (2 * kStep);
    EXPECT_NEAR(analytic.index(at).item<double>(), numeric, 2e-3)
        << "at " << where[0] << "," << where[1];
  };
  const auto o = LabelSet::kOutside;
  const auto b_model = c.set.begin(EntityType::kModel);
  const auto i_model = c.set.inside(EntityType::kModel);
  for (const std::vector<int64_t>& where : std::vector<std::vector<int64_t>>{{0, 0, o},
                                                                             {0, 0, b_model},
                                                                             {0, 3, i_model},
                                                                             {0, 3, o},
                                                                             {0, 1, b_model},
                                                                             {1, 1, 5},
                                                                             {1, 2, o},
                                                                             {1, 5, o}})
    check(c.emissions, analytic_emissions, where);
  for (const std::vector<int64_t>& where :
       std::vector<std::vector<int64_t>>{{o, o}, {o, b_model}, {b_model, i_model}, {i_model, o}})
    check(transitions, analytic_transitions, where);
}

// The parallel scan is the sequential forward algorithm regrouped: the same
// likelihoods and the same gradients, for odd and even lengths, padding and
// one-piece sequences, in both tag schemes. Both algorithms run on each
// device and are compared with the sequential one on the CPU.
class CrfOnDevice : public ::testing::TestWithParam<torch::DeviceType> {};

TEST_P(CrfOnDevice, ParallelScanMatchesTheSequentialForwardAlgorithm) {
  const torch::Device device(GetParam());
  NER_SKIP_UNLESS_AVAILABLE(device.type());
  torch::manual_seed(9);
  for (const TagScheme scheme : {TagScheme::kBio, TagScheme::kBilou}) {
    const LabelSet set(scheme);
    const auto labels = static_cast<int64_t>(set.size());
    for (const int64_t time : {1, 2, 7, 16, 37}) {
      Crf crf(transition_rules(set));
      {
        torch::NoGradGuard no_grad;
        for (auto& parameter : crf->parameters())
          parameter.normal_(0.0, 1.0);
      }
      const int64_t batch = 5;
      const auto lengths = torch::randint(1, time + 1, {batch}, torch::kLong);
      lengths[0] = time;
      lengths[1] = 1;
      const auto mask = torch::arange(time).unsqueeze(0) < lengths.unsqueeze(1);
      const auto tags = torch::randint(0, labels, {batch, time}, torch::kLong);
      const auto base = torch::randn({batch, time, labels}) * 3;
      struct Result {
        torch::Tensor value, emission_grad, transition_grad;
      };
      const auto run = [&](CrfPartition partition, const torch::Device& on) {
        crf->to(on);
        crf->zero_grad();
        // A leaf on every device: on the CPU .to() returns base itself.
        const auto emissions = base.to(on).detach().requires_grad_(true);
        const auto likelihood = crf->log_likelihood(emissions, tags.to(on), mask.to(on), partition);
        likelihood.sum().backward();
        const auto transition_grad = crf->named_parameters()["transitions"].grad();
        return Result{
            likelihood.detach().cpu(), emissions.grad().cpu(),
            transition_grad.defined() ? transition_grad.cpu() : torch::zeros({labels, labels})};
      };
      const Result expected = run(CrfPartition::kSequential, torch::kCPU);
      for (const CrfPartition partition :
           {CrfPartition::kSequential, CrfPartition::kParallelScan}) {
        const Result got = run(partition, device);
        const std::string what =
            std::string(partition == CrfPartition::kSequential ? "sequential" : "scan") +
            ", length " + std::to_string(time);
        EXPECT_TRUE(torch::allclose(got.value, expected.value, 1e-4, 1e-3))
            << what << ": " << got.value << expected.value;
        EXPECT_TRUE(torch::allclose(got.emission_grad, expected.emission_grad, 1e-4, 1e-5)) << what;
        EXPECT_TRUE(torch::allclose(got.transition_grad, expected.transition_grad, 1e-4, 1e-4))
            << what;
        // Padding gets no gradient.
        const auto padding = mask.logical_not().unsqueeze(2).expand_as(base);
        EXPECT_EQ(got.emission_grad.masked_select(padding).abs().sum().item<double>(), 0.0) << what;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Devices, CrfOnDevice, testing::all_devices(), testing::device_test_name);

TEST(Crf, DecodingIsAlwaysValidEvenAgainstStrongEmissions) {
  torch::manual_seed(8);
  for (const TagScheme scheme : {TagScheme::kBio, TagScheme::kBilou}) {
    const LabelSet set(scheme);
    const auto rules = transition_rules(set);
    Crf crf(rules);
    const auto emissions = torch::randn({16, 12, static_cast<int64_t>(set.size())}) * 20;
    for (const auto& path :
         decode_paths(crf, rules, emissions, torch::ones({16, 12}, torch::kBool))) {
      EXPECT_TRUE(is_valid_sequence(path, rules));
    }
  }
}

}  // namespace
}  // namespace ner
