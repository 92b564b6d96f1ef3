#include "models/model_file.h"

#include <fmt/format.h>

#include <Eigen/Core>
#include <functional>
#include <numeric>
#include <set>

#include "base/checksum.h"
#include "base/error.h"
#include "base/hdf5_storage.h"
#include "datasets/labels.h"

namespace ner {
namespace {

nlohmann::json config_to_json(const ModelConfig& config) {
  return {{"vocab_size", config.vocab_size},
          {"num_labels", config.num_labels},
          {"d_model", config.d_model},
          {"layers", config.layers},
          {"heads", config.heads},
          {"ffn", config.ffn},
          {"dropout", config.dropout},
          {"max_positions", config.max_positions},
          {"decoder", decoder_name(config.decoder)}};
}

ModelConfig config_from_json(const nlohmann::json& json) {
  ModelConfig config;
  config.vocab_size = json.at("vocab_size").get<int>();
  config.num_labels = json.at("num_labels").get<int>();
  config.d_model = json.at("d_model").get<int>();
  config.layers = json.at("layers").get<int>();
  config.heads = json.at("heads").get<int>();
  config.ffn = json.at("ffn").get<int>();
  config.dropout = json.at("dropout").get<double>();
  config.max_positions = json.at("max_positions").get<int>();
  config.decoder = parse_decoder_kind(json.at("decoder").get<std::string>());
  return config;
}

std::int64_t element_count(const std::vector<std::int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1},
                         std::multiplies<std::int64_t>());
}

// Over the stored bytes: HDF5 reads a chunk whose index was damaged as fill
// values without complaint; this catches that too.
template <typename T>
std::string checksum(const std::vector<T>& values) {
  return checksum_hex(values.data(), values.size() * sizeof(T));
}

std::string checksum(const std::string& bytes) {
  return checksum_hex(bytes);
}

std::vector<std::uint16_t> to_fp16_bits(const std::vector<float>& values) {
  std::vector<std::uint16_t> bits(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    bits[i] = Eigen::numext::bit_cast<std::uint16_t>(Eigen::half(values[i]));
  return bits;
}

std::vector<float> from_fp16_bits(const std::vector<std::uint16_t>& bits) {
  std::vector<float> values(bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i)
    values[i] = static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(bits[i]));
  return values;
}

// The network config is valid and tagging windows fit its positions.
void check_config(const ModelFile& model, const std::string& source) {
  try {
    validate(model.config);
  } catch (const Error& error) {
    throw Error(fmt::format("{}: {}", source, error.what()));
  }
  if (model.max_len == 0 || model.stride == 0 || model.stride > model.max_len ||
      model.max_len > static_cast<std::size_t>(model.config.max_positions)) {
    throw Error(fmt::format("{}: window length {} and stride {} do not fit {} positions", source,
                            model.max_len, model.stride, model.config.max_positions));
  }
}

// The label list must be what the scheme produces, or decoding rules and
// labels would disagree.
void check_labels(const ModelFile& model, const std::string& source) {
  const LabelSet label_set(parse_tag_scheme(model.tag_scheme));
  if (label_set.names() != model.label_names)
    throw Error(
        fmt::format("{}: label list does not match the {} scheme", source, model.tag_scheme));
  if (model.config.num_labels != static_cast<int>(model.label_names.size()))
    throw Error(fmt::format("{}: config has {} labels, the label list {}", source,
                            model.config.num_labels, model.label_names.size()));
  if (model.config.decoder == DecoderKind::kCrf) {
    const std::size_t labels = model.label_names.size();
    if (model.crf.labels != labels || model.crf.transitions.size() != labels * labels ||
        model.crf.start.size() != labels || model.crf.end.size() != labels) {
      throw Error(fmt::format("{}: CRF scores do not match {} labels", source, labels));
    }
  }
}

// Exactly the tensors the specification declares, each of its shape.
void check_tensors(const ModelFile& model, const std::string& source) {
  std::set<std::string> declared;
  for (const TensorSpec& spec : model_spec(model.config).tensors()) {
    const WeightTensor& tensor = require_tensor(model, spec, source);
    if (element_count(tensor.shape) != static_cast<std::int64_t>(tensor.values.size()))
      throw Error(fmt::format("{}: tensor '{}' has the wrong number of values", source, spec.name));
    declared.insert(spec.name);
  }
  for (const auto& [name, tensor] : model.weights) {
    if (declared.count(name) == 0)
      throw Error(fmt::format("{}: unknown tensor '{}' (not part of this model)", source, name));
  }
}

}  // namespace

