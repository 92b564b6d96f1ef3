#include "datasets/weak_labels.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"
#include "datasets/text_words.h"

namespace ner {

std::size_t propagate_document_labels(Document& document) {
  // Surface form -> its type, or nullopt once seen with two types.
  std::map<std::string, std::optional<EntityType>, std::less<>> forms;
  for (const Span& span : document.spans) {
    const std::string form(span_text(document, span));
    const auto [it, inserted] = forms.emplace(form, span.type);
    if (!inserted && it->second != span.type) it->second.reset();
  }
  const std::string_view text = document.text;
  std::vector<bool> taken(text.size(), false);
  for (const Span& span : document.spans)
    std::fill(taken.begin() + span.begin, taken.begin() + span.end, true);

  std::vector<Span> added;
  for (const auto& [form, type] : forms) {
    if (!type || form.size() < 2) continue;
    for (std::size_t pos = text.find(form); pos != std::string_view::npos;
         pos = text.find(form, pos + 1)) {
      const std::size_t end = pos + form.size();
      if (pos > 0 && is_word_character(text[pos - 1]) && is_word_character(text[pos])) continue;
      if (end < text.size() && is_word_character(text[end]) && is_word_character(text[end - 1]))
        continue;
      if (std::any_of(taken.begin() + pos, taken.begin() + end, [](bool t) { return t; })) continue;
      std::fill(taken.begin() + pos, taken.begin() + end, true);
      added.push_back(Span{*type, pos, end, 0, 0});
    }
  }
  if (added.empty()) return 0;
  document.spans.insert(document.spans.end(), added.begin(), added.end());
  std::sort(document.spans.begin(), document.spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  assign_code_point_offsets(document.text, document.spans);
  return added.size();
}

}  // namespace ner
