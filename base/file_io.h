// Reading whole files and writing files atomically (temporary file beside the
// target, flushed, renamed): every file the project writes goes through here.
#pragma once

#include <filesystem>
#include <string>

namespace ner {

// Reads a whole file; throws ner::Error naming it when it cannot.
std::string read_file(const std::filesystem::path& path);

// A file written under a temporary name beside `target` and moved into place
// by commit(): readers see the old file or the new one, never a partial one.
// Destroyed without commit() (an exception on the way), it removes the
// temporary file, so a failed write leaves nothing behind.
class TemporaryFile {
 public:
  // Creates the target's missing directories; throws ner::Error when it cannot.
  explicit TemporaryFile(std::filesystem::path target);
  ~TemporaryFile();
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  // Where to write the content.
  const std::filesystem::path& path() const { return temporary_; }
  const std::filesystem::path& target() const { return target_; }

  // Flushes the temporary file to disk and renames it to the target. Throws
  // ner::Error naming the target (the temporary file is then removed).
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  bool committed_ = false;
};

// Writes `content` to `path` through a TemporaryFile.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace ner
