#include "datasets/dataset_file.h"

#include <H5Cpp.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <system_error>
#include <utility>

#include "datasets/error.h"

namespace ner {
namespace {

template <typename T>
const H5::PredType& h5_type();
template <>
const H5::PredType& h5_type<std::int8_t>() {
  return H5::PredType::NATIVE_INT8;
}
template <>
const H5::PredType& h5_type<std::uint8_t>() {
  return H5::PredType::NATIVE_UINT8;
}
template <>
const H5::PredType& h5_type<std::int32_t>() {
  return H5::PredType::NATIVE_INT32;
}
template <>
const H5::PredType& h5_type<std::int64_t>() {
  return H5::PredType::NATIVE_INT64;
}

constexpr hsize_t kChunk = 1 << 16;

template <typename T>
void write_array(H5::Group& group, const std::string& name, const std::vector<T>& values) {
  const hsize_t size = values.size();
  H5::DataSpace space(1, &size);
  H5::DSetCreatPropList properties;
  if (size > 0) {
    const hsize_t chunk = std::min<hsize_t>(size, kChunk);
    properties.setChunk(1, &chunk);
    properties.setDeflate(4);
  }
  H5::DataSet dataset = group.createDataSet(name, h5_type<T>(), space, properties);
  if (size > 0) dataset.write(values.data(), h5_type<T>());
}

void write_bytes(H5::Group& group, const std::string& name, const std::string& bytes) {
  write_array(group, name, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

// Strings back to back plus offsets: names may hold any byte.
void write_strings(H5::Group& group, const std::string& name,
                   const std::vector<std::string>& strings) {
  std::string joined;
  std::vector<std::int64_t> offsets{0};
  for (const std::string& s : strings) {
    joined += s;
    offsets.push_back(static_cast<std::int64_t>(joined.size()));
  }
  write_bytes(group, name + "_bytes", joined);
  write_array(group, name + "_offsets", offsets);
}

class Reader {
 public:
  Reader(const std::filesystem::path& path, H5::Group group, std::string scope)
      : path_(path), group_(std::move(group)), scope_(std::move(scope)) {}

  template <typename T>
  std::vector<T> array(const std::string& name) const {
    if (!group_.nameExists(name)) fail(fmt::format("missing array '{}{}'", scope_, name));
    H5::DataSet dataset = group_.openDataSet(name);
    H5::DataSpace space = dataset.getSpace();
    if (space.getSimpleExtentNdims() != 1)
      fail(fmt::format("array '{}{}' is not one-dimensional", scope_, name));
    hsize_t size = 0;
    space.getSimpleExtentDims(&size);
    if (dataset.getDataType().getSize() != sizeof(T)) {
      fail(fmt::format("array '{}{}' has elements of {} bytes, expected {}", scope_, name,
                       dataset.getDataType().getSize(), sizeof(T)));
    }
    std::vector<T> values(static_cast<std::size_t>(size));
    if (size > 0) dataset.read(values.data(), h5_type<T>());
    return values;
  }

  std::string bytes(const std::string& name) const {
    const auto values = array<std::uint8_t>(name);
    return std::string(values.begin(), values.end());
  }

  std::vector<std::string> strings(const std::string& name) const {
    const std::string joined = bytes(name + "_bytes");
    const auto offsets = array<std::int64_t>(name + "_offsets");
    if (offsets.empty() || offsets.front() != 0 ||
        offsets.back() != static_cast<std::int64_t>(joined.size()) ||
        !std::is_sorted(offsets.begin(), offsets.end())) {
      fail(fmt::format("string list '{}{}' has inconsistent offsets", scope_, name));
    }
    std::vector<std::string> strings;
    for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
      strings.push_back(joined.substr(static_cast<std::size_t>(offsets[i]),
                                      static_cast<std::size_t>(offsets[i + 1] - offsets[i])));
    }
    return strings;
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw Error(fmt::format("{}: {}", path_.string(), message));
  }

 private:
  const std::filesystem::path& path_;
  H5::Group group_;
  std::string scope_;
};

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
  H5::Exception::dontPrint();
  const std::filesystem::path temporary = path.string() + fmt::format(".tmp{}", ::getpid());
  try {
    H5::H5File file(temporary.string(), H5F_ACC_TRUNC);
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
    file.close();
  } catch (const H5::Exception& error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error(fmt::format("{}: cannot write dataset: {}", path.string(), error.getDetailMsg()));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error)
    throw Error(fmt::format("{}: cannot rename into place: {}", path.string(), error.message()));
}

DatasetFile read_dataset_file(const std::filesystem::path& path) {
  H5::Exception::dontPrint();
  if (!std::filesystem::is_regular_file(path))
    throw Error(fmt::format("{}: no such file", path.string()));
  DatasetFile dataset;
  try {
    if (!H5::H5File::isHdf5(path.string())) {
      throw Error(fmt::format("{}: not an HDF5 file (truncated or not a dataset)", path.string()));
    }
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    const Reader root(path, file.openGroup("/"), "");
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
      const Reader group(path, file.openGroup(name), name + "/");
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
  } catch (const H5::Exception& error) {
    throw Error(fmt::format("{}: corrupt dataset file: {} ({})", path.string(),
                            error.getDetailMsg(), error.getFuncName()));
  }
  return dataset;
}

}  // namespace ner
