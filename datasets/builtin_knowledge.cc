#include "datasets/builtin_knowledge.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <utility>

#include "base/error.h"

namespace ner {
namespace embedded_knowledge {

// Defined in the source datasets/embed_knowledge.cmake writes at build time:
// (file name, content) for every file of datasets/knowledge/, sorted by name.
std::vector<std::pair<std::string_view, std::string_view>> files();

}  // namespace embedded_knowledge

namespace {

const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files() {
  static const std::vector<std::pair<std::string_view, std::string_view>> files =
      embedded_knowledge::files();
  return files;
}

}  // namespace

std::string_view builtin_knowledge_file(std::string_view file_name) {
  for (const auto& [name, content] : embedded_files()) {
    if (name == file_name) return content;
  }
  throw Error(fmt::format("no builtin knowledge file '{}'; the builtin files are: {}", file_name,
                          fmt::join(builtin_knowledge_file_names(), ", ")));
}

std::vector<std::string> builtin_knowledge_file_names() {
  std::vector<std::string> names;
  for (const auto& file : embedded_files())
    names.emplace_back(file.first);
  std::sort(names.begin(), names.end());
  return names;
}

KnowledgeTable builtin_knowledge_table(std::string_view file_name) {
  return parse_knowledge_table(builtin_knowledge_file(file_name),
                               fmt::format("builtin:{}", file_name),
                               knowledge_table_delimiter(std::string(file_name)));
}

std::vector<std::string> builtin_knowledge_column(std::string_view file_name,
                                                  std::string_view column) {
  const KnowledgeTable table = builtin_knowledge_table(file_name);
  const std::size_t index = table.column(column);
  std::vector<std::string> values;
  values.reserve(table.rows.size());
  for (const std::vector<std::string>& row : table.rows)
    values.push_back(row[index]);
  return values;
}

}  // namespace ner
