#include "datasets/hdf5_arrays.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <utility>

#include "datasets/corpus.h"
#include "datasets/error.h"

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

constexpr hsize_t kChunk = 1 << 16;

}  // namespace

template <typename T>
void write_array(H5::Group& group, const std::string& name, const std::vector<T>& values) {
  const hsize_t size = values.size();
  H5::DataSpace space(1, &size);
  H5::DSetCreatPropList properties;
  if (size > 0) {
    const hsize_t chunk = std::min<hsize_t>(size, kChunk);
    properties.setChunk(1, &chunk);
    properties.setFletcher32();
    properties.setDeflate(4);
  }
  H5::DataSet dataset = group.createDataSet(name, h5_type<T>(), space, properties);
  if (size > 0) dataset.write(values.data(), h5_type<T>());
}

template void write_array(H5::Group&, const std::string&, const std::vector<std::int8_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<std::uint8_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<std::uint16_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<std::int32_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<std::int64_t>&);
template void write_array(H5::Group&, const std::string&, const std::vector<float>&);

void write_bytes(H5::Group& group, const std::string& name, const std::string& bytes) {
  write_array(group, name, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

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

ArrayReader::ArrayReader(const std::filesystem::path& path, H5::Group group, std::string scope)
    : path_(path), group_(std::move(group)), scope_(std::move(scope)) {}

bool ArrayReader::has(const std::string& name) const {
  return group_.nameExists(name);
}

template <typename T>
std::vector<T> ArrayReader::array(const std::string& name) const {
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
  try {
    if (size > 0) dataset.read(values.data(), h5_type<T>());
  } catch (const H5::Exception& error) {
    fail(fmt::format("array '{}{}' cannot be read (corrupt data: {})", scope_, name,
                     error.getDetailMsg()));
  }
  return values;
}

template std::vector<std::int8_t> ArrayReader::array(const std::string&) const;
template std::vector<std::uint8_t> ArrayReader::array(const std::string&) const;
template std::vector<std::uint16_t> ArrayReader::array(const std::string&) const;
template std::vector<std::int32_t> ArrayReader::array(const std::string&) const;
template std::vector<std::int64_t> ArrayReader::array(const std::string&) const;
template std::vector<float> ArrayReader::array(const std::string&) const;

std::string ArrayReader::bytes(const std::string& name) const {
  const auto values = array<std::uint8_t>(name);
  return std::string(values.begin(), values.end());
}

std::vector<std::string> ArrayReader::strings(const std::string& name) const {
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

void ArrayReader::fail(const std::string& message) const {
  throw Error(fmt::format("{}: {}", path_.string(), message));
}

void write_file_atomically(const std::filesystem::path& path, const std::string& what,
                           const std::function<void(H5::H5File&)>& fill) {
  H5::Exception::dontPrint();
  const std::filesystem::path temporary = temporary_path_for(path);
  std::error_code ignored;
  try {
    // The 1.8+ file format checksums metadata too, so corruption anywhere in
    // the file is reported rather than read as other data.
    H5::FileAccPropList access;
    access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    H5::H5File file(temporary.string(), H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, access);
    fill(file);
    file.close();
  } catch (const H5::Exception& failure) {
    std::filesystem::remove(temporary, ignored);
    throw Error(
        fmt::format("{}: cannot write {}: {}", path.string(), what, failure.getDetailMsg()));
  } catch (...) {
    std::filesystem::remove(temporary, ignored);
    throw;
  }
  move_into_place(temporary, path);
}

void read_file(const std::filesystem::path& path, const std::string& what,
               const std::function<void(H5::H5File&)>& read) {
  H5::Exception::dontPrint();
  if (!std::filesystem::is_regular_file(path))
    throw Error(fmt::format("{}: no such file", path.string()));
  try {
    if (!H5::H5File::isHdf5(path.string())) {
      throw Error(
          fmt::format("{}: not an HDF5 file (truncated, or not a {} file)", path.string(), what));
    }
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    read(file);
  } catch (const H5::Exception& error) {
    throw Error(fmt::format("{}: corrupt {} file: {} ({})", path.string(), what,
                            error.getDetailMsg(), error.getFuncName()));
  }
}

}  // namespace ner::hdf5
