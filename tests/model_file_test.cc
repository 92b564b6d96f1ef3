// The exported model file: round trips in fp32 and fp16, files of every earlier
// format version, the layout standard HDF5 tools see, and every way a file can
// be wrong (unknown version, truncated, corrupt bytes, a missing, unknown or
// mis-shaped tensor).
#include "models/model_file.h"

#include <H5Cpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "base/error.h"
#include "infer/engine.h"
#include "tests/random_model.h"
#include "tests/test_util.h"

namespace ner {
namespace {

namespace fs = std::filesystem;

std::string error_of(const fs::path& path) {
  try {
    read_model_file(path);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(ModelFile, RoundTripsEveryField) {
  const testing::TempDir dir;
  ModelFile model = testing::random_model(1);
  model.calibration = fit_isotonic({{0.3, false}, {0.6, true}, {0.9, true}});
  write_model_file(dir.path() / "m.nerm", model);
  const ModelFile back = read_model_file(dir.path() / "m.nerm");
  EXPECT_EQ(back.format_version, kModelFormatVersion);
  EXPECT_EQ(back.config.d_model, model.config.d_model);
  EXPECT_EQ(back.config.decoder, DecoderKind::kCrf);
  EXPECT_EQ(back.label_names, model.label_names);
  EXPECT_EQ(back.max_len, 24u);
  EXPECT_EQ(back.stride, 16u);
  EXPECT_EQ(back.tokenizer_model, model.tokenizer_model);
  EXPECT_EQ(back.crf.transitions, model.crf.transitions);
  EXPECT_EQ(back.provenance, model.provenance);
  EXPECT_EQ(back.calibration.scores, model.calibration.scores);
  EXPECT_EQ(back.calibration.probabilities, model.calibration.probabilities);
  EXPECT_TRUE(read_model_file(dir.path() / "m.nerm").calibration(0.9) == 1.0);
  ASSERT_EQ(back.weights.size(), model.weights.size());
  for (const auto& [name, tensor] : model.weights) {
    EXPECT_EQ(back.weights.at(name).shape, tensor.shape) << name;
    EXPECT_EQ(back.weights.at(name).values, tensor.values) << name;
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1)
      << "temporary file left behind";
}

TEST(ModelFile, Fp16StorageIsSmallerAndClose) {
  const testing::TempDir dir;
  const ModelFile model = testing::random_model(2);
  write_model_file(dir.path() / "32.nerm", model, WeightStorage::kFp32);
  write_model_file(dir.path() / "16.nerm", model, WeightStorage::kFp16);
  EXPECT_LT(fs::file_size(dir.path() / "16.nerm"), fs::file_size(dir.path() / "32.nerm"));
  const ModelFile back = read_model_file(dir.path() / "16.nerm");
  EXPECT_EQ(back.storage, WeightStorage::kFp16);
  for (const auto& [name, tensor] : model.weights) {
    for (std::size_t i = 0; i < tensor.values.size(); ++i)
      ASSERT_NEAR(back.weights.at(name).values[i], tensor.values[i],
                  1e-3 * std::max(1.0f, std::abs(tensor.values[i])))
          << name;
  }
}

TEST(ModelFile, RejectsANewerVersion) {
  const testing::TempDir dir;
  write_model_file(dir.path() / "new.nerm", testing::random_model(3));
  testing::set_format_version(dir.path() / "new.nerm", kModelFormatVersion + 1);
  const std::string error = error_of(dir.path() / "new.nerm");
  EXPECT_NE(error.find("version " + std::to_string(kModelFormatVersion + 1)), std::string::npos)
      << error;
  EXPECT_NE(error.find("new.nerm"), std::string::npos) << error;
}

TEST(ModelFile, RejectsTruncatedAndCorruptFiles) {
  const testing::TempDir dir;
  write_model_file(dir.path() / "m.nerm", testing::random_model(4));
  const std::string bytes = testing::read_text_file(dir.path() / "m.nerm");
  for (const std::size_t keep :
       {std::size_t{0}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    const fs::path cut = dir.write("cut.nerm", bytes.substr(0, keep));
    EXPECT_NE(error_of(cut), "") << "truncated to " << keep << " bytes was accepted";
    if (keep >= 100) {
      EXPECT_NE(error_of(cut).find("truncated"), std::string::npos) << error_of(cut);
    }
  }
  // Garbage anywhere is either reported or lands in unused space: a read
  // never returns other values than were written.
  const ModelFile original = read_model_file(dir.path() / "m.nerm");
  std::size_t caught = 0, tried = 0;
  for (std::size_t at = 0; at + 16 < bytes.size(); at += 509) {
    std::string corrupt = bytes;
    for (std::size_t i = at; i < at + 16; ++i)
      corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
    const fs::path path = dir.write("corrupt.nerm", corrupt);
    ++tried;
    try {
      const ModelFile read = read_model_file(path);
      EXPECT_EQ(read.provenance, original.provenance) << "corrupt at byte " << at;
      for (const auto& [name, tensor] : original.weights)
        ASSERT_EQ(read.weights.at(name).values, tensor.values) << name << ", corrupt at " << at;
    } catch (const Error&) {
      ++caught;
    }
  }
  // The rest of this small file is HDF5's reserved space, never read.
  EXPECT_GT(caught, tried / 4);
  EXPECT_NE(error_of(dir.write("text.nerm", "hello")).find("not an HDF5 file"), std::string::npos);
  EXPECT_NE(error_of(dir.path() / "absent.nerm").find("no such file"), std::string::npos);
}

TEST(ModelFile, RejectsAMissingTensor) {
  const testing::TempDir dir;
  write_model_file(dir.path() / "m.nerm", testing::random_model(5));
  {
    H5::H5File file((dir.path() / "m.nerm").string(), H5F_ACC_RDWR);
    file.unlink("weights/encoder.head.bias");
  }
  const std::string error = error_of(dir.path() / "m.nerm");
  EXPECT_NE(error.find("missing tensor 'encoder.head.bias'"), std::string::npos) << error;
}

TEST(ModelFile, EngineNamesATensorTheConfigNeeds) {
  ModelFile model = testing::random_model(6);
  model.weights.erase("encoder.blocks.1.ffn_in.weight");
  try {
    Engine engine(model, 1, "m.nerm");
    FAIL() << "an engine was built without ffn_in";
  } catch (const Error& error) {
    EXPECT_NE(
        std::string(error.what()).find("m.nerm: missing tensor 'encoder.blocks.1.ffn_in.weight'"),
        std::string::npos)
        << error.what();
  }
  model = testing::random_model(6);
  model.weights["encoder.head.bias"].shape = {7};
  model.weights["encoder.head.bias"].values.resize(7);
  EXPECT_THROW(Engine(model, 1, "m.nerm"), Error);
}

// Every format version this build has written keeps loading into the same
// model: tests/data holds a file of each, written by the writer of its day.
TEST(ModelFile, ReadsAFileOfEveryFormatVersion) {
  const ModelFile golden = testing::golden_model();
  const std::vector<std::pair<std::string, int>> files = {
      {"model_format1.nerm", 1}, {"model_format1_fp16.nerm", 1}, {"model_format2.nerm", 2}};
  ASSERT_EQ(files.back().second, kModelFormatVersion) << "add a file of the new version";
  const std::vector<std::vector<std::int32_t>> windows = {{1, 5, 9, 23, 0, 7}, {3}};
  BatchLogits expected;
  Engine(golden, 1, "golden").forward(windows, expected);
  for (const auto& [name, version] : files) {
    const ModelFile read = read_model_file(testing::test_data_file(name));
    EXPECT_EQ(read.format_version, version) << name;
    EXPECT_EQ(read.config.vocab_size, golden.config.vocab_size) << name;
    EXPECT_EQ(read.config.d_model, golden.config.d_model) << name;
    EXPECT_EQ(read.config.decoder, DecoderKind::kCrf) << name;
    EXPECT_EQ(read.label_names, golden.label_names) << name;
    EXPECT_EQ(read.max_len, golden.max_len) << name;
    EXPECT_EQ(read.stride, golden.stride) << name;
    EXPECT_EQ(read.tokenizer_model, golden.tokenizer_model) << name;
    EXPECT_EQ(read.crf.transitions, golden.crf.transitions) << name;
    EXPECT_EQ(read.provenance.at("exported"), golden.provenance.at("exported")) << name;
    const bool half = read.storage == WeightStorage::kFp16;
    EXPECT_EQ(half, name.find("fp16") != std::string::npos) << name;
    ASSERT_EQ(read.weights.size(), golden.weights.size()) << name;
    for (const auto& [tensor_name, tensor] : golden.weights) {
      const WeightTensor& got = read.weights.at(tensor_name);
      EXPECT_EQ(got.shape, tensor.shape) << name << " " << tensor_name;
      for (std::size_t i = 0; i < tensor.values.size(); ++i)
        ASSERT_NEAR(got.values[i], tensor.values[i], half ? 1e-3 : 0.0)
            << name << " " << tensor_name;
    }
    BatchLogits logits;
    Engine(read, 1, name).forward(windows, logits);
    for (std::size_t i = 0; i < expected.values.size(); ++i)
      ASSERT_NEAR(logits.values[i], expected.values[i], half ? 2e-2 : 1e-6) << name;
  }
}

// Standard HDF5 tools see each weight with its shape and every text as a
// string, not as a list of bytes.
TEST(ModelFile, StoresShapesAndStringsForStandardTools) {
  const testing::TempDir dir;
  const ModelFile model = testing::random_model(8);
  write_model_file(dir.path() / "m.nerm", model);
  H5::H5File file((dir.path() / "m.nerm").string(), H5F_ACC_RDONLY);
  const H5::DataSet qkv = file.openDataSet("weights/encoder.blocks.0.qkv.weight");
  hsize_t dims[2] = {0, 0};
  ASSERT_EQ(qkv.getSpace().getSimpleExtentNdims(), 2);
  qkv.getSpace().getSimpleExtentDims(dims);
  EXPECT_EQ(dims[0], 48u);
  EXPECT_EQ(dims[1], 16u);
  EXPECT_EQ(file.openDataSet("crf/transitions").getSpace().getSimpleExtentNdims(), 2);
  // The format mark keeps its first layout, so every build can read it.
  EXPECT_EQ(file.openDataSet("format").getTypeClass(), H5T_INTEGER);
  for (const char* text : {"metadata_json", "provenance_json"})
    EXPECT_EQ(file.openDataSet(text).getTypeClass(), H5T_STRING) << text;
}

TEST(ModelFile, RefusesTensorsTheSpecificationDoesNotDeclare) {
  const testing::TempDir dir;
  ModelFile model = testing::random_model(9);
  model.weights["encoder.extra.weight"] = WeightTensor{{2}, {1.0f, 2.0f}};
  try {
    write_model_file(dir.path() / "m.nerm", model);
    FAIL() << "a model with an undeclared tensor was written";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("unknown tensor 'encoder.extra.weight'"),
              std::string::npos)
        << error.what();
  }
  model = testing::random_model(9);
  model.weights["encoder.positions.weight"].shape = {16, 24};
  try {
    write_model_file(dir.path() / "m.nerm", model);
    FAIL() << "a mis-shaped tensor was written";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what())
                  .find("tensor 'encoder.positions.weight' has shape [16, 24], the config needs "
                        "[24, 16]"),
              std::string::npos)
        << error.what();
  }
}

TEST(Engine, SameLogitsWhateverTheBatchAndThreads) {
  const ModelFile model = testing::random_model(7);
  Engine one(model, 1, "m");
  Engine two(model, 2, "m");
  const std::vector<std::vector<std::int32_t>> windows = {
      {1, 2, 3, 4, 5}, {7}, std::vector<std::int32_t>(24, 9), {3, 1, 4, 1, 5, 9, 2, 6}};
  BatchLogits together;
  one.forward(windows, together);
  for (std::size_t w = 0; w < windows.size(); ++w) {
    BatchLogits alone;
    two.forward({windows[w]}, alone);
    ASSERT_EQ(alone.length(0), windows[w].size());
    for (std::size_t i = 0; i < alone.values.size(); ++i)
      EXPECT_NEAR(alone.values[i], together.window(w)[i], 1e-5) << "window " << w;
  }
  const auto decoded = one.tag(windows);
  for (std::size_t w = 0; w < windows.size(); ++w) {
    EXPECT_EQ(decoded[w].labels.size(), windows[w].size());
    EXPECT_TRUE(is_valid_sequence(decoded[w].labels, model.decoder().rules));
  }
  EXPECT_THROW(one.forward({{}}, together), Error);
  EXPECT_THROW(one.forward({std::vector<std::int32_t>(25, 1)}, together), Error);
  EXPECT_THROW(one.forward({{50}}, together), Error);
}

TEST(Engine, WorkSplitAcrossThreadsGivesTheSameLogits) {
  // Large enough that the products, the attention and the decoding are each
  // worth more than one thread.
  ModelConfig sizes;
  sizes.vocab_size = 300;
  sizes.d_model = 64;
  sizes.layers = 1;
  sizes.heads = 4;
  sizes.ffn = 256;
  sizes.max_positions = 128;
  const ModelFile model = testing::random_model_of(sizes, 11);
  std::vector<std::vector<std::int32_t>> windows;
  std::mt19937 random(3);
  std::uniform_int_distribution<std::int32_t> piece(0, sizes.vocab_size - 1);
  for (std::size_t length :
       {128, 97, 128, 5, 128, 128, 64, 128, 128, 128, 1, 128, 128, 128, 77, 128, 128, 128}) {
    windows.emplace_back(length);
    for (auto& id : windows.back())
      id = piece(random);
  }
  Engine one(model, 1, "m");
  Engine four(model, 4, "m");
  BatchLogits serial, parallel;
  one.forward(windows, serial);
  four.forward(windows, parallel);
  ASSERT_EQ(serial.values.size(), parallel.values.size());
  for (std::size_t i = 0; i < serial.values.size(); ++i)
    ASSERT_NEAR(serial.values[i], parallel.values[i], 1e-4) << i;
  const auto serial_labels = one.tag(windows);
  const auto parallel_labels = four.tag(windows);
  for (std::size_t w = 0; w < windows.size(); ++w)
    EXPECT_EQ(serial_labels[w].labels, parallel_labels[w].labels) << "window " << w;
}

}  // namespace
}  // namespace ner
