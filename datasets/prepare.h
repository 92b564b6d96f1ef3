// `ner-train prepare`: a tagged corpus (and its gold twin) -> tokenizer, piece
// labels, splits and windows -> one HDF5 dataset file.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "datasets/corpus.h"
#include "datasets/data_config.h"

namespace ner {

// One corpus of a mixture: split on its own, drawn from in training by weight.
struct PrepareCorpus {
  std::string name;            // names its documents in the dataset: NAME/relative/path.txt
  std::filesystem::path data;  // the (weakly) tagged corpus
  std::filesystem::path gold;  // its gold twin: same paths and plain text; optional
  double weight = 1.0;         // its share of the training windows drawn, relative to the others
  // A teacher's predictions for its documents (ner-tag -f jsonl); optional.
  // Weakly labelled text that the unknown rules mark and the teacher leaves
  // outside its entities trains as O (confident O, see drop_teacher_outside).
  std::filesystem::path teacher;
};

// "NAME=PATH[,weight=W][,gold=DIR][,teacher=PRED]" as the command line writes a corpus.
// Throws ner::Error naming what is wrong.
PrepareCorpus parse_prepare_corpus(const std::string& text);

struct PrepareOptions {
  // One corpus: `data` (and `gold`), named "corpus". Several: `corpora`.
  std::filesystem::path data;
  std::filesystem::path gold;
  std::vector<PrepareCorpus> corpora;
  std::filesystem::path out;              // the dataset file to write
  std::filesystem::path tokenizer_model;  // reuse this SentencePiece model instead of training one
  DataConfig config;
  OnError on_error = OnError::kFail;
  std::function<void(const std::string&)> log;  // progress lines; may be empty
  std::function<void(const SkippedDocument&)> on_skip;
};

struct PrepareReport {
  std::array<std::size_t, 3> documents{};
  std::array<std::size_t, 3> windows{};
  std::array<std::size_t, 3> pieces{};
  std::array<std::size_t, 3> spans{};
  std::array<std::size_t, 3> unknown_pieces{};  // pieces in windows
  std::array<std::size_t, 6> unknown_ranges{};  // per UnknownRule, after confident O
  std::size_t teacher_outside_ranges = 0;       // unknown ranges a teacher made O
  std::size_t teacher_documents = 0;            // weakly labelled documents a teacher tagged
  std::array<std::string, 3> label_source;
  std::string split_method;  // "hash" or "folders" ("folders+hash" when corpora differ)
  nlohmann::json corpora = nlohmann::json::array();  // per corpus: name, weight, documents
  std::size_t boundaries = 0;
  std::size_t misaligned_boundaries = 0;
  std::size_t unrepresentable_spans = 0;
  std::size_t repaired_spans = 0;
  std::size_t skipped_documents = 0;
  bool tokenizer_trained = false;
  int vocab_size = 0;
  std::size_t corpus_bytes = 0;

  nlohmann::json to_json() const;
};

PrepareReport prepare_dataset(const PrepareOptions& options);

}  // namespace ner
