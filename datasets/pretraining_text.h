// `ner-train prepare-text`: untagged text (*.txt folders and files, JSON Lines)
// -> a SentencePiece tokenizer (trained or reused) -> a pretraining corpus.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/corpus.h"
#include "datasets/data_config.h"
#include "datasets/pretraining_corpus.h"

namespace ner {

struct PretrainingTextOptions {
  // Each a folder (every *.txt under it, one document each, in corpus
  // order), a *.jsonl file (one {"id": ..., "text": ...} document a line) or
  // any other file (one document).
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path tokenizer_model;  // reuse this SentencePiece model instead of training one
  DataConfig config;                      // tokenizer.*, max_len, seed (of the training sample)
  std::size_t max_documents = 0;          // stop after this many documents; 0: all
  OnError on_error = OnError::kFail;
  std::function<void(const std::string&)> log;  // progress lines; may be empty
  std::function<void(const SkippedDocument&)> on_skip;
};

struct PretrainingTextReport {
  std::size_t skipped_documents = 0;  // malformed lines, unreadable or non-UTF-8 files (kSkip)
  std::size_t empty_documents = 0;    // nothing but whitespace: left out
  bool tokenizer_trained = false;
  std::size_t training_lines = 0;  // the sample the tokenizer was trained on
  double tokenize_seconds = 0.0;   // the pass that reads and tokenizes every document
};

// Reads the inputs one document at a time (never all of them at once): a
// first pass samples the tokenizer's training lines unless one is given, a
// second tokenizes every document. Each document is cut into the fewest
// windows of at most max_len pieces, of equal length give or take one, so no
// window is a short leftover and no piece is dropped. Throws ner::Error
// naming file:line for a malformed input under kFail, and when no document
// has any text.
PretrainingCorpus build_pretraining_corpus(const PretrainingTextOptions& options,
                                           PretrainingTextReport& report);

// Whether a piece (its text in the vocabulary) starts a word: the
// PretrainingCorpus::starts_word rule.
bool piece_starts_word(std::string_view piece);

// Cuts `pieces` pieces into the fewest runs of at most `max_len`, their
// lengths differing by at most one; returns the run lengths in order.
std::vector<std::size_t> balanced_window_lengths(std::size_t pieces, std::size_t max_len);

}  // namespace ner
