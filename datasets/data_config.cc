#include "datasets/data_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "base/config_schema.h"
#include "base/error.h"
#include "datasets/labels.h"

namespace ner {
namespace {

// The fields of the tokenizer and data sections, bound to `config`.
ConfigSchema data_schema(DataConfig& config) {
  ConfigSchema schema({"tokenizer", "data"},
                      {std::begin(kOtherConfigSections), std::end(kOtherConfigSections)});
  schema.add(config_field("tokenizer", "model_type", config.tokenizer.model_type));
  schema.add(config_field("tokenizer", "vocab_size", config.tokenizer.vocab_size));
  schema.add(config_field("tokenizer", "character_coverage", config.tokenizer.character_coverage));
  schema.add(config_field("tokenizer", "max_training_lines", config.tokenizer.max_training_lines));
  schema.add(config_field("data", "tag_scheme", config.tag_scheme));
  schema.add(config_field("data", "max_len", config.max_len));
  schema.add(config_field("data", "stride", config.stride));
  schema.add(config_field("data", "weak_label_repair", config.weak_label_repair));
  schema.add(config_field("data", "weak_unknown", config.weak_unknown));
  schema.add(config_field("data", "split", config.split));
  ConfigField fractions;
  fractions.section = "data";
  fractions.key = "split_fractions";
  fractions.read = [&config](const YAML::Node& value, std::string_view source) {
    std::vector<double> values;
    try {
      values = value.as<std::vector<double>>();
    } catch (const YAML::Exception&) {
      values.clear();
    }
    if (values.size() != 3) {
      throw Error("'data.split_fractions' needs three numbers [train, dev, test]",
                  yaml_location(value, source));
    }
    config.split_fractions = SplitFractions{values[0], values[1], values[2]};
  };
  fractions.write = [&config](YAML::Emitter& out) {
    out << YAML::Key << "split_fractions" << YAML::Value << YAML::Flow << YAML::BeginSeq
        << config.split_fractions.train << config.split_fractions.dev << config.split_fractions.test
        << YAML::EndSeq;
  };
  schema.add(std::move(fractions));
  schema.add(config_field("data", "seed", config.seed));
  return schema;
}

}  // namespace

void apply_yaml(DataConfig& config, std::string_view yaml, std::string_view source_name) {
  data_schema(config).apply_yaml(yaml, source_name);
}

void apply_override(DataConfig& config, std::string_view assignment) {
  data_schema(config).apply_override(assignment);
}

void validate(const DataConfig& config, const ConfigSources& sources) {
  try {
    parse_tag_scheme(config.tag_scheme);
  } catch (const Error& error) {
    throw sources.error("data.tag_scheme", error.message());
  }
  const auto& type = config.tokenizer.model_type;
  sources.require(type == "unigram" || type == "bpe" || type == "char" || type == "word",
                  "tokenizer.model_type",
                  fmt::format("tokenizer.model_type '{}': use unigram, bpe, char or word", type));
  sources.require(
      config.tokenizer.vocab_size >= 64, "tokenizer.vocab_size",
      fmt::format("tokenizer.vocab_size must be at least 64, got {}", config.tokenizer.vocab_size));
  sources.require(
      config.tokenizer.character_coverage > 0.9 && config.tokenizer.character_coverage <= 1.0,
      "tokenizer.character_coverage",
      fmt::format("tokenizer.character_coverage must be in (0.9, 1], got {}",
                  config.tokenizer.character_coverage));
  sources.require(config.max_len >= 8, "data.max_len",
                  fmt::format("data.max_len must be at least 8, got {}", config.max_len));
  sources.require(
      config.stride <= config.max_len, "data.stride",
      fmt::format("data.stride {} must not exceed data.max_len {} (0 picks 3/4 of max_len)",
                  config.stride, config.max_len));
  sources.require(config.split == "auto" || config.split == "hash" || config.split == "folders",
                  "data.split",
                  fmt::format("data.split '{}': use auto, hash or folders", config.split));
  try {
    check_fractions(config.split_fractions);
  } catch (const Error& error) {
    throw sources.error("data.split_fractions", error.message());
  }
}

std::string to_yaml(const DataConfig& config) {
  DataConfig copy = config;
  return data_schema(copy).to_yaml();
}

DataConfig load_data_config(const std::filesystem::path& file,
                            const std::vector<std::string>& overrides) {
  DataConfig config;
  const ConfigSources sources = data_schema(config).apply(file, overrides);
  validate(config, sources);
  return config;
}

}  // namespace ner
