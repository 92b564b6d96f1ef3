#include "datasets/dataset_file.h"

#include <gtest/gtest.h>

#include <string>

#include "datasets/error.h"
#include "tests/test_util.h"

namespace ner {
namespace {

DatasetFile sample_dataset() {
  DatasetFile dataset;
  dataset.config_yaml = "data:\n  max_len: 8\n";
  dataset.tokenizer_model = std::string("\x00\x01model bytes\xff", 14);
  dataset.tag_scheme = "bio";
  dataset.label_names = {"O", "B-model", "I-model"};
  dataset.report_json = R"({"misaligned_boundaries": 0})";
  DatasetSplit& train = dataset.split(Split::kTrain);
  train.label_source = "weak";
  train.document_names = {"a.txt", "dir/Σ b.txt"};
  train.piece_ids = {5, 6, 7, 8, 9};
  train.labels = {0, 1, 2, 0, 1};
  train.piece_begin = {0, 3, 7, 0, 4};
  train.piece_content_begin = {0, 4, 7, 0, 5};
  train.piece_end = {3, 7, 9, 4, 8};
  train.window_offsets = {0, 3, 5};
  train.window_document = {0, 1};
  train.window_first_piece = {0, 0};
  dataset.split(Split::kDev).label_source = "gold";
  dataset.split(Split::kTest).label_source = "gold";
  return dataset;
}

TEST(DatasetFile, ReadsBackExactlyWhatWasWritten) {
  testing::TempDir dir;
  const auto path = dir.path() / "data.h5";
  const DatasetFile written = sample_dataset();
  write_dataset_file(path, written);
  const DatasetFile read = read_dataset_file(path);
  EXPECT_EQ(read.format_version, kDatasetFormatVersion);
  EXPECT_EQ(read.config_yaml, written.config_yaml);
  EXPECT_EQ(read.tokenizer_model, written.tokenizer_model);
  EXPECT_EQ(read.tag_scheme, "bio");
  EXPECT_EQ(read.label_names, written.label_names);
  EXPECT_EQ(read.report_json, written.report_json);
  for (const Split split : kSplits) {
    const DatasetSplit& a = written.split(split);
    const DatasetSplit& b = read.split(split);
    EXPECT_EQ(a.label_source, b.label_source);
    EXPECT_EQ(a.document_names, b.document_names);
    EXPECT_EQ(a.piece_ids, b.piece_ids);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.piece_begin, b.piece_begin);
    EXPECT_EQ(a.piece_content_begin, b.piece_content_begin);
    EXPECT_EQ(a.piece_end, b.piece_end);
    EXPECT_EQ(a.window_offsets, b.window_offsets);
    EXPECT_EQ(a.window_document, b.window_document);
    EXPECT_EQ(a.window_first_piece, b.window_first_piece);
  }
  EXPECT_EQ(read.split(Split::kTrain).window_count(), 2u);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

void expect_read_error(const std::filesystem::path& path, const std::string& message) {
  try {
    read_dataset_file(path);
    ADD_FAILURE() << "expected an error containing: " << message;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
}

TEST(DatasetFile, RejectsCorruptTruncatedAndForeignFiles) {
  testing::TempDir dir;
  expect_read_error(dir.path() / "missing.h5", "no such file");
  expect_read_error(dir.write("text.h5", "plain text, not HDF5"), "not an HDF5 file");
  const auto path = dir.path() / "data.h5";
  write_dataset_file(path, sample_dataset());
  const std::string bytes = testing::read_text_file(path);
  expect_read_error(dir.write("truncated.h5", bytes.substr(0, bytes.size() / 2)), "");
}

TEST(DatasetFile, RejectsANewerFormatVersion) {
  testing::TempDir dir;
  DatasetFile dataset = sample_dataset();
  dataset.format_version = kDatasetFormatVersion + 1;
  const auto path = dir.path() / "future.h5";
  write_dataset_file(path, dataset);
  expect_read_error(path, "this build reads dataset format version <= 1, the file is version 2");
}

TEST(DatasetFile, RefusesToWriteInconsistentSplits) {
  testing::TempDir dir;
  DatasetFile dataset = sample_dataset();
  dataset.split(Split::kTrain).labels.pop_back();
  EXPECT_THROW(write_dataset_file(dir.path() / "bad.h5", dataset), Error);
  dataset = sample_dataset();
  dataset.split(Split::kTrain).window_document[1] = 7;
  EXPECT_THROW(write_dataset_file(dir.path() / "bad.h5", dataset), Error);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "bad.h5"));
}

}  // namespace
}  // namespace ner
