// Predicted documents in every form ner-tag (and other taggers) write them:
// inline tags, JSON Lines with code-point entities, CoNLL columns (ner-eval, self-training).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/tagged_text.h"

namespace ner {

// CoNLL columns of one document: its tokens and IOB2 tags, placed on a text
// only once the gold document it is scored against is known.
struct ConllDocument {
  struct Row {
    std::string token;
    std::string tag;
    std::size_t line = 0;  // in the file, for messages
  };
  std::string source;  // the file
  std::vector<Row> rows;
};

// One prediction: a document with its text (inline tags, JSON Lines) or
// CoNLL rows.
struct Prediction {
  std::string source;  // "file" or "file:line", for messages
  std::optional<Document> document;
  std::optional<ConllDocument> conll;
  // A JSON line's "score" of each of the document's spans; empty unless
  // every entity has one.
  std::vector<double> scores;
};

// The predictions under a path, matched to gold documents by key.
struct Predictions {
  std::map<std::string, Prediction> by_key;
  // Documents with no name of their own (a CoNLL file of several documents,
  // as ner-tag writes to standard output), matched in the gold's order.
  std::vector<Prediction> in_order;
};

// A document's name without its .txt, .jsonl or .conll extension: gold
// "sub/a.txt" meets its prediction "sub/a.conll", or a JSON line whose
// "document" is "sub/a.txt".
std::string document_key(std::string_view name);

// Reads `path`: a directory of *.txt (inline tags), *.jsonl and *.conll
// files, or one such file. A JSON line is {"document" (or "id"), "text",
// "entities": [{"start", "end", "label"}, ...]} with code-point offsets.
// Throws ner::Error naming file:line for anything malformed.
Predictions read_predictions(const std::filesystem::path& path);

// The document `conll` tags in `text`: tokens are found in order, skipping
// whitespace only; B- starts an entity, I- continues one of its type (and
// starts one after anything else, as conlleval reads it). Throws ner::Error
// naming the file and line of a token that is not next in the text.
Document place_conll(const ConllDocument& conll, const std::string& text);

}  // namespace ner
