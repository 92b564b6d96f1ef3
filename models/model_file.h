// The exported model: one versioned HDF5 file with config, labels, decoding
// rules, tokenizer and weights. Read by the LibTorch-free engine; no LibTorch here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "datasets/score_calibration.h"
#include "models/decoding.h"
#include "models/model_config.h"
#include "models/model_spec.h"

namespace ner {

inline constexpr const char* kModelFormatName = "ner-ml-facts-model";
// The version changes whenever the layout of the weights or the file does,
// and this build keeps reading every earlier one (tests/data holds a file of
// each). 1: weights as flat arrays, strings as bytes. 2: weights with their
// shape, strings as HDF5 strings.
inline constexpr int kModelFormatVersion = 2;
inline constexpr const char* kModelFileExtension = ".nerm";

struct WeightTensor {
  std::vector<std::int64_t> shape;
  std::vector<float> values;  // row-major
};

enum class WeightStorage { kFp32, kFp16 };

struct ModelFile {
  int format_version = kModelFormatVersion;  // as read; files are written in the current one
  ModelConfig config;
  std::string tag_scheme;  // "bio" or "bilou"
  std::vector<std::string> label_names;
  std::size_t max_len = 0;  // window length and stride the model was trained with
  std::size_t stride = 0;
  std::string tokenizer_model;                  // serialized SentencePiece model
  CrfScores crf;                                // empty unless the decoder is the CRF
  std::map<std::string, WeightTensor> weights;  // by name: exactly model_spec(config)'s tensors
  WeightStorage storage = WeightStorage::kFp32;
  // Where the model came from: corpus, dataset, config, held-out F1, date, version.
  nlohmann::json provenance = nlohmann::json::object();
  // Raw entity score -> probability that the entity is right, fitted on the
  // dev split at training time; empty (files without one): raw scores.
  ScoreCalibration calibration;

  // The decoder the label scheme and CRF scores describe.
  Decoder decoder() const;
};

// Writes atomically; fp16 storage halves the file, weights are read back as
// fp32. Throws ner::Error naming the file.
void write_model_file(const std::filesystem::path& path, const ModelFile& model,
                      WeightStorage storage = WeightStorage::kFp32);

// Reads and checks a model file: format name, version ("this build reads
// version <= N"), checksums, and the tensors against the model specification
// (none missing, none unknown, each of its shape). Throws ner::Error naming
// the file and the problem.
ModelFile read_model_file(const std::filesystem::path& path);

// The weight `spec` declares; throws ner::Error naming `source` and the
// tensor when it is missing or has another shape.
const WeightTensor& require_tensor(const ModelFile& model, const TensorSpec& spec,
                                   const std::string& source);

}  // namespace ner
