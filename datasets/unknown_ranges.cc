#include "datasets/unknown_ranges.h"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include "datasets/builtin_knowledge.h"
#include "datasets/text_words.h"

namespace ner {
namespace {

bool has_letter(std::string_view word) {
  return std::any_of(word.begin(), word.end(), is_ascii_letter);
}

bool is_name_like(std::string_view word) {
  if (!has_letter(word) || word.size() < 2) return false;
  if (word.find("://") != std::string_view::npos || word.find('@') != std::string_view::npos)
    return false;
  const bool digit = std::any_of(word.begin(), word.end(), is_ascii_digit);
  const bool inner_capital = std::any_of(word.begin() + 1, word.end(), is_ascii_upper);
  return digit || inner_capital;
}

// Where the first letter run of a form ends: "NeuraScale" of "NeuraScale-9".
std::string_view letter_stem(std::string_view form) {
  std::size_t end = 0;
  while (end < form.size() && is_ascii_letter(form[end]))
    ++end;
  return form.substr(0, end);
}

bool overlaps_any(const std::vector<Span>& spans, std::size_t begin, std::size_t end) {
  const auto after = std::lower_bound(spans.begin(), spans.end(), end,
                                      [](const Span& s, std::size_t at) { return s.begin < at; });
  return std::any_of(spans.begin(), after, [&](const Span& s) { return s.end > begin; });
}

bool is_whole_word_at(std::string_view text, std::size_t begin, std::size_t end) {
  return (begin == 0 || !is_word_character(text[begin - 1])) &&
         (end == text.size() || !is_word_character(text[end]));
}

}  // namespace

std::string_view unknown_rule_name(UnknownRule rule) {
  switch (rule) {
    case UnknownRule::kTaggedForm:
      return "tagged-form";
    case UnknownRule::kNameLike:
      return "name-like";
    case UnknownRule::kScaledNumber:
      return "scaled-number";
    case UnknownRule::kDuration:
      return "duration";
    case UnknownRule::kYear:
      return "year";
    case UnknownRule::kCountry:
      return "country";
  }
  return "?";
}

UnknownRanges find_unknown_ranges(const Document& document, const UnknownRules& rules) {
  const std::string_view text = document.text;
  std::map<std::string, bool, std::less<>> tagged_forms;  // form -> is a model name
  for (const Span& span : document.spans)
    tagged_forms[std::string(span_text(document, span))] |= span.type == EntityType::kModel;
  std::vector<std::string_view> model_stems;
  for (const auto& [form, is_model] : tagged_forms) {
    if (is_model && letter_stem(form).size() >= 3) model_stems.push_back(letter_stem(form));
  }

  // Candidates, then the first rule to claim each byte wins.
  std::vector<std::pair<TextRange, UnknownRule>> found;
  const auto add = [&](std::size_t begin, std::size_t end, UnknownRule rule) {
    if (!overlaps_any(document.spans, begin, end)) found.push_back({{begin, end}, rule});
  };
  const std::vector<Word> words = split_words(text);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const Word& word = words[i];
    const std::string_view form = word_text(text, word);
    if (rules.outside_forms.count(std::string(form)) != 0) continue;
    const std::string_view next =
        i + 1 < words.size() ? word_text(text, words[i + 1]) : std::string_view();
    const bool numeric = is_number(form) || is_number_word(form);
    // Stems are 3 letters or more, so a form without one never matches.
    if (tagged_forms.count(form) != 0 || is_one_of(letter_stem(form), model_stems)) {
      add(word.begin, word.end, UnknownRule::kTaggedForm);
    } else if (scaled_number_digits(form) > 0 || form.find("-token") != std::string_view::npos) {
      // LABELS.md's "not this": token counts, FLOPs and data sizes are O.
      if (!counts_no_parameters(next) && form.find("-token") == std::string_view::npos)
        add(word.begin, word.end, UnknownRule::kScaledNumber);
    } else if (numeric && is_scale_word(next)) {
      const std::string_view after =
          i + 2 < words.size() ? word_text(text, words[i + 2]) : std::string_view();
      if (!counts_no_parameters(after))
        add(word.begin, words[i + 1].end, UnknownRule::kScaledNumber);
    } else if (numeric && is_time_unit(next)) {
      // GPU-hours are compute, not a duration.
      const std::string_view before = i > 0 ? word_text(text, words[i - 1]) : std::string_view();
      if (before.find("GPU") == std::string_view::npos)
        add(word.begin, words[i + 1].end, UnknownRule::kDuration);
    } else if (is_year_between(form, 1950, 2039)) {
      // Years of licences, data cut-offs and web posts are O (LABELS.md).
      if (!dates_no_model(text, words, i)) add(word.begin, word.end, UnknownRule::kYear);
    } else if (is_name_like(form)) {
      add(word.begin, word.end, UnknownRule::kNameLike);
    }
  }
  for (const std::string& country : rules.country_names) {
    for (std::size_t at = text.find(country); at != std::string_view::npos;
         at = text.find(country, at + 1)) {
      if (is_whole_word_at(text, at, at + country.size()))
        add(at, at + country.size(), UnknownRule::kCountry);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first.begin != b.first.begin ? a.first.begin < b.first.begin
                                          : a.first.end > b.first.end;
  });
  UnknownRanges result;
  for (const auto& [range, rule] : found) {
    if (!result.ranges.empty() && range.begin < result.ranges.back().end) continue;
    result.ranges.push_back(range);
    result.rules.push_back(rule);
    ++result.per_rule[static_cast<std::size_t>(rule)];
  }
  return result;
}