Decoder ModelFile::decoder() const {
  return make_decoder(config.decoder, transition_rules(LabelSet(parse_tag_scheme(tag_scheme))),
                      crf);
}

const WeightTensor& require_tensor(const ModelFile& model, const TensorSpec& spec,
                                   const std::string& source) {
  const auto found = model.weights.find(spec.name);
  if (found == model.weights.end())
    throw Error(fmt::format("{}: missing tensor '{}'", source, spec.name));
  if (found->second.shape != spec.shape) {
    throw Error(fmt::format("{}: tensor '{}' has shape [{}], the config needs [{}]", source,
                            spec.name, fmt::join(found->second.shape, ", "),
                            fmt::join(spec.shape, ", ")));
  }
  return found->second;
}

void write_model_file(const std::filesystem::path& path, const ModelFile& model,
                      WeightStorage storage) {
  check_config(model, path.string());
  check_labels(model, path.string());
  check_tensors(model, path.string());
  nlohmann::json tensors = nlohmann::json::object();
  const std::string provenance = model.provenance.dump();
  nlohmann::json checksums = {{"tokenizer_model", checksum(model.tokenizer_model)},
                              {"provenance_json", checksum(provenance)},
                              {"crf/transitions", checksum(model.crf.transitions)},
                              {"crf/start", checksum(model.crf.start)},
                              {"crf/end", checksum(model.crf.end)}};
  std::map<std::string, std::vector<std::uint16_t>> half_weights;
  for (const auto& [name, tensor] : model.weights) {
    tensors[name] = tensor.shape;
    if (storage == WeightStorage::kFp16) {
      const auto& bits = half_weights[name] = to_fp16_bits(tensor.values);
      checksums["weights/" + name] = checksum(bits);
    } else {
      checksums["weights/" + name] = checksum(tensor.values);
    }
  }
  nlohmann::json metadata = {{"config", config_to_json(model.config)},
                             {"tag_scheme", model.tag_scheme},
                             {"label_names", model.label_names},
                             {"max_len", model.max_len},
                             {"stride", model.stride},
                             {"weight_storage", storage == WeightStorage::kFp16 ? "fp16" : "fp32"},
                             {"tensors", tensors},
                             {"checksums", checksums}};
  if (!model.calibration.empty()) metadata["score_calibration"] = model.calibration.to_json();
  const auto labels = static_cast<std::int64_t>(model.crf.labels);
  hdf5::write_file_atomically(path, "model", [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    hdf5::write_format_mark(root, {kModelFormatName, kModelFormatVersion});
    hdf5::write_string(root, "metadata_json", metadata.dump());
    hdf5::write_string(root, "provenance_json", provenance);
    hdf5::write_bytes(root, "tokenizer_model", model.tokenizer_model);
    H5::Group crf = file.createGroup("crf");
    hdf5::write_array(crf, "transitions", model.crf.transitions, {labels, labels});
    hdf5::write_array(crf, "start", model.crf.start);
    hdf5::write_array(crf, "end", model.crf.end);
    H5::Group weights = file.createGroup("weights");
    for (const auto& [name, tensor] : model.weights) {
      if (storage == WeightStorage::kFp16) {
        hdf5::write_array(weights, name, half_weights.at(name), tensor.shape);
      } else {
        hdf5::write_array(weights, name, tensor.values, tensor.shape);
      }
    }
  });
}

