// Typed configuration fields bound to struct members: YAML sections, --set
// overrides and the resolved YAML dump, with file:line:column errors.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/error.h"

namespace YAML {
class Node;
class Emitter;
}  // namespace YAML

namespace ner {

// Where a YAML node sits in `source` (1-based line and column; 0 if unknown).
SourceLocation yaml_location(const YAML::Node& node, std::string_view source);

struct ConfigField {
  std::string section;
  std::string key;
  std::function<void(const YAML::Node& value, std::string_view source)> read;
  std::function<void(YAML::Emitter& out)> write;
};

// Builds a field for a member of type T (bool, integers, double, std::string,
// or std::vector<double>).
template <typename T>
ConfigField config_field(std::string section, std::string key, T& member);

class ConfigSchema {
 public:
  // `sections` this schema reads; `ignored` sections belong to other stages
  // and are skipped without error.
  ConfigSchema(std::vector<std::string> sections, std::vector<std::string> ignored);
  void add(ConfigField field) { fields_.push_back(std::move(field)); }

  // Applies a YAML document; unknown sections or keys are errors naming
  // source:line:column.
  void apply_yaml(std::string_view yaml, std::string_view source_name) const;
  // Applies "section.key=value" (the value in YAML syntax).
  void apply_override(std::string_view assignment) const;
  // The fields of this schema as YAML, in the order they were added.
  std::string to_yaml() const;

 private:
  const ConfigField* find(std::string_view section, std::string_view key) const;
  bool is_ignored(std::string_view section) const;
  bool is_known(std::string_view section) const;

  std::vector<std::string> sections_;
  std::vector<std::string> ignored_;
  std::vector<ConfigField> fields_;
};

}  // namespace ner
