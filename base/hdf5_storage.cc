#include "base/hdf5_storage.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <numeric>
#include <optional>
#include <string_view>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"

namespace ner::hdf5 {
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
const H5::PredType& h5_type<std::uint16_t>() {
  return H5::PredType::NATIVE_UINT16;
}
template <>
const H5::PredType& h5_type<std::int32_t>() {
  return H5::PredType::NATIVE_INT32;
}
template <>
const H5::PredType& h5_type<std::int64_t>() {
  return H5::PredType::NATIVE_INT64;
}
template <>
const H5::PredType& h5_type<float>() {
  return H5::PredType::NATIVE_FLOAT;
}

// Elements per chunk at most: large enough to compress well, small enough
// that reading one value does not inflate megabytes.
constexpr hsize_t kChunkElements = 1 << 16;

// How much the in-memory image of a file being written grows at a time.
// The image is kept at a multiple of this size, so it is also the most
// padding a file written through it can carry.
constexpr std::size_t kCoreIncrement = std::size_t{64} << 10;

H5::StrType utf8_string_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

// Gives HDF5 back the memory of variable-length strings it read, however the
// reading code is left.
class VlenStrings {
 public:
  VlenStrings(void* buffer, H5::DataType type, H5::DataSpace space)
      : buffer_(buffer), type_(std::move(type)), space_(std::move(space)) {}
  ~VlenStrings() { H5::DataSet::vlenReclaim(buffer_, type_, space_); }
  VlenStrings(const VlenStrings&) = delete;
  VlenStrings& operator=(const VlenStrings&) = delete;

 private:
  void* buffer_;
  H5::DataType type_;
  H5::DataSpace space_;
};

void require_no_nul(const std::string& text, const std::string& name) {
  if (text.find('\0') != std::string::npos)
    throw Error(fmt::format("'{}' holds a NUL byte and cannot be stored as a string", name));
}

std::vector<std::string> split_joined(const std::string& joined,
                                      const std::vector<std::int64_t>& offsets) {
  std::vector<std::string> strings;
  for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
    strings.push_back(joined.substr(static_cast<std::size_t>(offsets[i]),
                                    static_cast<std::size_t>(offsets[i + 1] - offsets[i])));
  }
  return strings;
}

// The description of the deepest entry on HDF5's error stack: the cause
// (say "truncated file: eof = ..."), where exceptions carry only the API call.
std::string innermost_error() {
  std::string innermost;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* entry, void* data) -> herr_t {
        if (entry->desc != nullptr) *static_cast<std::string*>(data) = entry->desc;
        return 0;
      },
      &innermost);
  return innermost.empty() ? "unknown HDF5 error" : innermost;
}

// The final bytes of an in-memory (core driver) file, handed over when the
// file is closed. They must be taken at close: an image taken from the open
// file (H5Fget_file_image) carries a superblock marked as open for writing,
// whose checksum then fails.
struct ImageCapture {
  std::string image;
  std::size_t size = 0;  // of the memory HDF5 holds now
};

// Routes the file's memory through `capture` (HDF5 manages it with these
// callbacks, hence malloc and free). `capture` must outlive the file.
void capture_image_on_close(H5::FileAccPropList& access, ImageCapture& capture) {
  H5FD_file_image_callbacks_t callbacks{};
  callbacks.image_malloc = [](std::size_t size, H5FD_file_image_op_t, void* data) -> void* {
    static_cast<ImageCapture*>(data)->size = size;
    return std::malloc(size);
  };
  callbacks.image_memcpy = [](void* to, const void* from, std::size_t size, H5FD_file_image_op_t,
                              void*) -> void* { return std::memcpy(to, from, size); };
  callbacks.image_realloc = [](void* memory, std::size_t size, H5FD_file_image_op_t,
                               void* data) -> void* {
    static_cast<ImageCapture*>(data)->size = size;
    return std::realloc(memory, size);
  };
  callbacks.image_free = [](void* memory, H5FD_file_image_op_t operation, void* data) -> herr_t {
    auto* capture = static_cast<ImageCapture*>(data);
    if (operation == H5FD_FILE_IMAGE_OP_FILE_CLOSE && memory != nullptr)
      capture->image.assign(static_cast<const char*>(memory), capture->size);
    std::free(memory);
    return 0;
  };
  // HDF5 copies `udata` with the property list: every copy is the same
  // capture, which the caller owns.
  callbacks.udata_copy = [](void* data) -> void* { return data; };
  callbacks.udata_free = [](void*) -> herr_t { return 0; };
  callbacks.udata = &capture;
  if (H5Pset_file_image_callbacks(access.getId(), &callbacks) < 0)
    throw H5::PropListIException("capture_image_on_close", "cannot set file image callbacks");
}

