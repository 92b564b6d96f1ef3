#include "datasets/dataset_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/error.h"
#include "base/hdf5_storage.h"
#include "base/utf8.h"

namespace ner {
namespace {

using hdf5::GroupReader;
using hdf5::write_array;
using hdf5::write_bytes;
using hdf5::write_string;
using hdf5::write_string_list;

// Offsets that cut `count` items into consecutive, possibly empty, runs.
bool covers(const std::vector<std::int64_t>& offsets, std::size_t runs, std::size_t count,
            bool allow_empty) {
  if (offsets.size() != runs + 1 || offsets.front() != 0 ||
      offsets.back() != static_cast<std::int64_t>(count))
    return false;
  return allow_empty ? std::is_sorted(offsets.begin(), offsets.end())
                     : std::adjacent_find(offsets.begin(), offsets.end(), std::greater_equal<>()) ==
                           offsets.end();
}

// The documents' entities lie inside their texts, sorted, not overlapping.
void check_documents(const DatasetSplit& split, const std::function<void(std::string)>& fail) {
  if (split.document_texts.size() != split.document_names.size())
    fail("document texts and names differ in number");
  const std::size_t spans = split.span_begin.size();
  if (split.span_end.size() != spans || split.span_type.size() != spans)
    fail("entity arrays differ in length");
  if (!covers(split.span_offsets, split.document_names.size(), spans, true))
    fail("entity offsets do not cover the entities");
  for (std::size_t d = 0; d < split.document_names.size(); ++d) {
    const std::string& text = split.document_texts[d];
    if (const auto bad = find_invalid_utf8(text))
      fail(fmt::format("the text of '{}' is not UTF-8 at byte {}", split.document_names[d], *bad));
    std::int64_t previous_end = 0;
    for (auto s = split.span_offsets[d]; s < split.span_offsets[d + 1]; ++s) {
      const auto i = static_cast<std::size_t>(s);
      if (split.span_begin[i] < previous_end || split.span_begin[i] >= split.span_end[i] ||
          split.span_end[i] > static_cast<std::int64_t>(text.size()) || split.span_type[i] < 0 ||
          static_cast<std::size_t>(split.span_type[i]) >= kEntityTypeCount) {
        fail(fmt::format("entity {} of '{}' is out of order or outside its text", s,
                         split.document_names[d]));
      }
      previous_end = split.span_end[i];
    }
  }
}

// Every per-piece array matches the window offsets; indices are in range.
void check_split(const DatasetSplit& split, std::size_t label_count, std::size_t corpus_count,
                 const std::string& where) {
  const auto fail = [&](const std::string& what) {
    throw Error(fmt::format("{}: {}", where, what));
  };
  const std::size_t pieces = split.piece_ids.size();
  if (split.labels.size() != pieces || split.unknown.size() != pieces ||
      split.piece_begin.size() != pieces || split.piece_content_begin.size() != pieces ||
      split.piece_end.size() != pieces) {
    fail("per-piece arrays differ in length");
  }
  if (split.window_first_piece.size() != split.window_document.size() ||
      !covers(split.window_offsets, split.window_document.size(), pieces, false)) {
    fail("window offsets do not cover the pieces");
  }
  for (const std::int32_t document : split.window_document) {
    if (document < 0 || static_cast<std::size_t>(document) >= split.document_names.size()) {
      fail(
          fmt::format("window refers to document {} of {}", document, split.document_names.size()));
    }
  }
  if (split.document_corpus.size() != split.document_names.size())
    fail("document corpora and names differ in number");
  for (const std::int32_t corpus : split.document_corpus) {
    if (corpus < 0 || static_cast<std::size_t>(corpus) >= corpus_count)
      fail(fmt::format("a document of corpus {} of {}", corpus, corpus_count));
  }
  for (const std::int8_t label : split.labels) {
    if (label < 0 || static_cast<std::size_t>(label) >= label_count)
      fail(fmt::format("label {} out of range", label));
  }
  if (split.document_texts.empty() && split.span_begin.empty()) return;
  check_documents(split, fail);
  // Scoring reads the texts at these offsets.
  for (std::size_t w = 0; w < split.window_count(); ++w) {
    const auto size = static_cast<std::int64_t>(
        split.document_texts[static_cast<std::size_t>(split.window_document[w])].size());
    if (split.window_first_piece[w] < 0)
      fail(fmt::format("window {} starts before its document", w));
    for (auto i = split.window_offsets[w]; i < split.window_offsets[w + 1]; ++i) {
      const auto p = static_cast<std::size_t>(i);
      if (split.piece_begin[p] < 0 || split.piece_begin[p] > split.piece_content_begin[p] ||
          split.piece_content_begin[p] > split.piece_end[p] || split.piece_end[p] > size)
        fail(fmt::format("piece {} of window {} lies outside its document's text", i, w));
    }
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

// More pieces than any tokenizer we train; beyond it a size is damage.
constexpr std::int64_t kMaxVocabSize = 1 << 24;

// Format 1 kept the vocabulary size only in the preparation report.
int vocab_size_of_format_1(const GroupReader& root, const std::string& report_json) {
  try {
    const auto report = nlohmann::json::parse(report_json);
    if (report.contains("vocab_size")) return report.at("vocab_size").get<int>();
  } catch (const nlohmann::json::exception& error) {
    root.fail(fmt::format("the preparation report is not valid JSON: {}", error.what()));
  }
  root.fail("the dataset does not record its vocabulary size");
}

}  // namespace

void DatasetSplit::add_document(const Document& document) {
  document_texts.push_back(document.text);
  for (const Span& span : document.spans) {
    span_begin.push_back(static_cast<std::int64_t>(span.begin));
    span_end.push_back(static_cast<std::int64_t>(span.end));
    span_type.push_back(static_cast<std::int8_t>(index_of(span.type)));
  }
  span_offsets.push_back(static_cast<std::int64_t>(span_begin.size()));
}

std::vector<Span> DatasetSplit::document_spans(std::size_t d) const {
  std::vector<Span> spans;
  for (auto s = span_offsets.at(d); s < span_offsets.at(d + 1); ++s) {
    const auto i = static_cast<std::size_t>(s);
    Span span;
    span.type = kEntityTypes[static_cast<std::size_t>(span_type[i])];
    span.begin = static_cast<std::size_t>(span_begin[i]);
    span.end = static_cast<std::size_t>(span_end[i]);
    spans.push_back(span);
  }
  assign_code_point_offsets(document_texts.at(d), spans);
  return spans;
}

void write_dataset_file(const std::filesystem::path& path, const DatasetFile& dataset) {
  for (const Split split : kSplits) {
    check_split(dataset.split(split), dataset.label_names.size(), dataset.corpora.size(),
                fmt::format("{}: split {}", path.string(), split_name(split)));
  }
  hdf5::write_file_atomically(path, "dataset", [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    hdf5::write_format_mark(root, {kDatasetFormatName, kDatasetFormatVersion});
    hdf5::write_attribute(root, "vocab_size", dataset.vocab_size);
    write_string(root, "config_yaml", dataset.config_yaml);
    write_bytes(root, "tokenizer_model", dataset.tokenizer_model);
    write_string(root, "tag_scheme", dataset.tag_scheme);
    write_string_list(root, "label_names", dataset.label_names);
    write_string(root, "report_json", dataset.report_json);
    std::vector<std::string> corpus_names;
    std::vector<float> corpus_weights;
    std::vector<std::uint8_t> corpus_gold;
    for (const DatasetCorpus& corpus : dataset.corpora) {
      corpus_names.push_back(corpus.name);
      corpus_weights.push_back(corpus.weight);
      corpus_gold.push_back(corpus.has_gold ? 1 : 0);
    }
    write_string_list(root, "corpus_names", corpus_names);
    write_array(root, "corpus_weights", corpus_weights);
    write_array(root, "corpus_has_gold", corpus_gold);
    for (const Split split : kSplits) {
      const DatasetSplit& data = dataset.split(split);
      H5::Group group = file.createGroup(std::string(split_name(split)));
      write_string(group, "label_source", data.label_source);
      write_string_list(group, "document_names", data.document_names);
      write_array(group, "document_corpus", data.document_corpus);
      write_string_list(group, "document_texts", data.document_texts);
      write_array(group, "span_offsets", data.span_offsets);
      write_array(group, "span_begin", data.span_begin);
      write_array(group, "span_end", data.span_end);
      write_array(group, "span_type", data.span_type);
      write_array(group, "piece_ids", data.piece_ids);
      write_array(group, "labels", data.labels);
      write_array(group, "unknown", data.unknown);
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
    const GroupReader root(path, file.openGroup("/"), "");
    const hdf5::FormatMark mark = hdf5::read_format_mark(root);
    if (mark.name != kDatasetFormatName)
      root.fail(fmt::format("not a dataset file (format '{}')", mark.name));
    dataset.format_version = mark.version;
    if (dataset.format_version > kDatasetFormatVersion || dataset.format_version < 1) {
      root.fail(fmt::format("this build reads dataset format version <= {}, the file is version {}",
                            kDatasetFormatVersion, dataset.format_version));
    }
    const bool format_1 = dataset.format_version == 1;
    dataset.config_yaml = root.string("config_yaml");
    dataset.tokenizer_model = root.bytes("tokenizer_model");
    dataset.tag_scheme = root.string("tag_scheme");
    dataset.label_names =
        format_1 ? split_lines(root.bytes("label_names")) : root.string_list("label_names");
    dataset.report_json = root.string("report_json");
    const std::int64_t vocab_size = format_1 ? vocab_size_of_format_1(root, dataset.report_json)
                                             : root.integer_attribute("vocab_size");
    if (vocab_size <= 0 || vocab_size > kMaxVocabSize)
      root.fail(fmt::format("vocabulary size {} is out of range", vocab_size));
    dataset.vocab_size = static_cast<int>(vocab_size);
    const bool one_corpus = dataset.format_version < 3;
    if (one_corpus) {
      dataset.corpora.push_back({"corpus", 1.0f, false});
    } else {
      const auto names = root.string_list("corpus_names");
      const auto weights = root.array<float>("corpus_weights");
      const auto gold = root.array<std::uint8_t>("corpus_has_gold");
      if (names.empty() || weights.size() != names.size() || gold.size() != names.size())
        root.fail("the corpus names, weights and gold flags differ in number");
      for (std::size_t c = 0; c < names.size(); ++c) {
        if (!(weights[c] > 0.0f))
          root.fail(fmt::format("corpus '{}' has weight {}", names[c], weights[c]));
        dataset.corpora.push_back({names[c], weights[c], gold[c] != 0});
      }
    }
    for (const Split split : kSplits) {
      const std::string name(split_name(split));
      if (!file.nameExists(name)) root.fail(fmt::format("missing split '{}'", name));
      const GroupReader group(path, file.openGroup(name), name + "/");
      DatasetSplit& data = dataset.split(split);
      data.label_source = group.string("label_source");
      data.document_names = group.string_list("document_names");
      if (!format_1) {
        data.document_texts = group.string_list("document_texts");
        data.span_offsets = group.array<std::int64_t>("span_offsets");
        data.span_begin = group.array<std::int64_t>("span_begin");
        data.span_end = group.array<std::int64_t>("span_end");
        data.span_type = group.array<std::int8_t>("span_type");
      }
      data.piece_ids = group.array<std::int32_t>("piece_ids");
      data.labels = group.array<std::int8_t>("labels");
      data.unknown = one_corpus ? std::vector<std::uint8_t>(data.labels.size(), 0)
                                : group.array<std::uint8_t>("unknown");
      data.document_corpus = one_corpus ? std::vector<std::int32_t>(data.document_names.size(), 0)
                                        : group.array<std::int32_t>("document_corpus");
      if (one_corpus && split != Split::kTrain && data.label_source == "gold")
        dataset.corpora.front().has_gold = true;
      data.piece_begin = group.array<std::int64_t>("piece_begin");
      data.piece_content_begin = group.array<std::int64_t>("piece_content_begin");
      data.piece_end = group.array<std::int64_t>("piece_end");
      data.window_offsets = group.array<std::int64_t>("window_offsets");
      data.window_document = group.array<std::int32_t>("window_document");
      data.window_first_piece = group.array<std::int64_t>("window_first_piece");
      if (data.window_offsets.empty()) group.fail("empty window_offsets");
      if (format_1) data.span_offsets.clear();
      check_split(data, dataset.label_names.size(), dataset.corpora.size(),
                  fmt::format("{}: split {}", path.string(), name));
    }
  });
  return dataset;
}

}  // namespace ner
