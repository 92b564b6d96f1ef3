#include "tools/corpus/corpus_stats.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/utf8.h"
#include "datasets/text_words.h"

namespace ner {
namespace {

constexpr std::array<BoundaryVariantInfo, kBoundaryVariantCount> kVariantInfo = {{
    {"hardware_count_inside", "hardware: count inside the span"},
    {"hardware_count_outside", "hardware: count right before the span"},
    {"hardware_no_count", "hardware: no count"},
    {"country_the_inside", "country: \"the\" inside the span"},
    {"country_the_outside", "country: \"the\" right before the span"},
    {"country_no_the", "country: no \"the\""},
    {"params_unit_word_inside", "params: \"parameters\" inside the span"},
    {"model_generic_word_inside", "model: trailing \"model\"/\"LLM\" inside the span"},
    {"whitespace_at_edge", "any type: whitespace at a span edge"},
}};

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::vector<std::string_view> split_on_whitespace(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_blank(text[pos]))
      ++pos;
    const std::size_t begin = pos;
    while (pos < text.size() && !is_blank(text[pos]))
      ++pos;
    if (pos > begin) words.push_back(text.substr(begin, pos - begin));
  }
  return words;
}

// The word that ends right before `pos`, across spaces or tabs but not across
// a line break: "of 1,408 <hardware>" gives "1,408".
std::string_view word_before(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t'))
    --end;
  if (end == pos) return {};  // glued to the span: not a separate word
  std::size_t begin = end;
  while (begin > 0 && !is_blank(text[begin - 1]))
    --begin;
  return text.substr(begin, end - begin);
}

bool is_number_word(std::string_view word) {
  // Hedges such as "a single" or "several" are not counts: LABELS.md keeps
  // them outside hardware spans.
  static constexpr std::array<std::string_view, 33> kNumberWords = {
      "one",      "two",      "three",     "four",     "five",     "six",      "seven",
      "eight",    "nine",     "ten",       "eleven",   "twelve",   "thirteen", "fourteen",
      "fifteen",  "sixteen",  "seventeen", "eighteen", "nineteen", "twenty",   "thirty",
      "forty",    "fifty",    "sixty",     "seventy",  "eighty",   "ninety",   "hundred",
      "hundreds", "thousand", "thousands", "dozen",    "dozens"};
  return std::find(kNumberWords.begin(), kNumberWords.end(), word) != kNumberWords.end();
}

// "512", "1,408", "eight", "thirty-two": a count of accelerators.
bool is_count_word(std::string_view word) {
  if (word.empty()) return false;
  bool has_digit = false;
  bool only_digits = true;
  for (const char c : word) {
    if (c >= '0' && c <= '9') {
      has_digit = true;
    } else if (c != ',') {
      only_digits = false;
    }
  }
  if (only_digits) return has_digit;
  const std::string lower = to_lower_ascii(word);
  std::size_t begin = 0;
  while (begin <= lower.size()) {
    const std::size_t dash = std::min(lower.find('-', begin), lower.size());
    if (!is_number_word(std::string_view(lower).substr(begin, dash - begin))) return false;
    begin = dash + 1;
  }
  return true;
}

bool is_the(std::string_view word) {
  return word == "the" || word == "The" || word == "THE";
}

}  // namespace

BoundaryVariantInfo describe(BoundaryVariant variant) {
  return kVariantInfo[static_cast<std::size_t>(variant)];
}

std::vector<BoundaryVariant> boundary_variants_of(const Document& document, const Span& span) {
  std::vector<BoundaryVariant> variants;
  const std::string_view text = span_text(document, span);
  const std::vector<std::string_view> words = split_on_whitespace(text);
  const std::string_view before = word_before(document.text, span.begin);
  switch (span.type) {
    case EntityType::kHardware:
      if (!words.empty() && is_count_word(words.front())) {
        variants.push_back(BoundaryVariant::kHardwareCountInside);
      } else if (is_count_word(before)) {
        variants.push_back(BoundaryVariant::kHardwareCountOutside);
      } else {
        variants.push_back(BoundaryVariant::kHardwareNoCount);
      }
      break;
    case EntityType::kCountry:
      if (!words.empty() && is_the(words.front())) {
        variants.push_back(BoundaryVariant::kCountryTheInside);
      } else if (is_the(before)) {
        variants.push_back(BoundaryVariant::kCountryTheOutside);
      } else {
        variants.push_back(BoundaryVariant::kCountryNoThe);
      }
      break;
    case EntityType::kParams:
      for (const std::string_view word : words) {
        const std::string lower = to_lower_ascii(word);
        if (lower.rfind("parameter", 0) == 0 || lower == "params") {
          variants.push_back(BoundaryVariant::kParamsUnitWordInside);
          break;
        }
      }
      break;
    case EntityType::kModel:
      if (words.size() > 1) {
        const std::string last = to_lower_ascii(words.back());
        if (last == "model" || last == "models" || last == "llm" || last == "llms") {
          variants.push_back(BoundaryVariant::kModelGenericInside);
        }
      }
      break;
    case EntityType::kYear:
    case EntityType::kTraining:
      break;
  }
  if (!text.empty() && (is_blank(text.front()) || is_blank(text.back()))) {
    variants.push_back(BoundaryVariant::kWhitespaceAtEdge);
  }
  return variants;
}