// Cuts the in-memory image (kept at a multiple of kCoreIncrement) to the end
// of file its superblock records, so that a file cut short by even one byte
// reads as truncated. Superblocks of version 2 and 3 (the 1.8+ format we
// write) hold that address 28 bytes in, after the signature, four one-byte
// fields, the base address and the extension address. Returns false when the
// image has no such superblock.
bool trim_to_recorded_end(std::string& image) {
  constexpr std::string_view kSignature("\x89HDF\r\n\x1a\n", 8);
  constexpr std::size_t kEndOfFileField = 28;
  if (image.size() < kEndOfFileField + 8 || image.compare(0, 8, kSignature) != 0) return false;
  const auto version = static_cast<unsigned char>(image[8]);
  const auto offset_size = static_cast<unsigned char>(image[9]);
  if ((version != 2 && version != 3) || offset_size != 8) return false;
  std::uint64_t end = 0;
  for (int byte = 7; byte >= 0; --byte)
    end = (end << 8) |
          static_cast<unsigned char>(image[kEndOfFileField + static_cast<std::size_t>(byte)]);
  if (end == 0 || end > image.size()) return false;
  image.resize(static_cast<std::size_t>(end));
  return true;
}

}  // namespace

template <typename T>
void write_array(H5::Group& group, const std::string& name, const std::vector<T>& values,
                 const std::vector<std::int64_t>& shape) {
  std::vector<hsize_t> dims;
  if (shape.empty()) {
    dims.push_back(values.size());
  } else {
    for (const std::int64_t size : shape) {
      if (size < 0) throw Error(fmt::format("array '{}': negative dimension {}", name, size));
      dims.push_back(static_cast<hsize_t>(size));
    }
  }
  const hsize_t count =
      std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<hsize_t>());
  if (count != values.size()) {
    throw Error(fmt::format("array '{}': {} values do not fill the shape [{}]", name, values.size(),
                            fmt::join(dims, ", ")));
  }
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DSetCreatPropList properties;
  if (count > 0) {
    // Whole trailing dimensions per chunk, as many leading rows as fit.
    std::vector<hsize_t> chunk = dims;
    const hsize_t row = count / dims.front();
    chunk.front() =
        std::clamp<hsize_t>(kChunkElements / std::max<hsize_t>(row, 1), 1, dims.front());
    properties.setChunk(static_cast<int>(chunk.size()), chunk.data());
    properties.setFletcher32();
    properties.setDeflate(4);
  }
  H5::DataSet dataset = group.createDataSet(name, h5_type<T>(), space, properties);
  if (count > 0) dataset.write(values.data(), h5_type<T>());
}

template void write_array(H5::Group&, const std::string&, const std::vector<std::int8_t>&,
                          const std::vector<std::int64_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<std::uint8_t>&,
                          const std::vector<std::int64_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<std::uint16_t>&,
                          const std::vector<std::int64_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<std::int32_t>&,
                          const std::vector<std::int64_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<std::int64_t>&,
                          const std::vector<std::int64_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<float>&,
                          const std::vector<std::int64_t>&);

