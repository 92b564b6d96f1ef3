#include "datasets/unlisted_names.h"

#include <algorithm>
#include <set>

#include "datasets/builtin_knowledge.h"
#include "datasets/corpus.h"
#include "datasets/knowledge_table.h"
#include "datasets/text_words.h"

namespace ner {

std::string name_key(std::string_view name) {
  std::string key = to_lower_ascii(name);
  key.erase(std::remove_if(
                key.begin(), key.end(),
                [](char c) { return c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n'; }),
            key.end());
  return key;
}

void NameList::add(std::string_view name) {
  std::string key = name_key(name);
  if (!key.empty()) keys_.insert(std::move(key));
}

bool NameList::contains(std::string_view name) const {
  return keys_.count(name_key(name)) != 0;
}

void add_table_column(NameList& names, const std::string& file_and_column) {
  const TableColumn named = parse_table_column(file_and_column);
  const KnowledgeTable table = read_knowledge_table(named.file);
  const std::size_t column = table.column(named.column);
  for (const std::vector<std::string>& row : table.rows) {
    for (const std::string& name : split_knowledge_list(row[column]))
      names.add(name);
  }
}

void add_corpus_models(NameList& names, const std::filesystem::path& corpus) {
  for_each_document(corpus, CorpusOptions{}, [&](Document&& document) {
    for (const Span& span : document.spans) {
      if (span.type == EntityType::kModel) names.add(span_text(document, span));
    }
  });
}

void add_builtin_models(NameList& names) {
  for (const std::string& name : builtin_knowledge_column("models.tsv", "name"))
    names.add(name);
}

void UnlistedModels::add(const Document& gold, const std::vector<Span>& predicted,
                         const NameList& listed) {
  for (const Span& span : gold.spans) {
    if (span.type != EntityType::kModel) continue;
    const std::string name(span_text(gold, span));
    if (listed.contains(name)) continue;
    ++mentions;
    const bool hit = std::any_of(predicted.begin(), predicted.end(), [&](const Span& p) {
      return p.type == span.type && p.begin == span.begin && p.end == span.end;
    });
    found += hit ? 1 : 0;
    ++(hit ? found_names : missed_names)[name];
  }
}

nlohmann::json UnlistedModels::to_json() const {
  std::set<std::string> names;
  for (const auto& [name, count] : found_names)
    names.insert(name);
  for (const auto& [name, count] : missed_names)
    names.insert(name);
  return {{"mentions", mentions}, {"names", names.size()},      {"found", found},
          {"recall", recall()},   {"found_names", found_names}, {"missed_names", missed_names}};
}

}  // namespace ner
