#include "datasets/data_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "datasets/corpus.h"
#include "datasets/error.h"
#include "datasets/labels.h"

namespace ner {
namespace {

SourceLocation location_of(const YAML::Node& node, std::string_view source) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return SourceLocation{std::string(source), 0, 0};
  return SourceLocation{std::string(source), static_cast<std::size_t>(mark.line) + 1,
                        static_cast<std::size_t>(mark.column) + 1};
}

template <typename T>
T as(const YAML::Node& node, std::string_view key, std::string_view source) {
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    throw Error(fmt::format("'{}': cannot read '{}' as a {}", key, YAML::Dump(node),
                            std::is_same_v<T, bool>          ? "boolean"
                            : std::is_same_v<T, std::string> ? "string"
                                                             : "number"),
                location_of(node, source));
  }
}

void apply_key(DataConfig& config, std::string_view section, std::string_view key,
               const YAML::Node& key_node, const YAML::Node& value, std::string_view source) {
  const std::string full = fmt::format("{}.{}", section, key);
  if (section == "tokenizer") {
    if (key == "model_type")
      return void(config.tokenizer.model_type = as<std::string>(value, full, source));
    if (key == "vocab_size")
      return void(config.tokenizer.vocab_size = as<int>(value, full, source));
    if (key == "character_coverage") {
      return void(config.tokenizer.character_coverage = as<double>(value, full, source));
    }
    if (key == "max_training_lines") {
      return void(config.tokenizer.max_training_lines = as<std::size_t>(value, full, source));
    }
  } else if (section == "data") {
    if (key == "tag_scheme") return void(config.tag_scheme = as<std::string>(value, full, source));
    if (key == "max_len") return void(config.max_len = as<std::size_t>(value, full, source));
    if (key == "stride") return void(config.stride = as<std::size_t>(value, full, source));
    if (key == "weak_label_repair")
      return void(config.weak_label_repair = as<bool>(value, full, source));
    if (key == "split") return void(config.split = as<std::string>(value, full, source));
    if (key == "seed") return void(config.seed = as<std::uint64_t>(value, full, source));
    if (key == "split_fractions") {
      const auto values = as<std::vector<double>>(value, full, source);
      if (values.size() != 3) {
        throw Error(fmt::format("'{}' needs three numbers [train, dev, test]", full),
                    location_of(value, source));
      }
      config.split_fractions = SplitFractions{values[0], values[1], values[2]};
      return;
    }
  }
  throw Error(fmt::format("unknown configuration key '{}'", full), location_of(key_node, source));
}

bool is_other_section(std::string_view name) {
  return std::find(std::begin(kOtherConfigSections), std::end(kOtherConfigSections), name) !=
         std::end(kOtherConfigSections);
}

}  // namespace

void apply_yaml(DataConfig& config, std::string_view yaml, std::string_view source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& error) {
    throw Error(error.msg, SourceLocation{std::string(source_name),
                                          static_cast<std::size_t>(error.mark.line) + 1,
                                          static_cast<std::size_t>(error.mark.column) + 1});
  }
  if (root.IsNull()) return;
  if (!root.IsMap())
    throw Error("a configuration must be a mapping of sections", location_of(root, source_name));
  for (const auto& section : root) {
    const std::string name = section.first.as<std::string>();
    if (is_other_section(name)) continue;
    if (name != "tokenizer" && name != "data") {
      throw Error(fmt::format("unknown configuration section '{}'", name),
                  location_of(section.first, source_name));
    }
    if (section.second.IsNull()) continue;
    if (!section.second.IsMap()) {
      throw Error(fmt::format("section '{}' must be a mapping", name),
                  location_of(section.second, source_name));
    }
    for (const auto& entry : section.second) {
      apply_key(config, name, entry.first.as<std::string>(), entry.first, entry.second,
                source_name);
    }
  }
}

void apply_override(DataConfig& config, std::string_view assignment) {
  const std::size_t equals = assignment.find('=');
  const std::size_t dot = assignment.find('.');
  if (equals == std::string_view::npos || dot == std::string_view::npos || dot > equals) {
    throw Error(fmt::format("--set '{}': expected section.key=value", assignment));
  }
  const std::string section(assignment.substr(0, dot));
  const std::string key(assignment.substr(dot + 1, equals - dot - 1));
  const std::string value(assignment.substr(equals + 1));
  if (is_other_section(section)) return;
  YAML::Node node;
  try {
    node = YAML::Load(value);
  } catch (const YAML::Exception&) {
    throw Error(fmt::format("--set '{}': cannot parse the value", assignment));
  }
  if (section != "tokenizer" && section != "data") {
    throw Error(fmt::format("--set '{}': unknown configuration section '{}'", assignment, section));
  }
  apply_key(config, section, key, node, node, "--set");
}

void validate(const DataConfig& config) {
  parse_tag_scheme(config.tag_scheme);
  const auto& type = config.tokenizer.model_type;
  if (type != "unigram" && type != "bpe" && type != "char" && type != "word") {
    throw Error(fmt::format("tokenizer.model_type '{}': use unigram, bpe, char or word", type));
  }
  if (config.tokenizer.vocab_size < 64) throw Error("tokenizer.vocab_size must be at least 64");
  if (!(config.tokenizer.character_coverage > 0.9 && config.tokenizer.character_coverage <= 1.0)) {
    throw Error("tokenizer.character_coverage must be in (0.9, 1]");
  }
  if (config.max_len < 8) throw Error("data.max_len must be at least 8");
  if (config.stride > config.max_len) {
    throw Error(
        fmt::format("data.stride {} must not exceed data.max_len {} (0 picks 3/4 of max_len)",
                    config.stride, config.max_len));
  }
  if (config.split != "auto" && config.split != "hash" && config.split != "folders") {
    throw Error(fmt::format("data.split '{}': use auto, hash or folders", config.split));
  }
  check_fractions(config.split_fractions);
}

std::string to_yaml(const DataConfig& config) {
  YAML::Emitter out;
  out.SetDoublePrecision(8);
  out << YAML::BeginMap;
  out << YAML::Key << "tokenizer" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "model_type" << YAML::Value << config.tokenizer.model_type;
  out << YAML::Key << "vocab_size" << YAML::Value << config.tokenizer.vocab_size;
  out << YAML::Key << "character_coverage" << YAML::Value << config.tokenizer.character_coverage;
  out << YAML::Key << "max_training_lines" << YAML::Value << config.tokenizer.max_training_lines;
  out << YAML::EndMap;
  out << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "tag_scheme" << YAML::Value << config.tag_scheme;
  out << YAML::Key << "max_len" << YAML::Value << config.max_len;
  out << YAML::Key << "stride" << YAML::Value << config.stride;
  out << YAML::Key << "weak_label_repair" << YAML::Value << config.weak_label_repair;
  out << YAML::Key << "split" << YAML::Value << config.split;
  out << YAML::Key << "split_fractions" << YAML::Value << YAML::Flow << YAML::BeginSeq
      << config.split_fractions.train << config.split_fractions.dev << config.split_fractions.test
      << YAML::EndSeq;
  out << YAML::Key << "seed" << YAML::Value << config.seed;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

DataConfig load_data_config(const std::filesystem::path& file,
                            const std::vector<std::string>& overrides) {
  DataConfig config;
  if (!file.empty()) apply_yaml(config, read_file(file), file.string());
  for (const std::string& assignment : overrides)
    apply_override(config, assignment);
  validate(config);
  return config;
}

}  // namespace ner
