// Untagged text tokenized for pretraining: windows of piece ids, which pieces
// start a word, the tokenizer, and where the text came from, in one HDF5 file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ner {

inline constexpr const char* kPretrainingCorpusFormatName = "ner-ml-facts-pretraining-corpus";
inline constexpr int kPretrainingCorpusFormatVersion = 1;

struct PretrainingCorpus {
  std::string tokenizer_model;  // serialized SentencePiece model
  int vocab_size = 0;
  // Per vocabulary id: 1 when the piece starts a word, for whole-word
  // masking: SentencePiece's "▁" prefix (a space before it), or ASCII
  // whitespace other than the space (a byte piece such as <0x0A>, or a piece
  // beginning with it): SentencePiece marks only spaces with "▁", so the
  // first piece of a word after a newline has none.
  std::vector<std::uint8_t> starts_word;
  // Windows of at most max_len pieces each, documents never mixed in one.
  std::int64_t max_len = 0;
  std::vector<std::int32_t> piece_ids;
  std::vector<std::int64_t> window_offsets{0};  // windows + 1 entries
  // What was read: each input path with its document count, and totals.
  std::vector<std::string> sources;
  std::vector<std::int64_t> source_documents;
  std::int64_t documents = 0;
  std::int64_t text_bytes = 0;

  std::size_t window_count() const { return window_offsets.size() - 1; }
  std::int64_t piece_count() const { return static_cast<std::int64_t>(piece_ids.size()); }
};

// Writes atomically; throws ner::Error naming the file.
void write_pretraining_corpus(const std::filesystem::path& path, const PretrainingCorpus& corpus);
// Throws ner::Error naming the file when it is missing, not such a file, of a
// newer format version, or inconsistent (offsets, ids outside the vocabulary).
PretrainingCorpus read_pretraining_corpus(const std::filesystem::path& path);

}  // namespace ner
