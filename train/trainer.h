// The training run behind `ner-train`: dataset in, run directory out (config,
// tokenizer, best and last checkpoints, JSONL log, held-out metrics).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/progress.h"
#include "datasets/dataset_file.h"
#include "datasets/labels.h"
#include "datasets/span_metrics.h"
#include "models/ner_model.h"
#include "train/checkpoint.h"
#include "train/flat_adamw.h"
#include "train/mixed_precision.h"
#include "train/run_directory.h"
#include "train/train_options.h"

namespace ner {

struct TrainRequest {
  std::filesystem::path config;        // model and train sections; empty: defaults
  std::vector<std::string> overrides;  // "section.key=value", applied last
  std::filesystem::path data;          // dataset file; on resume, empty means the run's own
  std::filesystem::path run_dir;       // created for a new run; the run to continue on resume
  bool resume = false;
  // A pretraining run (`ner-train pretrain`) whose encoder a new run starts
  // from; empty: random weights.
  std::filesystem::path init;
  // Stop after this many steps in this invocation, saving the last
  // checkpoint as an interruption would (0: run to the end).
  std::int64_t stop_after_steps = 0;
  ProgressStyle progress = ProgressStyle::kAuto;
};

struct TrainOutcome {
  bool finished = false;  // false: stopped early by stop_after_steps, resumable
  // Resumed a run that had already finished: nothing was trained or scored,
  // and metrics and test scores stay empty (metrics.json holds them).
  bool already_finished = false;
  std::int64_t steps = 0;
  std::int64_t best_step = 0;
  nlohmann::json metrics;  // what metrics.json holds, once finished
  Scores test_scores;      // the best checkpoint on the test split
  std::string test_label_source;
};

// Runs (or continues) training. Throws ner::Error for bad input and for a
// non-finite loss in fp32/bf16 (the best checkpoint so far stays on disk).
TrainOutcome run_training(const TrainRequest& request);

// How many weights `model` trains.
std::int64_t parameter_count(torch::nn::Module& model);

// The optimizer ner-train trains `model` with: FlatAdamW over the weight-decay
// groups, at the options' learning rate and weight decay. Re-points the
// model's parameters into its flat buffer.
std::unique_ptr<FlatAdamW> make_optimizer(NerModel& model, const TrainOptions& options);
// The same over given weight-decay groups (another module's).
std::unique_ptr<FlatAdamW> make_optimizer(const ParameterGroups& groups,
                                          const TrainOptions& options);

// One update from `loss`: backpropagation, then (with a loss scaler) unscaling,
// clipping to `clip_norm` (0: none) and the optimizer step, skipped when the
// scaled gradients are not finite; the scaler's state goes into `progress`.
struct UpdateResult {
  torch::Tensor grad_norm;  // undefined when not clipped
  bool stepped = true;
};
UpdateResult backward_and_update(const torch::Tensor& loss, FlatAdamW& optimizer,
                                 std::optional<LossScaler>& scaler, double clip_norm,
                                 TrainingProgress& progress);
// Puts a resumed run's loss scale back.
void restore_scaler(std::optional<LossScaler>& scaler, const TrainingProgress& progress);

// Throws ner::Error naming `path` when the dataset's windows are longer than
// the model's positions, its piece ids fall outside the vocabulary, or a
// split it will be scored on does not hold its documents (format 1).
void check_dataset_fits(const DatasetFile& dataset, const ModelConfig& model,
                        const std::filesystem::path& path);

// A trained run loaded for evaluation or export: its options, label set and
// model with the weights of `checkpoint_file` (the run's best.pt, last.pt).
struct TrainedRun {
  TrainOptions options;
  LabelSet label_set{TagScheme::kBio};
  NerModel model{nullptr};
  RunInfo info;
  TrainingProgress progress;  // where the checkpoint was taken
};
TrainedRun load_trained_run(const RunDirectory& directory,
                            const std::filesystem::path& checkpoint_file,
                            const torch::Device& device);

}  // namespace ner
