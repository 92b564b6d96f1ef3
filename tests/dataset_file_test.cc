#include "datasets/dataset_file.h"

#include <H5Cpp.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
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
  dataset.vocab_size = 321;
  dataset.corpora = {{"generated", 1.0f, true}, {"real text", 2.5f, false}};
  DatasetSplit& train = dataset.split(Split::kTrain);
  train.label_source = "weak";
  train.document_names = {"a.txt", "dir/Σ b.txt"};
  train.add_document(
      {"a.txt", "GPT-3 in 2020", {{EntityType::kModel, 0, 5}, {EntityType::kYear, 9, 13}}});
  train.add_document({"dir/Σ b.txt", "\u00e9t\u00e9 BERT", {{EntityType::kModel, 6, 10}}});
  train.piece_ids = {5, 6, 7, 8, 9};
  train.document_corpus = {0, 1};
  train.labels = {0, 1, 2, 0, 1};
  train.unknown = {1, 0, 0, 1, 0};
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
  EXPECT_EQ(read.vocab_size, 321);
  ASSERT_EQ(read.corpora.size(), 2u);
  EXPECT_EQ(read.corpora[1].name, "real text");
  EXPECT_EQ(read.corpora[1].weight, 2.5f);
  EXPECT_TRUE(read.corpora[0].has_gold);
  EXPECT_FALSE(read.corpora[1].has_gold);
  for (const Split split : kSplits) {
    const DatasetSplit& a = written.split(split);
    const DatasetSplit& b = read.split(split);
    EXPECT_EQ(a.label_source, b.label_source);
    EXPECT_EQ(a.document_names, b.document_names);
    EXPECT_EQ(a.document_texts, b.document_texts);
    EXPECT_EQ(a.span_offsets, b.span_offsets);
    EXPECT_EQ(a.span_begin, b.span_begin);
    EXPECT_EQ(a.span_end, b.span_end);
    EXPECT_EQ(a.span_type, b.span_type);
    EXPECT_TRUE(b.has_documents());
    EXPECT_EQ(a.piece_ids, b.piece_ids);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.unknown, b.unknown);
    EXPECT_EQ(a.document_corpus, b.document_corpus);
    EXPECT_EQ(a.piece_begin, b.piece_begin);
    EXPECT_EQ(a.piece_content_begin, b.piece_content_begin);
    EXPECT_EQ(a.piece_end, b.piece_end);
    EXPECT_EQ(a.window_offsets, b.window_offsets);
    EXPECT_EQ(a.window_document, b.window_document);
    EXPECT_EQ(a.window_first_piece, b.window_first_piece);
  }
  EXPECT_EQ(read.split(Split::kTrain).window_count(), 2u);
  const std::vector<Span> spans = read.split(Split::kTrain).document_spans(1);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].type, EntityType::kModel);
  EXPECT_EQ(spans[0].begin, 6u);
  EXPECT_EQ(spans[0].char_begin, 4u);  // "été " is 6 bytes, 4 code points
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1)
      << "temporary file left behind";
}

// Standard HDF5 tools show names, texts and labels as strings, and the
// vocabulary size as a typed attribute.
TEST(DatasetFile, StoresStringsAndTheVocabularySizeForStandardTools) {
  testing::TempDir dir;
  const auto path = dir.path() / "data.h5";
  write_dataset_file(path, sample_dataset());
  H5::H5File file(path.string(), H5F_ACC_RDONLY);
  // The format mark keeps its first layout, so every build can read it.
  EXPECT_EQ(file.openDataSet("format").getTypeClass(), H5T_INTEGER);
  EXPECT_EQ(file.openDataSet("format_version").getTypeClass(), H5T_INTEGER);
  for (const char* text : {"config_yaml", "tag_scheme", "label_names", "report_json",
                           "train/document_names", "train/document_texts", "train/label_source"})
    EXPECT_EQ(file.openDataSet(text).getTypeClass(), H5T_STRING) << text;
  const H5::Attribute vocab_size = file.openGroup("/").openAttribute("vocab_size");
  EXPECT_EQ(vocab_size.getTypeClass(), H5T_INTEGER);
}

