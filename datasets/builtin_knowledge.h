// The knowledge tables of datasets/knowledge/, compiled into the binaries: the
// synthetic corpus generator's vocabulary and the labellers' default knowledge.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "datasets/knowledge_table.h"

namespace ner {

// The text of a builtin file ("models.tsv"); throws ner::Error listing the
// available names when there is none of that name.
std::string_view builtin_knowledge_file(std::string_view file_name);

// The names of the builtin files, sorted.
std::vector<std::string> builtin_knowledge_file_names();

// A builtin file parsed as a knowledge table; its source reads
// "builtin:models.tsv", so errors point at the file to edit.
KnowledgeTable builtin_knowledge_table(std::string_view file_name);

// One column of a builtin file, in row order ("models.tsv", "name").
std::vector<std::string> builtin_knowledge_column(std::string_view file_name,
                                                  std::string_view column);

}  // namespace ner
