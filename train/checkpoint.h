// Training checkpoints: model weights, optimizer moments, schedule position,
// early-stopping state, loss scale and RNG states, in one file written atomically.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "train/flat_adamw.h"

namespace ner {

// 2: the optimizer state is FlatAdamW's. Weights of version 1 still load;
// its optimizer state (torch::optim::AdamW's) cannot be resumed.
// 3: a checksum trailer follows the archive; a damaged file is refused.
inline constexpr int kCheckpointFormatVersion = 3;

// Where a run stands; with the weights, optimizer and RNG states, enough to
// continue exactly where it left off.
struct TrainingProgress {
  std::int64_t step = 0;            // batches trained on (optimizer steps, taken or skipped)
  std::int64_t total_steps = 0;     // the schedule's length
  std::int64_t epoch = 0;           // the epoch in progress (0-based)
  std::int64_t batch_in_epoch = 0;  // batches of that epoch already trained on
  double best_f1 = -1;              // best dev micro F1 so far (-1: not evaluated yet)
  std::int64_t best_step = 0;
  std::int64_t last_evaluated_step = -1;
  int evaluations_without_gain = 0;
  std::int64_t pieces_seen = 0;
  double train_seconds = 0;  // time spent in training steps and evaluations
  double loss_scale = 0;     // fp16 loss scaler state (0: unused)
  int scaler_clean_steps = 0;
  long scaler_skipped_steps = 0;
  bool finished = false;  // early-stopped or out of steps: nothing left to resume

  nlohmann::json to_json() const;
  static TrainingProgress from_json(const nlohmann::json& json);
};

// Writes model, optimizer (if given), progress and the CPU (and, on CUDA,
// the device's) RNG state to `path` via a temporary file and a rename.
void save_checkpoint(const std::filesystem::path& path, torch::nn::Module& model,
                     FlatAdamW* optimizer, const TrainingProgress& progress,
                     const torch::Device& device);

// Loads weights into `model` (built with the same config) and, when given,
// the optimizer state; with `restore_rng`, also the RNG states. Throws
// ner::Error naming the file when it is missing, damaged (its checksum
// differs), corrupt or does not match, saying which checkpoint to use instead.
TrainingProgress load_checkpoint(const std::filesystem::path& path, torch::nn::Module& model,
                                 FlatAdamW* optimizer, bool restore_rng,
                                 const torch::Device& device);

}  // namespace ner
