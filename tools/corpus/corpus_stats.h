// Statistics of a tagged corpus: sizes, entities and surface forms per type, and
// the boundary variants of weak labels. Behind `ner-corpus stats`.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "datasets/entity_type.h"
#include "datasets/tagged_text.h"

namespace ner {

// Ways the same kind of mention is tagged with different boundaries across
// documents (LABELS.md, "Weak labels"). Each is counted per span.
enum class BoundaryVariant : unsigned char {
  kHardwareCountInside,   // <hardware>512 NVIDIA A100 GPUs</hardware>
  kHardwareCountOutside,  // 1,408 <hardware>NVIDIA A100 GPUs</hardware>
  kHardwareNoCount,       // <hardware>next-generation H100 GPUs</hardware>
  kCountryTheInside,      // <country>the United States</country>
  kCountryTheOutside,     // the <country>United States</country>
  kCountryNoThe,          // <country>China</country>
  kParamsUnitWordInside,  // <params>7B parameters</params>
  kModelGenericInside,    // <model>Foo LLM</model>, <model>Foo model</model>
  kWhitespaceAtEdge,      // <model> GPT-3</model>, any type
};
inline constexpr std::size_t kBoundaryVariantCount = 9;

struct BoundaryVariantInfo {
  std::string_view key;          // stable name for JSON
  std::string_view description;  // for the table
};
BoundaryVariantInfo describe(BoundaryVariant variant);

// The variants a span shows, given the document it sits in.
std::vector<BoundaryVariant> boundary_variants_of(const Document& document, const Span& span);

struct TypeStats {
  std::size_t mentions = 0;
  std::map<std::string, std::size_t> forms;  // surface form -> count
};

class CorpusStats {
 public:
  void add(const Document& document);

  std::size_t documents() const { return documents_; }
  std::size_t bytes() const { return bytes_; }
  std::size_t characters() const { return characters_; }
  std::size_t documents_without_entities() const { return documents_without_entities_; }
  std::size_t total_mentions() const;
  const TypeStats& type(EntityType type) const { return per_type_[index_of(type)]; }
  std::size_t variant_count(BoundaryVariant variant) const {
    return variants_[static_cast<std::size_t>(variant)];
  }

  // The `limit` most common forms of a type, most common first, ties by form.
  std::vector<std::pair<std::string, std::size_t>> top_forms(EntityType type,
                                                             std::size_t limit) const;

 private:
  std::size_t documents_ = 0;
  std::size_t bytes_ = 0;
  std::size_t characters_ = 0;
  std::size_t documents_without_entities_ = 0;
  std::array<TypeStats, kEntityTypeCount> per_type_{};
  std::array<std::size_t, kBoundaryVariantCount> variants_{};
};

nlohmann::json stats_to_json(const CorpusStats& stats, std::size_t top_n);
std::string stats_to_table(const CorpusStats& stats, std::size_t top_n);

}  // namespace ner
