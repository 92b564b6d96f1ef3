#include "tests/random_model.h"

#include <cmath>
#include <functional>
#include <random>
#include <utility>

#include "datasets/labels.h"
#include "models/model_spec.h"

namespace ner::testing {
namespace {

// A BIO + CRF model of `config`'s sizes whose k-th declared tensor (from 1)
// holds value(k, i) at position i.
ModelFile model_of(ModelConfig config, const std::function<float(int, std::int64_t)>& value) {
  ModelFile model;
  config.num_labels = 13;
  config.decoder = DecoderKind::kCrf;
  model.config = config;
  model.tag_scheme = "bio";
  model.label_names = LabelSet(TagScheme::kBio).names();
  int k = 0;
  for (const TensorSpec& spec : model_spec(model.config).tensors()) {
    ++k;
    WeightTensor tensor;
    tensor.shape = spec.shape;
    std::int64_t count = 1;
    for (const auto size : spec.shape)
      count *= size;
    for (std::int64_t i = 0; i < count; ++i)
      tensor.values.push_back(value(k, i));
    model.weights[spec.name] = std::move(tensor);
  }
  // The decoding scores are the learned ones with the scheme's forbidden moves.
  const auto rules = transition_rules(LabelSet(TagScheme::kBio));
  const std::size_t labels = model.label_names.size();
  const auto& learned = model.weights;
  model.crf.labels = labels;
  for (std::size_t from = 0; from < labels; ++from) {
    model.crf.start.push_back(rules.allowed_start[from] ? learned.at("crf.start").values[from]
                                                        : -1e4f);
    model.crf.end.push_back(rules.allowed_end[from] ? learned.at("crf.end").values[from] : -1e4f);
    for (std::size_t to = 0; to < labels; ++to) {
      model.crf.transitions.push_back(rules.allowed[from][to]
                                          ? learned.at("crf.transitions").values[from * labels + to]
                                          : -1e4f);
    }
  }
  return model;
}

}  // namespace

ModelFile random_model_of(const ModelConfig& sizes, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  ModelFile model = model_of(sizes, [&](int, std::int64_t) { return normal(random); });
  model.max_len = sizes.max_positions;
  model.stride = sizes.max_positions * 3 / 4;
  model.tokenizer_model = "not a tokenizer";
  model.provenance = {{"corpus", "synthetic"}, {"test_f1", 0.5}};
  return model;
}

ModelFile random_model(unsigned seed, int vocab_size, std::string tokenizer_model) {
  ModelConfig config;
  config.vocab_size = vocab_size;
  config.d_model = 16;
  config.layers = 2;
  config.heads = 2;
  config.ffn = 32;
  config.max_positions = 24;
  ModelFile model = random_model_of(config, seed);
  model.stride = 16;
  model.tokenizer_model = std::move(tokenizer_model);
  return model;
}

ModelFile golden_model() {
  ModelConfig config;
  config.vocab_size = 24;
  config.d_model = 8;
  config.layers = 1;
  config.heads = 2;
  config.ffn = 16;
  config.max_positions = 16;
  config.dropout = 0.1;
  ModelFile model = model_of(config, [](int k, std::int64_t i) {
    return static_cast<float>(0.5 * std::sin(0.37 * static_cast<double>(i) + k));
  });
  model.max_len = 16;
  model.stride = 12;
  model.tokenizer_model = "golden test file: no tokenizer";
  model.provenance = {{"exported", "2026-11-30T00:00:00Z"}, {"note", "golden test model"}};
  return model;
}

}  // namespace ner::testing
