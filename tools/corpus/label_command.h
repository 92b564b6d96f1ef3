// `ner-corpus label`: raw text (files, directories, JSON Lines) in, a distant-
// labelled tagged corpus and a labelling-function report out.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "datasets/distant_labels.h"
#include "datasets/entity_type.h"

namespace ner::corpus {

// One column of a user's table: FILE:COLUMN, read as `kind`.
struct KnowledgeColumn {
  KnowledgeKind kind = KnowledgeKind::kModels;
  std::filesystem::path file;
  std::string column;
};
// Parses "FILE:COLUMN" (the last ':' separates them). Throws ner::Error.
KnowledgeColumn parse_knowledge_column(KnowledgeKind kind, const std::string& text);

struct LabelOptions {
  std::vector<std::filesystem::path> inputs;  // *.txt files, directories of them, *.jsonl files
  std::filesystem::path out;                  // the tagged corpus
  std::filesystem::path jsonl;                // optional: spans with their functions
  std::filesystem::path report;               // optional: the report as JSON
  std::filesystem::path gold;                 // optional: gold-tagged twins, by document name
  std::vector<KnowledgeColumn> knowledge;
  bool builtin_knowledge = true;
  bool force = false;             // write into a used --out, removing its old *.txt first
  std::size_t max_documents = 0;  // 0: all
  std::function<void(std::size_t done, std::size_t total)> progress;
  // Self-training: a teacher model's entities for the same documents, as
  // `ner-tag -f jsonl` writes them (a directory matched by name, or one
  // file); each type's entities scored at least its least score are added
  // where they overlap no distant label and the knowledge tables do not
  // know the text as another type or as no entity.
  std::filesystem::path teacher;
  std::array<double, kEntityTypeCount> teacher_least_score{};
};

struct LabelResult {
  std::size_t documents = 0;         // labelled and written
  std::vector<std::string> skipped;  // "name: why" of documents left out
  nlohmann::json report;             // what --report writes
  std::string table;                 // the same for people
};

LabelResult run_label(const LabelOptions& options);

}  // namespace ner::corpus
