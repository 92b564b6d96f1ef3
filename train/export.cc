#include "train/export.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "datasets/corpus.h"
#include "datasets/data_config.h"
#include "datasets/error.h"

namespace ner {
namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utc);
}

// The held-out scores of metrics.json, if training got that far and they
// describe `checkpoint_file` (they are the best checkpoint's).
nlohmann::json held_out_scores(const std::filesystem::path& run_dir,
                               const std::filesystem::path& checkpoint_file) {
  const std::filesystem::path path = run_dir / "metrics.json";
  if (!std::filesystem::exists(path)) return nullptr;
  try {
    const nlohmann::json metrics = nlohmann::json::parse(read_file(path));
    if (metrics.value("checkpoint", "") != checkpoint_file.filename().string()) return nullptr;
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
    throw Error(fmt::format("{}: not valid metrics: {}", path.string(), error.what()));
  }
}

}  // namespace

ModelFile build_model_file(TrainedRun& run, const std::filesystem::path& run_dir,
                           const std::filesystem::path& checkpoint_file) {
  ModelFile file;
  file.config = run.options.model;
  file.tag_scheme = run.run_info.at("tag_scheme").get<std::string>();
  file.label_names = run.label_set.names();
  const std::string data_config_yaml = run.run_info.value("data_config", "");
  DataConfig data_config;
  apply_yaml(data_config, data_config_yaml, (run_dir / "run.json").string() + " (data_config)");
  // Windows at tagging time never exceed what the model can position.
  file.max_len = std::min(data_config.max_len, static_cast<std::size_t>(file.config.max_positions));
  file.stride = std::min(data_config.effective_stride(), file.max_len);
  file.tokenizer_model = read_file(run_dir / "tokenizer.model");
  file.crf = run.model->decoder().crf;
  torch::NoGradGuard no_grad;
  for (const auto& item : run.model->named_parameters()) {
    const torch::Tensor values = item.value().detach().to(torch::kCPU, torch::kFloat).contiguous();
    WeightTensor tensor;
    tensor.shape.assign(values.sizes().begin(), values.sizes().end());
    tensor.values.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
    file.weights.emplace(item.key(), std::move(tensor));
  }
  file.provenance = {
      {"exported", utc_now()},
      {"version", NER_VERSION},
      {"checkpoint", std::filesystem::absolute(checkpoint_file).lexically_normal().string()},
      {"step", run.progress.step},
      {"dataset", run.run_info.value("dataset", "")},
      {"label_source", run.run_info.value("label_source", nlohmann::json())},
      {"data_config", data_config_yaml},
      {"train_config", read_file(run_dir / "config.yaml")},
      {"held_out", held_out_scores(run_dir, checkpoint_file)}};
  return file;
}

void export_model(const std::filesystem::path& checkpoint_file, const std::filesystem::path& out,
                  WeightStorage storage) {
  const std::filesystem::path run_dir = checkpoint_file.has_parent_path()
                                            ? checkpoint_file.parent_path()
                                            : std::filesystem::path(".");
  if (!std::filesystem::exists(run_dir / "run.json")) {
    throw Error(fmt::format("{}: not inside a training run directory (no run.json beside it)",
                            checkpoint_file.string()));
  }
  std::error_code error;
  if (std::filesystem::equivalent(out, checkpoint_file, error)) {
    throw Error(
        fmt::format("{}: --out is the checkpoint itself; choose another file", out.string()));
  }
  TrainedRun run = load_trained_run(run_dir, checkpoint_file, torch::kCPU);
  write_model_file(out, build_model_file(run, run_dir, checkpoint_file), storage);
}

}  // namespace ner
