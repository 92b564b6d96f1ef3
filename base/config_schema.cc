#include "base/config_schema.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "base/error.h"
#include "base/file_io.h"

namespace ner {
namespace {

SourceLocation mark_location(const YAML::Mark& mark, std::string_view source) {
  if (mark.line < 0) return SourceLocation{std::string(source), 0, 0};
  return SourceLocation{std::string(source), static_cast<std::size_t>(mark.line) + 1,
                        static_cast<std::size_t>(mark.column) + 1};
}

template <typename T>
std::string_view kind_name() {
  if constexpr (std::is_same_v<T, bool>) return "a boolean";
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  if constexpr (std::is_same_v<T, std::vector<double>>) return "a list of numbers";
  if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) return "a whole number, 0 or more";
  if constexpr (std::is_integral_v<T>) return "a whole number";
  return "a number";
}

// yaml-cpp keeps the last of two equal keys without a word; a key given
// twice is almost always an edit that did not take, so it is refused.
void refuse_duplicate_keys(const YAML::Node& mapping, std::string_view prefix,
                           std::string_view source) {
  std::map<std::string, YAML::Mark> seen;
  for (const auto& entry : mapping) {
    const std::string key = entry.first.as<std::string>();
    const auto [first, inserted] = seen.emplace(key, entry.first.Mark());
    if (inserted) continue;
    throw Error(fmt::format("'{}{}' is given twice (first at line {}); keep one", prefix, key,
                            first->second.line + 1),
                yaml_location(entry.first, source));
  }
}

}  // namespace

SourceLocation yaml_location(const YAML::Node& node, std::string_view source) {
  return mark_location(node.Mark(), source);
}

void ConfigSources::record(const std::string& field, SourceLocation where) {
  where_[field] = std::move(where);
}

Error ConfigSources::error(const std::string& field, const std::string& message) const {
  if (const auto found = where_.find(field); found != where_.end())
    return Error(message, found->second);
  return Error("config: " + message);
}

void ConfigSources::require(bool ok, const std::string& field, const std::string& message) const {
  if (!ok) throw error(field, message);
}

template <typename T>
ConfigField config_field(std::string section, std::string key, T& member) {
  const std::string full = section + "." + key;
  ConfigField field;
  field.section = std::move(section);
  field.key = std::move(key);
  field.read = [&member, full](const YAML::Node& value, std::string_view source) {
    try {
      member = value.as<T>();
    } catch (const YAML::Exception&) {
      throw Error(fmt::format("'{}' must be {}, not '{}'", full, kind_name<T>(), YAML::Dump(value)),
                  yaml_location(value, source));
    }
  };
  field.write = [&member, key = field.key](YAML::Emitter& out) {
    out << YAML::Key << key << YAML::Value;
    if constexpr (std::is_same_v<T, std::vector<double>>) {
      out << YAML::Flow << member;
    } else {
      out << member;
    }
  };
  return field;
}

template ConfigField config_field<bool>(std::string, std::string, bool&);
template ConfigField config_field<int>(std::string, std::string, int&);
template ConfigField config_field<std::size_t>(std::string, std::string, std::size_t&);
template ConfigField config_field<double>(std::string, std::string, double&);
template ConfigField config_field<std::string>(std::string, std::string, std::string&);
template ConfigField config_field<std::vector<double>>(std::string, std::string,
                                                       std::vector<double>&);

ConfigField config_name_field(std::string section, std::string key,
                              std::function<void(std::string_view)> assign,
                              std::function<std::string()> name) {
  const std::string full = section + "." + key;
  ConfigField field;
  field.section = std::move(section);
  field.key = std::move(key);
  field.read = [assign = std::move(assign), full](const YAML::Node& value,
                                                  std::string_view source) {
    if (!value.IsScalar())
      throw Error(fmt::format("'{}': expected a name", full), yaml_location(value, source));
    try {
      assign(value.as<std::string>());
    } catch (const Error& error) {
      throw Error(fmt::format("'{}': {}", full, error.message()), yaml_location(value, source));
    }
  };
  field.write = [name = std::move(name), key = field.key](YAML::Emitter& out) {
    out << YAML::Key << key << YAML::Value << name();
  };
  return field;
}