// Files of format 1 still read (statistics need nothing more), without the
// documents that scoring needs.
TEST(DatasetFile, ReadsAFileOfFormatOne) {
  const DatasetFile read = read_dataset_file(testing::test_data_file("dataset_format1.h5"));
  EXPECT_EQ(read.format_version, 1);
  EXPECT_EQ(read.vocab_size, 400);  // from the preparation report, where format 1 kept it
  EXPECT_EQ(read.label_names.size(), 13u);
  EXPECT_EQ(read.split(Split::kTrain).document_names.size(), 3u);
  EXPECT_EQ(read.split(Split::kTrain).window_count(), 26u);
  EXPECT_EQ(read.split(Split::kDev).window_count(), 24u);
  EXPECT_EQ(read.split(Split::kTest).label_source, "gold");
  for (const Split split : kSplits)
    EXPECT_FALSE(read.split(split).has_documents()) << split_name(split);
}

TEST(DatasetFile, ReadsAFileOfFormatTwoAsOneCorpusWithEveryLabelKnown) {
  testing::TempDir dir;
  const auto path = dir.path() / "v2.h5";
  write_dataset_file(path, sample_dataset());
  {
    // The layout of version 2: no corpora, no corpus per document, no mask.
    H5::H5File file(path.string(), H5F_ACC_RDWR);
    for (const char* name : {"corpus_names", "corpus_weights", "corpus_has_gold"})
      file.unlink(name);
    for (const char* split : {"train", "dev", "test"}) {
      file.unlink(std::string(split) + "/document_corpus");
      file.unlink(std::string(split) + "/unknown");
    }
  }
  testing::set_format_version(path, 2);
  const DatasetFile read = read_dataset_file(path);
  EXPECT_EQ(read.format_version, 2);
  ASSERT_EQ(read.corpora.size(), 1u);
  EXPECT_TRUE(read.corpora[0].has_gold) << "its dev split was scored on gold";
  const DatasetSplit& train = read.split(Split::kTrain);
  EXPECT_EQ(train.unknown, std::vector<std::uint8_t>(5, 0));
  EXPECT_EQ(train.document_corpus, (std::vector<std::int32_t>{0, 0}));
}

TEST(DatasetFile, RefusesEntitiesOutsideTheirText) {
  testing::TempDir dir;
  DatasetFile dataset = sample_dataset();
  dataset.split(Split::kTrain).span_end[1] = 99;
  EXPECT_THROW(write_dataset_file(dir.path() / "bad.h5", dataset), Error);
  dataset = sample_dataset();
  dataset.split(Split::kTrain).span_begin[1] = 2;  // overlaps the entity before it
  EXPECT_THROW(write_dataset_file(dir.path() / "bad.h5", dataset), Error);
  dataset = sample_dataset();
  dataset.split(Split::kTrain).piece_end[2] = 14;  // past "GPT-3 in 2020"
  EXPECT_THROW(write_dataset_file(dir.path() / "bad.h5", dataset), Error);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "bad.h5"));
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
  expect_read_error(dir.write("truncated.h5", bytes.substr(0, bytes.size() / 2)), "truncated");
  expect_read_error(dir.write("short.h5", bytes.substr(0, bytes.size() - 1)), "truncated");
}

TEST(DatasetFile, RejectsANewerFormatVersion) {
  testing::TempDir dir;
  const auto path = dir.path() / "future.h5";
  write_dataset_file(path, sample_dataset());
  testing::set_format_version(path, kDatasetFormatVersion + 1);
  expect_read_error(path, fmt::format("this build reads dataset format version <= {}, the file is "
                                      "version {}",
                                      kDatasetFormatVersion, kDatasetFormatVersion + 1));
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
