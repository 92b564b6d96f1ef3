#include "datasets/entity_type.h"

namespace ner {
namespace {

constexpr std::array<std::string_view, kEntityTypeCount> kTagNames = {
    "model", "params", "country", "year", "hardware", "training"};

char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower_ascii(a[i]) != to_lower_ascii(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view tag_name(EntityType type) {
  return kTagNames[index_of(type)];
}

std::optional<EntityType> entity_type_from_tag(std::string_view name) {
  for (const EntityType type : kEntityTypes) {
    if (tag_name(type) == name) return type;
  }
  return std::nullopt;
}

std::optional<EntityType> entity_type_from_tag_ignoring_case(std::string_view name) {
  for (const EntityType type : kEntityTypes) {
    if (equals_ignoring_case(tag_name(type), name)) return type;
  }
  return std::nullopt;
}

}  // namespace ner
