// Model names listed nowhere: gold model mentions whose name is in no
// knowledge table and no training corpus, and how many of them a tagger finds.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "datasets/tagged_text.h"

namespace ner {

// Names compared the way writers vary them: ASCII letters lowercased, and
// spaces, hyphens and underscores dropped ("Llama 2" is "llama-2" is "LLaMA2").
std::string name_key(std::string_view name);

// Model names someone already listed.
class NameList {
 public:
  void add(std::string_view name);
  bool contains(std::string_view name) const;
  std::size_t size() const { return keys_.size(); }

 private:
  std::unordered_set<std::string> keys_;
};

// "FILE:COLUMN" (the last ':' splits them): the column's names, '|'-separated
// lists split. Throws ner::Error naming the file, or the text when malformed.
void add_table_column(NameList& names, const std::string& file_and_column);
// The model names a tagged corpus tags. Throws ner::Error naming a bad file.
void add_corpus_models(NameList& names, const std::filesystem::path& corpus);
// The builtin model table (datasets/knowledge/models.tsv).
void add_builtin_models(NameList& names);

// Gold model mentions listed nowhere, and which of them predictions find
// (same span, same type).
struct UnlistedModels {
  std::size_t mentions = 0;
  std::size_t found = 0;
  std::map<std::string, std::size_t> missed_names;  // name -> mentions missed
  std::map<std::string, std::size_t> found_names;   // name -> mentions found

  void add(const Document& gold, const std::vector<Span>& predicted, const NameList& listed);
  double recall() const { return mentions == 0 ? 0.0 : static_cast<double>(found) / mentions; }
  // {"mentions", "names", "found", "recall", "found_names", "missed_names"}
  nlohmann::json to_json() const;
};

}  // namespace ner