void CorpusStats::add(const Document& document) {
  ++documents_;
  bytes_ += document.text.size();
  characters_ += count_code_points(document.text);
  if (document.spans.empty()) ++documents_without_entities_;
  for (const Span& span : document.spans) {
    TypeStats& stats = per_type_[index_of(span.type)];
    ++stats.mentions;
    ++stats.forms[std::string(span_text(document, span))];
    for (const BoundaryVariant variant : boundary_variants_of(document, span)) {
      ++variants_[static_cast<std::size_t>(variant)];
    }
  }
}

std::size_t CorpusStats::total_mentions() const {
  std::size_t total = 0;
  for (const TypeStats& stats : per_type_)
    total += stats.mentions;
  return total;
}

std::vector<std::pair<std::string, std::size_t>> CorpusStats::top_forms(EntityType type,
                                                                        std::size_t limit) const {
  const auto& forms = per_type_[index_of(type)].forms;
  std::vector<std::pair<std::string, std::size_t>> ranked(forms.begin(), forms.end());
  const auto more_common = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  const std::size_t kept = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept),
                    ranked.end(), more_common);
  ranked.resize(kept);
  return ranked;
}

nlohmann::json stats_to_json(const CorpusStats& stats, std::size_t top_n) {
  nlohmann::json types = nlohmann::json::object();
  for (const EntityType type : kEntityTypes) {
    nlohmann::json top = nlohmann::json::array();
    for (const auto& [form, count] : stats.top_forms(type, top_n)) {
      top.push_back({{"form", form}, {"count", count}});
    }
    types[std::string(tag_name(type))] = {{"mentions", stats.type(type).mentions},
                                          {"distinct_forms", stats.type(type).forms.size()},
                                          {"top_forms", std::move(top)}};
  }
  nlohmann::json variants = nlohmann::json::object();
  for (std::size_t i = 0; i < kBoundaryVariantCount; ++i) {
    const auto variant = static_cast<BoundaryVariant>(i);
    variants[std::string(describe(variant).key)] = stats.variant_count(variant);
  }
  return {{"documents", stats.documents()},
          {"documents_without_entities", stats.documents_without_entities()},
          {"characters", stats.characters()},
          {"bytes", stats.bytes()},
          {"entities", stats.total_mentions()},
          {"types", std::move(types)},
          {"boundary_variants", std::move(variants)}};
}

std::string stats_to_table(const CorpusStats& stats, std::size_t top_n) {
  std::string out;
  auto line = [&out](const std::string& text) {
    out += text;
    out += '\n';
  };
  line(fmt::format("{:<28}{:>12}", "documents", stats.documents()));
  line(fmt::format("{:<28}{:>12}", "  without entities", stats.documents_without_entities()));
  line(fmt::format("{:<28}{:>12}", "characters", stats.characters()));
  line(fmt::format("{:<28}{:>12}", "bytes", stats.bytes()));
  line(fmt::format("{:<28}{:>12}", "entities", stats.total_mentions()));
  line("");
  line(fmt::format("{:<12}{:>10}{:>10}{:>12}", "type", "mentions", "distinct", "per doc"));
  line(std::string(44, '-'));
  for (const EntityType type : kEntityTypes) {
    const TypeStats& per_type = stats.type(type);
    const double per_doc = stats.documents() == 0 ? 0.0
                                                  : static_cast<double>(per_type.mentions) /
                                                        static_cast<double>(stats.documents());
    line(fmt::format("{:<12}{:>10}{:>10}{:>12.2f}", tag_name(type), per_type.mentions,
                     per_type.forms.size(), per_doc));
  }
  if (top_n > 0) {
    line("");
    line(fmt::format("Most common forms (top {})", top_n));
    for (const EntityType type : kEntityTypes) {
      line(fmt::format("  {}", tag_name(type)));
      const auto top = stats.top_forms(type, top_n);
      if (top.empty()) line("    (none)");
      for (const auto& [form, count] : top)
        line(fmt::format("    {:>8}  {}", count, escape_line_breaks(form)));
    }
  }
  line("");
  line("Boundary variants (spans)");
  for (std::size_t i = 0; i < kBoundaryVariantCount; ++i) {
    const auto variant = static_cast<BoundaryVariant>(i);
    line(fmt::format("  {:<52}{:>8}", describe(variant).description, stats.variant_count(variant)));
  }
  return out;
}

}  // namespace ner
