#include "tests/test_util.h"

#include <H5Cpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace ner::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device entropy;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const fs::path candidate =
        fs::temp_directory_path() /
        ("ner-test-" + std::to_string(::getpid()) + "-" + std::to_string(entropy()));
    if (fs::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

fs::path TempDir::write(const std::string& relative, const std::string& content) const {
  const fs::path file = path_ / relative;
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file;
}

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

CommandResult run_command(const std::string& command_line) {
  TempDir scratch;
  const fs::path out = scratch.path() / "stdout";
  const fs::path err = scratch.path() / "stderr";
  const std::string full =
      command_line + " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text_file(out);
  result.err = read_text_file(err);
  return result;
}

fs::path seeds_dir() {
  const fs::path dir = NER_SHARED_DIR "/seeds";
  if (!fs::is_directory(dir)) {
    ADD_FAILURE() << "seed documents not found at " << dir
                  << " (configure with -DNER_SHARED_DIR=/path/to/shared)";
  }
  return dir;
}

void set_format_version(const fs::path& path, int version) {
  H5::H5File file(path.string(), H5F_ACC_RDWR);
  const std::int32_t value = version;
  file.openDataSet("format_version").write(&value, H5::PredType::NATIVE_INT32);
}

fs::path test_data_file(const std::string& name) {
  const fs::path file = fs::path(NER_TEST_DATA_DIR) / name;
  if (!fs::is_regular_file(file)) ADD_FAILURE() << "test data file missing: " << file;
  return file;
}

fs::path tiny_model_dir() {
  const fs::path dir = NER_TINY_MODEL_DIR;
  if (!fs::is_regular_file(dir / "run" / "model.nerm")) {
    ADD_FAILURE() << "the shared tiny model is missing at " << dir
                  << "; run the tiny_model_setup test first (ctest does)";
  }
  return dir;
}

}  // namespace ner::testing
