// Text that weak labels leave untagged without vouching that it is outside
// every entity: name-like words, scaled numbers, years, durations, countries.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "datasets/tagged_text.h"
#include "datasets/tokenizer.h"

namespace ner {

// A byte range [begin, end) of a document's plain text.
struct TextRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const TextRange& other) const { return begin == other.begin && end == other.end; }
};

// The rules, in the order a range is attributed to them.
enum class UnknownRule {
  kTaggedForm,    // an untagged repeat or look-alike of a form the document tags
  kNameLike,      // letters with digits or inner capitals, acronyms: "A100", "DeepSeek", "TPU"
  kScaledNumber,  // a number with a scale word or suffix: "7B", "1.2 trillion"
  kDuration,      // a number with a time unit: "21 days", "two weeks"
  kYear,          // 1950 to 2039
  kCountry,       // a country name
};
inline constexpr std::size_t kUnknownRuleCount = 6;
std::string_view unknown_rule_name(UnknownRule rule);

struct UnknownRules {
  // Forms that are known to be no entity (benchmarks, codebases, common
  // acronyms such as "LLM"): never unknown.
  std::unordered_set<std::string> outside_forms;
  std::vector<std::string> country_names;  // "United States", "China", ...
};

// Countries from the builtin knowledge; benchmarks, codebases, datasets,
// techniques, network gear and CPUs from it as outside forms.
UnknownRules default_unknown_rules();

// The rules for a weakly labelled corpus, as prepare and ner-corpus label
// apply them: the default ones, with the corpus's frequent untagged forms
// (in 5 documents and 0.2% of them at least) as outside forms too.
UnknownRules corpus_unknown_rules(const std::vector<const Document*>& documents);

struct UnknownRanges {
  std::vector<TextRange> ranges;   // sorted, disjoint, never overlapping a span
  std::vector<UnknownRule> rules;  // the rule of each range
  std::array<std::size_t, kUnknownRuleCount> per_rule{};
};

// The ranges of `document` (its spans taken as known) that the rules mark.
UnknownRanges find_unknown_ranges(const Document& document, const UnknownRules& rules);

// Name-like forms that occur in at least `min_documents` documents and at
// least `min_document_fraction` of them, and that are tagged in under 5% of
// their occurrences: ordinary vocabulary of the corpus ("LLM", "GPU", "NLP"),
// to add to UnknownRules::outside_forms.
std::unordered_set<std::string> frequent_untagged_forms(
    const std::vector<const Document*>& documents, std::size_t min_documents,
    double min_document_fraction);

// 1 per piece whose content overlaps a range (ranges and pieces sorted).
std::vector<std::uint8_t> unknown_piece_mask(const std::vector<TextRange>& ranges,
                                             const std::vector<Piece>& pieces);

}  // namespace ner