ModelFile read_model_file(const std::filesystem::path& path) {
  ModelFile model;
  const std::string source = path.string();
  hdf5::read_file(path, "model", [&](H5::H5File& file) {
    const hdf5::GroupReader root(path, file.openGroup("/"), "");
    const auto not_a_model = [&] {
      root.fail("not a model file (no 'ner-ml-facts-model' format mark)");
    };
    if (!root.has("format")) not_a_model();
    const hdf5::FormatMark mark = hdf5::read_format_mark(root);
    if (mark.name != kModelFormatName) not_a_model();
    model.format_version = mark.version;
    if (model.format_version > kModelFormatVersion || model.format_version < 1) {
      root.fail(fmt::format(
          "model format version {}; this build reads versions 1 to {} (a newer ner-tag may "
          "read it)",
          model.format_version, kModelFormatVersion));
    }
    // Version 1 stored every weight flat; its shape came from the metadata.
    const bool shaped = model.format_version >= 2;
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> tensors;
    std::map<std::string, std::string> checksums;
    std::string provenance;
    std::string storage;
    try {
      const nlohmann::json metadata = nlohmann::json::parse(root.string("metadata_json"));
      model.config = config_from_json(metadata.at("config"));
      model.tag_scheme = metadata.at("tag_scheme").get<std::string>();
      model.label_names = metadata.at("label_names").get<std::vector<std::string>>();
      model.max_len = metadata.at("max_len").get<std::size_t>();
      model.stride = metadata.at("stride").get<std::size_t>();
      storage = metadata.at("weight_storage").get<std::string>();
      checksums = metadata.at("checksums").get<std::map<std::string, std::string>>();
      provenance = root.string("provenance_json");
      if (metadata.contains("score_calibration"))
        model.calibration = ScoreCalibration::from_json(metadata["score_calibration"]);
      for (const auto& [name, shape] : metadata.at("tensors").items())
        tensors.emplace_back(name, shape.get<std::vector<std::int64_t>>());
    } catch (const nlohmann::json::exception& error) {
      root.fail(fmt::format("malformed metadata: {}", error.what()));
    } catch (const Error& error) {
      root.fail(fmt::format("malformed metadata: {}", error.message()));
    }
    if (storage != "fp32" && storage != "fp16")
      root.fail(fmt::format("unknown weight storage '{}'", storage));
    model.storage = storage == "fp16" ? WeightStorage::kFp16 : WeightStorage::kFp32;
    check_config(model, source);
    const auto verify = [&](const std::string& name, const std::string& sum) {
      const auto expected = checksums.find(name);
      if (expected == checksums.end()) root.fail(fmt::format("no checksum for '{}'", name));
      if (expected->second != sum)
        root.fail(fmt::format("'{}' does not match its checksum: the file is corrupt", name));
    };
    verify("provenance_json", checksum(provenance));
    try {
      model.provenance = nlohmann::json::parse(provenance);
    } catch (const nlohmann::json::exception& error) {
      root.fail(fmt::format("malformed provenance: {}", error.what()));
    }
    model.tokenizer_model = root.bytes("tokenizer_model");
    verify("tokenizer_model", checksum(model.tokenizer_model));
    if (!file.nameExists("crf")) root.fail("missing group 'crf'");
    const hdf5::GroupReader crf(path, file.openGroup("crf"), "crf/");
    model.crf.transitions = crf.array<float>("transitions");
    model.crf.start = crf.array<float>("start");
    model.crf.end = crf.array<float>("end");
    model.crf.labels = model.crf.start.size();
    verify("crf/transitions", checksum(model.crf.transitions));
    verify("crf/start", checksum(model.crf.start));
    verify("crf/end", checksum(model.crf.end));
    if (!file.nameExists("weights")) root.fail("missing group 'weights'");
    const hdf5::GroupReader weights(path, file.openGroup("weights"), "weights/");
    for (const auto& [name, shape] : tensors) {
      if (!weights.has(name)) root.fail(fmt::format("missing tensor '{}'", name));
      if (shaped && weights.shape(name) != shape) {
        root.fail(fmt::format("tensor '{}' is stored as [{}], the metadata says [{}]", name,
                              fmt::join(weights.shape(name), ", "), fmt::join(shape, ", ")));
      }
      WeightTensor tensor;
      tensor.shape = shape;
      if (model.storage == WeightStorage::kFp16) {
        const auto bits = weights.array<std::uint16_t>(name);
        verify("weights/" + name, checksum(bits));
        tensor.values = from_fp16_bits(bits);
      } else {
        tensor.values = weights.array<float>(name);
        verify("weights/" + name, checksum(tensor.values));
      }
      if (static_cast<std::int64_t>(tensor.values.size()) != element_count(tensor.shape)) {
        root.fail(fmt::format("tensor '{}' has {} values, its shape needs {}", name,
                              tensor.values.size(), element_count(tensor.shape)));
      }
      model.weights.emplace(name, std::move(tensor));
    }
  });
  check_labels(model, source);
  check_tensors(model, source);
  return model;
}

}  // namespace ner
