// HDF5 storage for the dataset and model files: typed arrays with their shape,
// byte blobs, strings as HDF5 strings, attributes, and atomic whole-file writes.
#pragma once

#include <H5Cpp.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ner::hdf5 {

// Writes an array chunked, deflate-compressed and with a Fletcher-32
// checksum, so a flipped byte in the data is reported on reading, not
// returned. `shape` (row-major) defaults to one dimension of values.size().
template <typename T>
void write_array(H5::Group& group, const std::string& name, const std::vector<T>& values,
                 const std::vector<std::int64_t>& shape = {});
// Opaque bytes (a serialized tokenizer, say) as a byte array.
void write_bytes(H5::Group& group, const std::string& name, const std::string& bytes);
// Text as a variable-length UTF-8 string, a scalar or one dimension of them,
// so standard HDF5 tools show it as text. Throws ner::Error for a NUL byte.
void write_string(H5::Group& group, const std::string& name, const std::string& text);
void write_string_list(H5::Group& group, const std::string& name,
                       const std::vector<std::string>& strings);
void write_attribute(H5::Group& group, const std::string& name, std::int64_t value);

// Reads the arrays, strings and attributes of one group, naming `path` and
// the entry in every error. Strings read back from the string types above and
// from the layouts of earlier file formats (byte arrays; string lists as
// NAME_bytes plus NAME_offsets).
class GroupReader {
 public:
  GroupReader(const std::filesystem::path& path, H5::Group group, std::string scope);

  bool has(const std::string& name) const;
  // The values of an array of any rank, row-major.
  template <typename T>
  std::vector<T> array(const std::string& name) const;
  std::vector<std::int64_t> shape(const std::string& name) const;
  std::string bytes(const std::string& name) const;
  std::string string(const std::string& name) const;
  std::vector<std::string> string_list(const std::string& name) const;
  std::int64_t integer_attribute(const std::string& name) const;

  [[noreturn]] void fail(const std::string& message) const;

 private:
  H5::DataSet open(const std::string& name) const;
  std::filesystem::path path_;
  H5::Group group_;
  std::string scope_;
};

// What a file says it is: its format name and version, checked first, so a
// reader can say "this build reads versions up to N". They keep the layout
// of format 1 (a byte array and one int32) so that every build can read them.
struct FormatMark {
  std::string name;
  int version = 0;
};
void write_format_mark(H5::Group& root, const FormatMark& mark);
// Throws ner::Error naming the file when there is no mark.
FormatMark read_format_mark(const GroupReader& root);

// Creates the file under a temporary name, lets `fill` write it, then moves
// it into place (see TemporaryFile); on failure nothing is left behind.
// `what` names the content in errors ("dataset", "model").
void write_file_atomically(const std::filesystem::path& path, const std::string& what,
                           const std::function<void(H5::H5File&)>& fill);

// Opens an existing HDF5 file read-only and hands it to `read`; a missing or
// non-HDF5 file and any HDF5 failure become ner::Error naming `path`.
void read_file(const std::filesystem::path& path, const std::string& what,
               const std::function<void(H5::H5File&)>& read);

}  // namespace ner::hdf5
