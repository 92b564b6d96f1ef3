// Typed one-dimensional arrays, byte strings and string lists in HDF5 groups,
// checksummed, with atomic file writes: the storage layer of dataset and model files.
#pragma once

#include <H5Cpp.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ner::hdf5 {

// Writes arrays chunked, deflate-compressed and with a Fletcher-32 checksum,
// so a flipped byte in the data is reported on reading, not returned.
template <typename T>
void write_array(H5::Group& group, const std::string& name, const std::vector<T>& values);
void write_bytes(H5::Group& group, const std::string& name, const std::string& bytes);
// Strings back to back plus offsets: entries may hold any byte.
void write_strings(H5::Group& group, const std::string& name,
                   const std::vector<std::string>& strings);

// Reads arrays of one group, naming `path` and the array in every error.
class ArrayReader {
 public:
  ArrayReader(const std::filesystem::path& path, H5::Group group, std::string scope);

  bool has(const std::string& name) const;
  template <typename T>
  std::vector<T> array(const std::string& name) const;
  std::string bytes(const std::string& name) const;
  std::vector<std::string> strings(const std::string& name) const;

  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::filesystem::path path_;
  H5::Group group_;
  std::string scope_;
};

// Creates the file under a temporary name, lets `fill` write it, then moves
// it into place (see move_into_place); on failure nothing is left behind. `what` names the content
// in errors ("dataset", "model").
void write_file_atomically(const std::filesystem::path& path, const std::string& what,
                           const std::function<void(H5::H5File&)>& fill);

// Opens an existing HDF5 file read-only and hands it to `read`; a missing or
// non-HDF5 file and any HDF5 failure become ner::Error naming `path`.
void read_file(const std::filesystem::path& path, const std::string& what,
               const std::function<void(H5::H5File&)>& read);

}  // namespace ner::hdf5