UnknownRules default_unknown_rules() {
  UnknownRules rules;
  rules.country_names = builtin_knowledge_column("countries.tsv", "name");
  for (const std::string_view file : {"benchmarks.tsv", "codebases.tsv", "datasets.tsv",
                                      "techniques.tsv", "network_gear.tsv", "cpus.tsv"}) {
    for (std::string& form : builtin_knowledge_column(file, "name"))
      rules.outside_forms.insert(std::move(form));
  }
  return rules;
}

UnknownRules corpus_unknown_rules(const std::vector<const Document*>& documents) {
  UnknownRules rules = default_unknown_rules();
  for (std::string form : frequent_untagged_forms(documents, 5, 0.002))
    rules.outside_forms.insert(std::move(form));
  return rules;
}

std::unordered_set<std::string> frequent_untagged_forms(
    const std::vector<const Document*>& documents, std::size_t min_documents,
    double min_document_fraction) {
  struct Counts {
    std::size_t documents = 0;
    std::size_t occurrences = 0;
    std::size_t tagged = 0;
    std::size_t last_document = static_cast<std::size_t>(-1);
  };
  std::unordered_map<std::string, Counts> counts;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const Document& document = *documents[d];
    for (const Word& word : split_words(document.text)) {
      const std::string_view form = word_text(document.text, word);
      if (!is_name_like(form)) continue;
      Counts& c = counts[std::string(form)];
      ++c.occurrences;
      if (c.last_document != d) {
        ++c.documents;
        c.last_document = d;
      }
      if (overlaps_any(document.spans, word.begin, word.end)) ++c.tagged;
    }
  }
  const auto needed =
      std::max<double>(static_cast<double>(min_documents),
                       min_document_fraction * static_cast<double>(documents.size()));
  std::unordered_set<std::string> forms;
  for (const auto& [form, c] : counts) {
    if (static_cast<double>(c.documents) >= needed &&
        static_cast<double>(c.tagged) < 0.05 * static_cast<double>(c.occurrences))
      forms.insert(form);
  }
  return forms;
}

std::vector<std::uint8_t> unknown_piece_mask(const std::vector<TextRange>& ranges,
                                             const std::vector<Piece>& pieces) {
  std::vector<std::uint8_t> mask(pieces.size(), 0);
  std::size_t r = 0;
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    while (r < ranges.size() && ranges[r].end <= pieces[p].content_begin)
      ++r;
    if (r < ranges.size() && ranges[r].begin < pieces[p].end &&
        pieces[p].content_begin < pieces[p].end)
      mask[p] = 1;
  }
  return mask;
}

}  // namespace ner
