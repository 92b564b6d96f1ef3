// The prepared dataset as one HDF5 file: tokenizer model, label list, config and
// per split the windows of piece ids, labels and byte offsets. Versioned.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "datasets/splits.h"

namespace ner {

inline constexpr const char* kDatasetFormatName = "ner-ml-facts-dataset";
inline constexpr int kDatasetFormatVersion = 1;

// One split. Windows are stored back to back: window w holds the pieces
// [window_offsets[w], window_offsets[w + 1]) of every per-piece array.
struct DatasetSplit {
  std::string label_source;  // "gold" or "weak": what this split's labels come from
  std::vector<std::string> document_names;
  std::vector<std::int32_t> piece_ids;
  std::vector<std::int8_t> labels;
  std::vector<std::int64_t> piece_begin;  // byte offsets into the document's plain text
  std::vector<std::int64_t> piece_content_begin;
  std::vector<std::int64_t> piece_end;
  std::vector<std::int64_t> window_offsets{0};   // windows + 1 entries
  std::vector<std::int32_t> window_document;     // index into document_names
  std::vector<std::int64_t> window_first_piece;  // the window's first piece within its document

  std::size_t window_count() const { return window_document.size(); }
};

struct DatasetFile {
  int format_version = kDatasetFormatVersion;
  std::string config_yaml;      // the resolved configuration used to prepare it
  std::string tokenizer_model;  // serialized SentencePiece model
  std::string tag_scheme;       // "bio" or "bilou"
  std::vector<std::string> label_names;
  std::string report_json;  // counts from preparation (misaligned boundaries, repairs, ...)
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
