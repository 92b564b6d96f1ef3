#include "datasets/dataset_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <system_error>
#include <utility>

#include "datasets/error.h"
#include "datasets/hdf5_arrays.h"

namespace ner {
namespace {

using hdf5::ArrayReader;
using hdf5::write_array;
using hdf5::write_bytes;
using hdf5::write_strings;

// Every per-piece array matches the window offsets; indices are in range.
void check_split(const DatasetSplit& split, std::size_t label_count, const std::string& where) {
  const std::size_t pieces = split.piece_ids.size();
  const auto fail = [&](const std::string& what) {
    throw Error(fmt::format("{}: {}", where, what));
  };
  if (split.labels.size() != pieces || split.piece_begin.size() != pieces ||
      split.piece_content_begin.size() != pieces || split.piece_end.size() != pieces) {
    fail("per-piece arrays differ in length");
  }
  if (split.window_offsets.size() != split.window_document.size() + 1 ||
      split.window_first_piece.size() != split.window_document.size()) {
    fail("window arrays differ in length");
  }
  if (split.window_offsets.front() != 0 ||
      split.window_offsets.back() != static_cast<std::int64_t>(pieces) ||
      std::adjacent_find(split.window_offsets.begin(), split.window_offsets.end(),
                         std::greater_equal<>()) != split.window_offsets.end()) {
    fail("window offsets do not cover the pieces");
  }
  for (const std::int32_t document : split.window_document) {
    if (document < 0 || static_cast<std::size_t>(document) >= split.document_names.size()) {
      fail(
          fmt::format("window refers to document {} of {}", document, split.document_names.size()));
    }
  }
  for (const std::int8_t label : split.labels) {
    if (label < 0 || static_cast<std::size_t>(label) >= label_count)
      fail(fmt::format("label {} out of range", label));
  }
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

}  // namespace

void write_dataset_file(const std::filesystem::path& path, const DatasetFile& dataset) {
  for (const Split split : kSplits) {
    check_split(dataset.split(split), dataset.label_names.size(),
                fmt::format("{}: split {}", path.string(), split_name(split)));
  }
  hdf5::write_file_atomically(path, "dataset", [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    write_bytes(root, "format", kDatasetFormatName);
    write_array(root, "format_version", std::vector<std::int32_t>{dataset.format_version});
    write_bytes(root, "config_yaml", dataset.config_yaml);
    write_bytes(root, "tokenizer_model", dataset.tokenizer_model);
    write_bytes(root, "tag_scheme", dataset.tag_scheme);
    std::string labels;
    for (const std::string& name : dataset.label_names)
      labels += name + "\n";
    write_bytes(root, "label_names", labels);
    write_bytes(root, "report_json", dataset.report_json);
    for (const Split split : kSplits) {
      const DatasetSplit& data = dataset.split(split);
      H5::Group group = file.createGroup(std::string(split_name(split)));
      write_bytes(group, "label_source", data.label_source);
      write_strings(group, "document_names", data.document_names);
      write_array(group, "piece_ids", data.piece_ids);
      write_array(group, "labels", data.labels);
      write_array(group, "piece_begin", data.piece_begin);
      write_array(group, "piece_content_begin", data.piece_content_begin);
      write_array(group, "piece_end", data.piece_end);
      write_array(group, "window_offsets", data.window_offsets);
      write_array(group, "window_document", data.window_document);
      write_array(group, "window_first_piece", data.window_first_piece);
    }
  });
}

DatasetFile read_dataset_file(const std::filesystem::path& path) {
  DatasetFile dataset;
  hdf5::read_file(path, "dataset", [&](H5::H5File& file) {
    const ArrayReader root(path, file.openGroup("/"), "");
    if (root.bytes("format") != kDatasetFormatName) {
      root.fail(fmt::format("not a dataset file (format '{}')", root.bytes("format")));
    }
    const auto version = root.array<std::int32_t>("format_version");
    if (version.size() != 1) root.fail("malformed format_version");
    dataset.format_version = version[0];
    if (dataset.format_version > kDatasetFormatVersion || dataset.format_version < 1) {
      root.fail(fmt::format("this build reads dataset format version <= {}, the file is version {}",
                            kDatasetFormatVersion, dataset.format_version));
    }
    dataset.config_yaml = root.bytes("config_yaml");
    dataset.tokenizer_model = root.bytes("tokenizer_model");
    dataset.tag_scheme = root.bytes("tag_scheme");
    dataset.label_names = split_lines(root.bytes("label_names"));
    dataset.report_json = root.bytes("report_json");
    for (const Split split : kSplits) {
      const std::string name(split_name(split));
      if (!file.nameExists(name)) root.fail(fmt::format("missing split '{}'", name));
      const ArrayReader group(path, file.openGroup(name), name + "/");
      DatasetSplit& data = dataset.split(split);
      data.label_source = group.bytes("label_source");
      data.document_names = group.strings("document_names");
      data.piece_ids = group.array<std::int32_t>("piece_ids");
      data.labels = group.array<std::int8_t>("labels");
      data.piece_begin = group.array<std::int64_t>("piece_begin");
      data.piece_content_begin = group.array<std::int64_t>("piece_content_begin");
      data.piece_end = group.array<std::int64_t>("piece_end");
      data.window_offsets = group.array<std::int64_t>("window_offsets");
      data.window_document = group.array<std::int32_t>("window_document");
      data.window_first_piece = group.array<std::int64_t>("window_first_piece");
      if (data.window_offsets.empty()) group.fail("empty window_offsets");
      check_split(data, dataset.label_names.size(),
                  fmt::format("{}: split {}", path.string(), name));
    }
  });
  return dataset;
}

}  // namespace ner
