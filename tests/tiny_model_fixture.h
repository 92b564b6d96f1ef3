// A test fixture over the shared tiny model (tests/make_tiny_model.sh): its
// files by name, and a scratch directory of the test suite's own for the rest.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tests/test_util.h"

namespace ner::testing {

class TinyModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tiny_model_ = tiny_model_dir();
    directory_ = std::make_unique<TempDir>();
  }
  static void TearDownTestSuite() { directory_.reset(); }

  // Files of the shared tiny model (run, data.h5 and the gold corpus "g" it
  // was prepared with, raw, raw-gold), else scratch.
  static std::filesystem::path path(const std::string& name) {
    for (const char* shared : {"run", "data.h5", "g", "raw", "raw-gold"})
      if (name == shared) return tiny_model_ / name;
    return directory_->path() / name;
  }

 private:
  static inline std::filesystem::path tiny_model_;
  static inline std::unique_ptr<TempDir> directory_;
};

}  // namespace ner::testing