void write_bytes(H5::Group& group, const std::string& name, const std::string& bytes) {
  write_array(group, name, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

void write_string(H5::Group& group, const std::string& name, const std::string& text) {
  require_no_nul(text, name);
  const H5::StrType type = utf8_string_type();
  H5::DataSet dataset = group.createDataSet(name, type, H5::DataSpace(H5S_SCALAR));
  dataset.write(text, type);
}

void write_string_list(H5::Group& group, const std::string& name,
                       const std::vector<std::string>& strings) {
  std::vector<const char*> pointers;
  pointers.reserve(strings.size());
  for (const std::string& text : strings) {
    require_no_nul(text, name);
    pointers.push_back(text.c_str());
  }
  const hsize_t size = strings.size();
  const H5::StrType type = utf8_string_type();
  H5::DataSet dataset = group.createDataSet(name, type, H5::DataSpace(1, &size));
  if (size > 0) dataset.write(pointers.data(), type);
}

void write_attribute(H5::Group& group, const std::string& name, std::int64_t value) {
  H5::Attribute attribute =
      group.createAttribute(name, H5::PredType::NATIVE_INT64, H5::DataSpace(H5S_SCALAR));
  attribute.write(H5::PredType::NATIVE_INT64, &value);
}

GroupReader::GroupReader(const std::filesystem::path& path, H5::Group group, std::string scope)
    : path_(path), group_(std::move(group)), scope_(std::move(scope)) {}

bool GroupReader::has(const std::string& name) const {
  return group_.nameExists(name);
}

H5::DataSet GroupReader::open(const std::string& name) const {
  if (!group_.nameExists(name)) fail(fmt::format("missing '{}{}'", scope_, name));
  return group_.openDataSet(name);
}

std::vector<std::int64_t> GroupReader::shape(const std::string& name) const {
  const H5::DataSpace space = open(name).getSpace();
  std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
  space.getSimpleExtentDims(dims.data());
  return std::vector<std::int64_t>(dims.begin(), dims.end());
}

template <typename T>
std::vector<T> GroupReader::array(const std::string& name) const {
  H5::DataSet dataset = open(name);
  const H5::DataType type = dataset.getDataType();
  if (type.getClass() != H5T_INTEGER && type.getClass() != H5T_FLOAT)
    fail(fmt::format("'{}{}' is not a numeric array", scope_, name));
  if (type.getSize() != sizeof(T)) {
    fail(fmt::format("array '{}{}' has elements of {} bytes, expected {}", scope_, name,
                     type.getSize(), sizeof(T)));
  }
  const hssize_t count = dataset.getSpace().getSimpleExtentNpoints();
  std::vector<T> values(static_cast<std::size_t>(count));
  try {
    if (count > 0) dataset.read(values.data(), h5_type<T>());
  } catch (const H5::Exception& error) {
    fail(fmt::format("array '{}{}' cannot be read (corrupt data: {})", scope_, name,
                     error.getDetailMsg()));
  }
  return values;
}

template std::vector<std::int8_t> GroupReader::array(const std::string&) const;
template std::vector<std::uint8_t> GroupReader::array(const std::string&) const;
template std::vector<std::uint16_t> GroupReader::array(const std::string&) const;
template std::vector<std::int32_t> GroupReader::array(const std::string&) const;
template std::vector<std::int64_t> GroupReader::array(const std::string&) const;
template std::vector<float> GroupReader::array(const std::string&) const;

std::string GroupReader::bytes(const std::string& name) const {
  const auto values = array<std::uint8_t>(name);
  return std::string(values.begin(), values.end());
}

std::string GroupReader::string(const std::string& name) const {
  H5::DataSet dataset = open(name);
  if (dataset.getTypeClass() != H5T_STRING) return bytes(name);
  if (dataset.getSpace().getSimpleExtentNpoints() != 1)
    fail(fmt::format("'{}{}' is not a single string", scope_, name));
  const H5::StrType type = dataset.getStrType();
  if (!type.isVariableStr()) {
    std::string buffer(type.getSize(), '\0');
    dataset.read(buffer.data(), type);
    return buffer.substr(0, buffer.find('\0'));
  }
  char* text = nullptr;
  dataset.read(&text, type);
  const VlenStrings reclaim(&text, type, dataset.getSpace());
  return text == nullptr ? std::string() : std::string(text);
}

std::vector<std::string> GroupReader::string_list(const std::string& name) const {
  if (!has(name) && has(name + "_bytes")) {
    const std::string joined = bytes(name + "_bytes");
    const auto offsets = array<std::int64_t>(name + "_offsets");
    if (offsets.empty() || offsets.front() != 0 ||
        offsets.back() != static_cast<std::int64_t>(joined.size()) ||
        !std::is_sorted(offsets.begin(), offsets.end())) {
      fail(fmt::format("string list '{}{}' has inconsistent offsets", scope_, name));
    }
    return split_joined(joined, offsets);
  }
  H5::DataSet dataset = open(name);
  if (dataset.getTypeClass() != H5T_STRING)
    fail(fmt::format("'{}{}' is not a list of strings", scope_, name));
  const H5::StrType type = dataset.getStrType();
  const H5::DataSpace space = dataset.getSpace();
  const auto count = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  std::vector<std::string> strings;
  strings.reserve(count);
  if (count == 0) return strings;
  if (type.isVariableStr()) {
    std::vector<char*> pointers(count, nullptr);
    dataset.read(pointers.data(), type);
    const VlenStrings reclaim(pointers.data(), type, space);
    for (const char* text : pointers)
      strings.emplace_back(text == nullptr ? "" : text);
  } else {
    const std::size_t width = type.getSize();
    std::string buffer(count * width, '\0');
    dataset.read(buffer.data(), type);
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view field(buffer.data() + i * width, width);
      strings.emplace_back(field.substr(0, std::min(field.find('\0'), width)));
    }
  }
  return strings;
}

std::int64_t GroupReader::integer_attribute(const std::string& name) const {
  if (!group_.attrExists(name)) fail(fmt::format("missing attribute '{}{}'", scope_, name));
  const H5::Attribute attribute = group_.openAttribute(name);
  if (attribute.getTypeClass() != H5T_INTEGER || attribute.getSpace().getSimpleExtentNpoints() != 1)
    fail(fmt::format("attribute '{}{}' is not an integer", scope_, name));
  std::int64_t value = 0;
  attribute.read(H5::PredType::NATIVE_INT64, &value);
  return value;
}

void GroupReader::fail(const std::string& message) const {
  throw Error(fmt::format("{}: {}", path_.string(), message));
}

void write_format_mark(H5::Group& root, const FormatMark& mark) {
  // The layout of format 1, whatever the version: every build reads it and
  // can say "this build reads versions up to N" instead of failing on a type.
  write_bytes(root, "format", mark.name);
  write_array(root, "format_version", std::vector<std::int32_t>{mark.version});
}

FormatMark read_format_mark(const GroupReader& root) {
  if (!root.has("format") || !root.has("format_version"))
    root.fail("no format name and version: not a file of this project");
  FormatMark mark;
  mark.name = root.string("format");
  const auto version = root.array<std::int32_t>("format_version");
  if (version.size() != 1) root.fail("malformed format_version");
  mark.version = version[0];
  return mark;
}

void write_file_atomically(const std::filesystem::path& path, const std::string& what,
                           const std::function<void(H5::H5File&)>& fill) {
  H5::Exception::dontPrint();
  ImageCapture capture;
  try {
    // The file is built in memory and written by our own atomic writer: a
    // full disk then fails one plain write(2), where HDF5 writing to disk
    // itself fails halfway, can crash while closing, and leaves its file.
    H5::FileAccPropList access;
    access.setCore(kCoreIncrement, /*backing_store=*/false);
    capture_image_on_close(access, capture);
    // The 1.8+ file format checksums metadata too, so corruption anywhere in
    // the file is reported rather than read as other data.
    access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    H5::H5File file(path.filename().string(), H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT,
                    access);
    fill(file);
    file.close();
  } catch (const H5::Exception& failure) {
    throw Error(
        fmt::format("{}: cannot write {}: {}", path.string(), what, failure.getDetailMsg()));
  }
  if (!trim_to_recorded_end(capture.image))
    throw Error(fmt::format("{}: cannot write {}: HDF5 gave no file image", path.string(), what));
  ner::write_file_atomically(path, capture.image);
}

void read_file(const std::filesystem::path& path, const std::string& what,
               const std::function<void(H5::H5File&)>& read) {
  H5::Exception::dontPrint();
  if (!std::filesystem::is_regular_file(path))
    throw Error(fmt::format("{}: no such file", path.string()));
  std::optional<H5::H5File> file;
  try {
    if (!H5::H5File::isHdf5(path.string()))
      throw Error(fmt::format("{}: not an HDF5 file, so not a {} file of this project",
                              path.string(), what));
    file.emplace(path.string(), H5F_ACC_RDONLY);
  } catch (const H5::Exception&) {
    const std::string cause = innermost_error();
    if (cause.find("truncated") != std::string::npos) {
      throw Error(fmt::format(
          "{}: truncated: the file ends before the size its HDF5 header records (an interrupted "
          "copy or download?); copy or write the {} file again",
          path.string(), what));
    }
    throw Error(fmt::format("{}: a damaged HDF5 file, cannot be opened as a {} file: {}",
                            path.string(), what, cause));
  }
  try {
    read(*file);
  } catch (const H5::Exception& error) {
    throw Error(fmt::format("{}: corrupt {} file: {} ({})", path.string(), what,
                            error.getDetailMsg(), error.getFuncName()));
  }
}

}  // namespace ner::hdf5
