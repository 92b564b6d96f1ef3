// Helpers shared by the tests: temporary directories, file writing, running a
// command and capturing its output. Test-only code.
#pragma once

#include <filesystem>
#include <string>

namespace ner::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `relative` (creating parent directories); returns the path.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line, capturing stdout and stderr separately.
CommandResult run_command(const std::string& command_line);

// The seeds shipped beside the repository (../shared/seeds); fails the test
// with a clear message when they are missing.
std::filesystem::path seeds_dir();

// The tiny model that tests/make_tiny_model.sh trains once per test run (the
// tiny_model CTest fixture): run/, data.h5, raw/ and raw-gold/. Fails the
// test with a clear message when it has not been trained.
std::filesystem::path tiny_model_dir();

// Overwrites the format version an HDF5 file of ours declares, as a file
// written by another version would declare it.
void set_format_version(const std::filesystem::path& path, int version);

// A small file of tests/data (files of earlier formats that must keep loading).
std::filesystem::path test_data_file(const std::string& name);

std::string read_text_file(const std::filesystem::path& path);

}  // namespace ner::testing
