// Typed configuration fields bound to struct members: YAML sections, --set
// overrides and the resolved YAML dump, with file:line:column errors.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace YAML {
class Node;
class Emitter;
}  // namespace YAML

namespace ner {

// Where a YAML node sits in `source` (1-based line and column; 0 if unknown).
SourceLocation yaml_location(const YAML::Node& node, std::string_view source);

// Where each field got its value: the file:line:column of its YAML value, or
// the --set that gave it. Range checks run once the whole config is read, and
// point at the value they refuse through this.
class ConfigSources {
 public:
  void record(const std::string& field, SourceLocation where);
  // ner::Error for the value of `field` ("section.key"): with its location
  // when the value was given, else as a config error of no file.
  Error error(const std::string& field, const std::string& message) const;
  // Throws error(field, message) unless `ok`.
  void require(bool ok, const std::string& field, const std::string& message) const;

 private:
  std::map<std::string, SourceLocation> where_;
};

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

// A field whose YAML value is a name: `assign` parses it (throwing ner::Error
// that lists the valid names), `name` gives the current one back.
ConfigField config_name_field(std::string section, std::string key,
                              std::function<void(std::string_view)> assign,
                              std::function<std::string()> name);

// The same for an enum member with its parse and name functions, so the
// value is checked once, where the config is read.
template <typename E>
ConfigField config_field(std::string section, std::string key, E& member,
                         E (*parse)(std::string_view), std::string_view (*name)(E)) {
  return config_name_field(
      std::move(section), std::move(key),
      [&member, parse](std::string_view text) { member = parse(text); },
      [&member, name] { return std::string(name(member)); });
}

class ConfigSchema {
 public:
  // `sections` this schema reads; `ignored` sections belong to other stages
  // and are skipped without error.
  ConfigSchema(std::vector<std::string> sections, std::vector<std::string> ignored);
  void add(ConfigField field) { fields_.push_back(std::move(field)); }

  // Applies a YAML document; unknown sections or keys, and a key given twice
  // in one mapping, are errors naming source:line:column. Records where each
  // value came from in `sources` when given.
  void apply_yaml(std::string_view yaml, std::string_view source_name,
                  ConfigSources* sources = nullptr) const;
  // Applies "section.key=value" (the value in YAML syntax).
  void apply_override(std::string_view assignment, ConfigSources* sources = nullptr) const;
  // The layering every config gets: the YAML file (if any), then each
  // override; returns where each value came from.
  ConfigSources apply(const std::filesystem::path& file,
                      const std::vector<std::string>& overrides) const;
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
