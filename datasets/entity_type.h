// The six entity types of LABELS.md and their tag names.
// Shared by the reader, the label scheme, metrics, the model file and the writers.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace ner {

enum class EntityType : unsigned char { kModel, kParams, kCountry, kYear, kHardware, kTraining };

inline constexpr std::size_t kEntityTypeCount = 6;

inline constexpr std::array<EntityType, kEntityTypeCount> kEntityTypes = {
    EntityType::kModel, EntityType::kParams,   EntityType::kCountry,
    EntityType::kYear,  EntityType::kHardware, EntityType::kTraining};

// The tag name as written inside angle brackets: "model", "params", ...
std::string_view tag_name(EntityType type);

// Exact (case-sensitive) lookup of a tag name.
std::optional<EntityType> entity_type_from_tag(std::string_view name);

// Case-insensitive lookup, to recognise a tag written in the wrong case.
std::optional<EntityType> entity_type_from_tag_ignoring_case(std::string_view name);

inline constexpr std::size_t index_of(EntityType type) {
  return static_cast<std::size_t>(type);
}

}  // namespace ner
