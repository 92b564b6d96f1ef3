#include "train/export.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "base/error.h"
#include "base/output_paths.h"
#include "datasets/data_config.h"
#include "models/model_spec.h"

namespace ner {
namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utc);
}

// The held-out scores of the run's metrics.json, which describe the
// checkpoint exported.
nlohmann::json held_out_scores(const RunDirectory& directory, const nlohmann::json& metrics) {
  try {
    nlohmann::json summary = {{"checkpoint", metrics.value("checkpoint", "")},
                              {"label_source", metrics.value("label_source", nlohmann::json())}};
    for (const char* split : {"dev", "test"}) {
      if (!metrics.contains(split)) continue;
      const nlohmann::json& scores = metrics.at(split).at("scores");
      summary[split] = {{"documents", metrics.at(split).value("documents", 0)},
                        {"micro", scores.value("micro", nlohmann::json())},
                        {"types", scores.value("types", nlohmann::json())}};
    }
    return summary;
  } catch (const nlohmann::json::exception& error) {
    throw Error(
        fmt::format("{}: not valid metrics: {}", directory.metrics().string(), error.what()));
  }
}

// What an export may not write over: the checkpoint it reads and every file
// of its run (run.json, config, tokenizer, checkpoints, log, metrics), but
// not a model file, which exporting again is meant to replace.
std::vector<CommandPath> run_files(const RunDirectory& directory,
                                   const std::filesystem::path& checkpoint_file) {
  std::vector<CommandPath> files = {{"--checkpoint", checkpoint_file}};
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory.root(), error)) {
    if (entry.path().extension() != directory.model_file().extension())
      files.push_back({"of the run", entry.path()});
  }
  return files;
}

}  // namespace

ModelFile build_model_file(TrainedRun& run, const RunDirectory& directory,
                           const std::filesystem::path& checkpoint_file) {
  ModelFile file;
  file.config = run.options.model;
  file.tag_scheme = run.info.tag_scheme;
  file.label_names = run.label_set.names();
  DataConfig data_config;
  apply_yaml(data_config, run.info.data_config, directory.info().string() + " (data_config)");
  // Windows at tagging time never exceed what the model can position.
  file.max_len = std::min(data_config.max_len, static_cast<std::size_t>(file.config.max_positions));
  file.stride = std::min(data_config.effective_stride(), file.max_len);
  file.tokenizer_model = directory.read_tokenizer();
  if (file.config.decoder == DecoderKind::kCrf) file.crf = run.model->decoder().scores;
  torch::NoGradGuard no_grad;
  const auto parameters = run.model->named_parameters();
  for (const TensorSpec& spec : model_spec(file.config).tensors()) {
    const torch::Tensor values =
        parameters[spec.name].detach().to(torch::kCPU, torch::kFloat).contiguous();
    WeightTensor tensor;
    tensor.shape = spec.shape;
    tensor.values.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
    file.weights.emplace(spec.name, std::move(tensor));
  }
  file.provenance = {
      {"exported", utc_now()},
      {"version", NER_VERSION},
      {"checkpoint", std::filesystem::absolute(checkpoint_file).lexically_normal().string()},
      {"step", run.progress.step},
      {"dataset", run.info.dataset},
      {"label_source", run.info.label_source},
      {"data_config", run.info.data_config},
      {"train_config", directory.read_config()},
      {"held_out", nullptr}};
  if (!run.info.pretrained.is_null()) file.provenance["pretraining"] = run.info.pretrained;
  // Held-out scores and the score calibration, if training got that far and
  // they describe `checkpoint_file` (they are the best checkpoint's).
  const std::optional<nlohmann::json> metrics = directory.read_metrics();
  if (!metrics || metrics->value("checkpoint", "") != checkpoint_file.filename().string())
    return file;
  file.provenance["held_out"] = held_out_scores(directory, *metrics);
  if (metrics->contains("calibration")) {
    nlohmann::json report = metrics->at("calibration");
    try {
      file.calibration = ScoreCalibration::from_json(report.at("map"));
    } catch (const std::exception& error) {
      throw Error(fmt::format("{}: {}", directory.metrics().string(), error.what()));
    }
    report.erase("map");
    file.provenance["calibration"] = report;
  }
  return file;
}

void export_model(const std::filesystem::path& checkpoint_file, const std::filesystem::path& out,
                  WeightStorage storage) {
  const RunDirectory directory = RunDirectory::of_checkpoint(checkpoint_file);
  refuse_output_over_inputs({"--out", out}, run_files(directory, checkpoint_file));
  TrainedRun run = load_trained_run(directory, checkpoint_file, torch::kCPU);
  write_model_file(out, build_model_file(run, directory, checkpoint_file), storage);
}

}  // namespace ner
