#include "datasets/pretraining_corpus.h"

#include <H5Cpp.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "base/error.h"
#include "base/hdf5_storage.h"
#include "datasets/dataset_file.h"
#include "tests/test_util.h"

namespace ner {
namespace {

PretrainingCorpus sample_corpus() {
  PretrainingCorpus corpus;
  corpus.tokenizer_model = std::string("\x00\x01spm bytes\xff", 12);
  corpus.vocab_size = 6;
  corpus.starts_word = {0, 0, 1, 0, 1, 1};
  corpus.max_len = 3;
  corpus.piece_ids = {2, 3, 4, 5, 2, 0, 1};
  corpus.window_offsets = {0, 3, 5, 7};
  corpus.sources = {"texts", "Σ docs.jsonl"};
  corpus.source_documents = {1, 2};
  corpus.documents = 3;
  corpus.text_bytes = 42;
  return corpus;
}

TEST(PretrainingCorpus, ReadsBackExactlyWhatWasWritten) {
  testing::TempDir dir;
  const auto path = dir.path() / "text.h5";
  const PretrainingCorpus written = sample_corpus();
  write_pretraining_corpus(path, written);
  const PretrainingCorpus read = read_pretraining_corpus(path);
  EXPECT_EQ(read.tokenizer_model, written.tokenizer_model);
  EXPECT_EQ(read.vocab_size, 6);
  EXPECT_EQ(read.starts_word, written.starts_word);
  EXPECT_EQ(read.max_len, 3);
  EXPECT_EQ(read.piece_ids, written.piece_ids);
  EXPECT_EQ(read.window_offsets, written.window_offsets);
  EXPECT_EQ(read.window_count(), 3u);
  EXPECT_EQ(read.sources, written.sources);
  EXPECT_EQ(read.source_documents, written.source_documents);
  EXPECT_EQ(read.documents, 3);
  EXPECT_EQ(read.text_bytes, 42);
}

TEST(PretrainingCorpus, RefusesToWriteAnInconsistentCorpus) {
  testing::TempDir dir;
  const auto path = dir.path() / "bad.h5";
  const std::function<void(PretrainingCorpus&)> breaks[] = {
      [](PretrainingCorpus& c) { c.piece_ids[1] = 6; },
      [](PretrainingCorpus& c) { c.piece_ids[1] = -1; },
      [](PretrainingCorpus& c) {
        c.window_offsets = {0, 3, 5};
      },
      [](PretrainingCorpus& c) {
        c.window_offsets = {0, 3, 3, 7};
      },
      [](PretrainingCorpus& c) {
        c.window_offsets = {0, 4, 5, 7};
      },  // longer than max_len
      [](PretrainingCorpus& c) { c.starts_word.pop_back(); },
      [](PretrainingCorpus& c) {
        c.source_documents = {1, 1};
      },
      [](PretrainingCorpus& c) { c.tokenizer_model.clear(); },
  };
  for (const auto& make_bad : breaks) {
    PretrainingCorpus corpus = sample_corpus();
    make_bad(corpus);
    try {
      write_pretraining_corpus(path, corpus);
      ADD_FAILURE() << "wrote an inconsistent corpus";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
    }
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

void expect_read_error(const std::filesystem::path& path, const std::string& message) {
  try {
    read_pretraining_corpus(path);
    ADD_FAILURE() << "expected an error containing: " << message;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
}

// Replaces one array of a written file, as a damaged or foreign writer would.
template <typename T>
void replace_array(const std::filesystem::path& path, const std::string& name,
                   const std::vector<T>& values) {
  H5::H5File file(path.string(), H5F_ACC_RDWR);
  file.unlink(name);
  H5::Group root = file.openGroup("/");
  hdf5::write_array(root, name, values);
}

TEST(PretrainingCorpus, RefusesInconsistentFiles) {
  testing::TempDir dir;
  const auto written = [&](const std::string& name) {
    const auto path = dir.path() / name;
    write_pretraining_corpus(path, sample_corpus());
    return path;
  };
  auto path = written("offsets.h5");
  replace_array<std::int64_t>(path, "window_offsets", {0, 3, 5, 6});
  expect_read_error(path, "window offsets end at 6, not at the piece count 7");
  path = written("backwards.h5");
  replace_array<std::int64_t>(path, "window_offsets", {0, 3, 2, 7});
  expect_read_error(path, "window 1 holds -1 pieces");
  path = written("ids.h5");
  replace_array<std::int32_t>(path, "piece_ids", {2, 3, 4, 5, 2, 0, 9});
  expect_read_error(path, "piece 6 has id 9, outside the vocabulary of 6");
  path = written("flags.h5");
  replace_array<std::uint8_t>(path, "starts_word", {0, 1, 1});
  expect_read_error(path, "3 word-start flags for a vocabulary of 6");
}

TEST(PretrainingCorpus, RefusesForeignMissingAndNewerFiles) {
  testing::TempDir dir;
  expect_read_error(dir.path() / "missing.h5", "no such file");
  expect_read_error(dir.write("text.h5", "plain text, not HDF5"), "not an HDF5 file");
  const auto dataset = dir.path() / "dataset.h5";
  hdf5::write_file_atomically(dataset, "dataset", [](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    hdf5::write_format_mark(root, {kDatasetFormatName, kDatasetFormatVersion});
  });
  expect_read_error(dataset, "not a pretraining corpus (format 'ner-ml-facts-dataset')");
  const auto future = dir.path() / "future.h5";
  write_pretraining_corpus(future, sample_corpus());
  testing::set_format_version(future, kPretrainingCorpusFormatVersion + 1);
  expect_read_error(
      future, fmt::format("reads pretraining corpus format version <= {}, the file "
                          "is version {}",
                          kPretrainingCorpusFormatVersion, kPretrainingCorpusFormatVersion + 1));
}

}  // namespace
}  // namespace ner