ConfigSchema::ConfigSchema(std::vector<std::string> sections, std::vector<std::string> ignored)
    : sections_(std::move(sections)), ignored_(std::move(ignored)) {}

const ConfigField* ConfigSchema::find(std::string_view section, std::string_view key) const {
  for (const ConfigField& field : fields_) {
    if (field.section == section && field.key == key) return &field;
  }
  return nullptr;
}

bool ConfigSchema::is_ignored(std::string_view section) const {
  return std::find(ignored_.begin(), ignored_.end(), section) != ignored_.end();
}

bool ConfigSchema::is_known(std::string_view section) const {
  return std::find(sections_.begin(), sections_.end(), section) != sections_.end();
}

void ConfigSchema::apply_yaml(std::string_view yaml, std::string_view source_name,
                              ConfigSources* sources) const {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& error) {
    throw Error(error.msg, mark_location(error.mark, source_name));
  }
  if (root.IsNull()) return;
  if (!root.IsMap())
    throw Error("a configuration must be a mapping of sections", yaml_location(root, source_name));
  refuse_duplicate_keys(root, "", source_name);
  for (const auto& section : root) {
    const std::string name = section.first.as<std::string>();
    if (is_ignored(name)) continue;
    if (!is_known(name)) {
      throw Error(fmt::format("unknown configuration section '{}'", name),
                  yaml_location(section.first, source_name));
    }
    if (section.second.IsNull()) continue;
    if (!section.second.IsMap()) {
      throw Error(fmt::format("section '{}' must be a mapping", name),
                  yaml_location(section.second, source_name));
    }
    refuse_duplicate_keys(section.second, name + ".", source_name);
    for (const auto& entry : section.second) {
      const std::string key = entry.first.as<std::string>();
      const ConfigField* field = find(name, key);
      if (!field) {
        throw Error(fmt::format("unknown configuration key '{}.{}'", name, key),
                    yaml_location(entry.first, source_name));
      }
      field->read(entry.second, source_name);
      if (sources) sources->record(name + "." + key, yaml_location(entry.second, source_name));
    }
  }
}

void ConfigSchema::apply_override(std::string_view assignment, ConfigSources* sources) const {
  const std::size_t equals = assignment.find('=');
  const std::size_t dot = assignment.find('.');
  if (equals == std::string_view::npos || dot == std::string_view::npos || dot > equals) {
    throw Error(fmt::format("--set '{}': expected section.key=value", assignment));
  }
  const std::string section(assignment.substr(0, dot));
  const std::string key(assignment.substr(dot + 1, equals - dot - 1));
  if (is_ignored(section)) return;
  if (!is_known(section)) {
    throw Error(fmt::format("--set '{}': unknown configuration section '{}'", assignment, section));
  }
  const ConfigField* field = find(section, key);
  if (!field)
    throw Error(
        fmt::format("--set '{}': unknown configuration key '{}.{}'", assignment, section, key));
  YAML::Node value;
  try {
    value = YAML::Load(std::string(assignment.substr(equals + 1)));
  } catch (const YAML::Exception&) {
    throw Error(fmt::format("--set '{}': cannot parse the value", assignment));
  }
  field->read(value, "--set");
  if (sources) sources->record(section + "." + key, {fmt::format("--set {}", assignment), 0, 0});
}

ConfigSources ConfigSchema::apply(const std::filesystem::path& file,
                                  const std::vector<std::string>& overrides) const {
  ConfigSources sources;
  if (!file.empty()) apply_yaml(read_file(file), file.string(), &sources);
  for (const std::string& assignment : overrides)
    apply_override(assignment, &sources);
  return sources;
}

std::string ConfigSchema::to_yaml() const {
  YAML::Emitter out;
  out.SetDoublePrecision(8);
  out << YAML::BeginMap;
  for (const std::string& section : sections_) {
    out << YAML::Key << section << YAML::Value << YAML::BeginMap;
    for (const ConfigField& field : fields_) {
      if (field.section == section) field.write(out);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace ner
