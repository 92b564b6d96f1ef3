// Distant labels for raw text: named labelling functions that tag what known
// facts (model and chip names, countries) and high-precision patterns find.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "datasets/tagged_text.h"

namespace ner {

// The labelling functions. When spans of two functions overlap, the longer
// span wins; between spans of equal length, the earlier function here.
enum class LabellingFunction {
  kChipNames,         // hardware: [count] [vendor] chip [unit], "512 NVIDIA A100 GPUs"
  kModelNames,        // model: known names and their variants, with a size suffix
  kParamsInContext,   // params: "7B parameters", "a 1.3B-parameter model", "7B, 13B and 70B models"
  kTrainingDuration,  // training: "trained for 21 days", "training took two weeks"
  kReleaseYear,       // year: "released in 2023", "April 18, 2024"
  kCountryNames,      // country: "the United States", "Beijing, China"
};
inline constexpr std::size_t kLabellingFunctionCount = 6;
std::string_view labelling_function_name(LabellingFunction function);
EntityType labelling_function_type(LabellingFunction function);

struct ChipName {
  std::string vendor;  // "NVIDIA"; may be empty
  std::string name;    // "A100"
};

// What the labeller knows. Names are matched case-sensitively as whole words.
struct DistantKnowledge {
  std::vector<std::string> model_names;
  std::vector<ChipName> chips;
  std::vector<std::string> countries;   // "United States", "China"
  std::vector<std::string> takes_the;   // countries written with "the": "United States"
  std::vector<std::string> chip_units;  // "GPUs", "chips", ...
};

// The builtin knowledge of datasets/knowledge/.
DistantKnowledge builtin_distant_knowledge();

// Adds a column of a user's table, read as model names, chip names (a
// vendor's name first is recognised), or countries (comma-separated lists;
// parenthesised parts dropped: "Korea (Republic of)" -> "Korea").
enum class KnowledgeKind { kModels, kChips, kCountries };
void add_knowledge_column(DistantKnowledge& knowledge, KnowledgeKind kind,
                          const std::vector<std::string>& values);

struct LabelledSpan {
  Span span;  // byte offsets; code-point offsets filled by resolve_labels
  LabellingFunction source = LabellingFunction::kModelNames;
};

class DistantLabeller {
 public:
  // `ordinary_words`: lowercase words common in the corpus; single-word
  // model names equal to one of them, lowercased, are not matched ("Transformer").
  DistantLabeller(const DistantKnowledge& knowledge,
                  const std::unordered_set<std::string>& ordinary_words);

  // Every function's spans, overlapping ones included, sorted by position.
  std::vector<LabelledSpan> candidates(std::string_view text) const;

  std::size_t model_name_count() const { return model_names_.size(); }

 private:
  void add_model_names(std::string_view text, std::vector<LabelledSpan>& out) const;
  void add_chips(std::string_view text, std::vector<LabelledSpan>& out) const;
  void add_countries(std::string_view text, std::vector<LabelledSpan>& out) const;

  // Names by their first two bytes, longest first.
  std::unordered_map<std::string, std::vector<std::string>> model_names_;
  std::unordered_map<std::string, std::vector<std::string>> chip_names_;
  std::unordered_set<std::string> vendors_;
  std::vector<std::string> countries_;
  std::unordered_set<std::string> takes_the_;
  std::unordered_set<std::string> chip_units_;
};

// The spans that survive the overlap rule (see LabellingFunction), sorted,
// with code-point offsets for `text`.
std::vector<LabelledSpan> resolve_labels(std::string_view text,
                                         std::vector<LabelledSpan> candidates);

// Lowercase words that occur at least `min_count` times written in lowercase
// in `texts`: the corpus's ordinary vocabulary.
std::unordered_set<std::string> ordinary_lowercase_words(const std::vector<std::string_view>& texts,
                                                         std::size_t min_count);

}  // namespace ner
