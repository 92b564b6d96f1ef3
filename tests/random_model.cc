#include "tests/random_model.h"

#include <random>
#include <utility>

#include "datasets/labels.h"

namespace ner::testing {

ModelFile random_model(unsigned seed, int vocab_size, std::string tokenizer_model) {
  ModelFile model;
  model.config.vocab_size = vocab_size;
  model.config.num_labels = 13;
  model.config.d_model = 16;
  model.config.layers = 2;
  model.config.heads = 2;
  model.config.ffn = 32;
  model.config.max_positions = 24;
  model.config.decoder = "crf";
  model.tag_scheme = "bio";
  model.label_names = LabelSet(TagScheme::kBio).names();
  model.max_len = 24;
  model.stride = 16;
  model.tokenizer_model = std::move(tokenizer_model);
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  const auto add = [&](const std::string& name, std::vector<std::int64_t> shape) {
    WeightTensor tensor;
    std::int64_t count = 1;
    for (const auto size : shape)
      count *= size;
    tensor.shape = std::move(shape);
    for (std::int64_t i = 0; i < count; ++i)
      tensor.values.push_back(normal(random));
    model.weights[name] = std::move(tensor);
  };
  const ModelConfig& c = model.config;
  add("encoder.tokens.weight", {c.vocab_size, c.d_model});
  add("encoder.positions.weight", {c.max_positions, c.d_model});
  for (int i = 0; i < c.layers; ++i) {
    const std::string p = "encoder.blocks." + std::to_string(i) + ".";
    for (const char* norm : {"attn_norm", "ffn_norm"}) {
      add(p + norm + ".weight", {c.d_model});
      add(p + norm + ".bias", {c.d_model});
    }
    add(p + "qkv.weight", {3 * c.d_model, c.d_model});
    add(p + "qkv.bias", {3 * c.d_model});
    add(p + "attn_out.weight", {c.d_model, c.d_model});
    add(p + "attn_out.bias", {c.d_model});
    add(p + "ffn_in.weight", {c.ffn, c.d_model});
    add(p + "ffn_in.bias", {c.ffn});
    add(p + "ffn_out.weight", {c.d_model, c.ffn});
    add(p + "ffn_out.bias", {c.d_model});
  }
  add("encoder.final_norm.weight", {c.d_model});
  add("encoder.final_norm.bias", {c.d_model});
  add("encoder.head.weight", {c.num_labels, c.d_model});
  add("encoder.head.bias", {c.num_labels});
  const auto rules = transition_rules(LabelSet(TagScheme::kBio));
  const std::size_t labels = model.label_names.size();
  model.crf.labels = labels;
  for (std::size_t from = 0; from < labels; ++from) {
    model.crf.start.push_back(rules.allowed_start[from] ? normal(random) : -1e4f);
    model.crf.end.push_back(rules.allowed_end[from] ? normal(random) : -1e4f);
    for (std::size_t to = 0; to < labels; ++to)
      model.crf.transitions.push_back(rules.allowed[from][to] ? normal(random) : -1e4f);
  }
  model.provenance = {{"corpus", "synthetic"}, {"test_f1", 0.5}};
  return model;
}

}  // namespace ner::testing
