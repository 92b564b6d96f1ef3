// The prepared dataset as one HDF5 file: tokenizer model, label list, config and
// per split the documents (text, entities) and windows of piece ids and labels.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "datasets/splits.h"
#include "datasets/tagged_text.h"

namespace ner {

inline constexpr const char* kDatasetFormatName = "ner-ml-facts-dataset";
// 2: documents' plain text and entities, strings as HDF5 strings, the
// vocabulary size as an attribute. 3: the corpora the documents come from,
// and which pieces' labels are unknown. Older files still read (format 1
// without documents, so they serve statistics but not scoring; formats 1 and
// 2 as one corpus with every label known).
inline constexpr int kDatasetFormatVersion = 3;

// One corpus of a dataset: split on its own, drawn from in training by weight.
struct DatasetCorpus {
  std::string name;
  float weight = 1.0f;
  bool has_gold = false;  // its dev and test splits are scored on a gold twin
};

// One split. Windows are stored back to back: window w holds the pieces
// [window_offsets[w], window_offsets[w + 1]) of every per-piece array.
// Document d's entities are [span_offsets[d], span_offsets[d + 1]) of the
// span arrays, byte offsets into document_texts[d], sorted.
struct DatasetSplit {
  std::string label_source;  // "gold" or "weak": what this split's labels come from
  std::vector<std::string> document_names;
  std::vector<std::int32_t> document_corpus;  // index into DatasetFile::corpora
  std::vector<std::string> document_texts;    // empty in files of format 1
  std::vector<std::int64_t> span_offsets{0};
  std::vector<std::int64_t> span_begin;
  std::vector<std::int64_t> span_end;
  std::vector<std::int8_t> span_type;  // index into kEntityTypes
  std::vector<std::int32_t> piece_ids;
  std::vector<std::int8_t> labels;    // O where the label is unknown
  std::vector<std::uint8_t> unknown;  // 1: the piece's label is unknown (neither O nor an entity)
  std::vector<std::int64_t> piece_begin;  // byte offsets into the document's plain text
  std::vector<std::int64_t> piece_content_begin;
  std::vector<std::int64_t> piece_end;
  std::vector<std::int64_t> window_offsets{0};   // windows + 1 entries
  std::vector<std::int32_t> window_document;     // index into document_names
  std::vector<std::int64_t> window_first_piece;  // the window's first piece within its document

  std::size_t window_count() const { return window_document.size(); }
  // Whether the documents' texts and entities are stored (format 2 on).
  bool has_documents() const { return document_texts.size() == document_names.size(); }
  // Appends a document's text and entities (the name goes in separately).
  void add_document(const Document& document);
  // Document d's entities, with code-point offsets.
  std::vector<Span> document_spans(std::size_t d) const;
};

struct DatasetFile {
  int format_version = kDatasetFormatVersion;  // as read; files are written in the current one
  std::string config_yaml;                     // the resolved configuration used to prepare it
  std::string tokenizer_model;                 // serialized SentencePiece model
  int vocab_size = 0;                          // the tokenizer's pieces
  std::string tag_scheme;                      // "bio" or "bilou"
  std::vector<std::string> label_names;
  std::string report_json;  // counts from preparation (misaligned boundaries, repairs, ...)
  std::vector<DatasetCorpus> corpora;
  std::array<DatasetSplit, 3> splits;  // indexed by Split

  DatasetSplit& split(Split s) { return splits[static_cast<std::size_t>(s)]; }
  const DatasetSplit& split(Split s) const { return splits[static_cast<std::size_t>(s)]; }
};

// Writes atomically (temporary file, then rename); arrays are chunked and
// deflate-compressed. Throws ner::Error naming the file on failure, and when
// a split's arrays are inconsistent.
void write_dataset_file(const std::filesystem::path& path, const DatasetFile& dataset);

// Reads and checks a dataset file: format name, version ("this build reads
// version <= N"), every array present and consistent. Throws ner::Error
// naming the file and the problem.
DatasetFile read_dataset_file(const std::filesystem::path& path);

}  // namespace ner
