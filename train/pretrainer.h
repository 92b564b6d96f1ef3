// Masked-language pretraining of the encoder on untagged text: a tokenized
// text file in, a pretraining run directory out (config, tokenizer, last.pt, log).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/progress.h"
#include "models/ner_model.h"

namespace ner {

struct PretrainRequest {
  std::filesystem::path config;        // model, train and pretrain sections; empty: defaults
  std::vector<std::string> overrides;  // "section.key=value", applied last
  std::filesystem::path data;          // from `ner-train prepare-text`; on resume, the run's own
  std::filesystem::path run_dir;
  // Continue pretraining from this pretraining run's weights (encoder and
  // head) with a fresh optimizer and schedule; same tokenizer and sizes.
  std::filesystem::path init;
  bool resume = false;
  std::int64_t stop_after_steps = 0;  // 0: run to the end
  ProgressStyle progress = ProgressStyle::kAuto;
};

struct PretrainOutcome {
  bool finished = false;          // false: stopped by stop_after_steps, resumable
  bool already_finished = false;  // resumed a run that had ended: nothing done
  nlohmann::json metrics;         // what metrics.json holds, once finished
};

// Runs (or continues) pretraining under a lock on the run directory.
PretrainOutcome run_pretraining(const PretrainRequest& request);

// What an NER run records of the pretraining it started from (run.json,
// the model file's provenance): run directory, text, steps, losses.
struct PretrainedEncoder {
  std::filesystem::path run_dir;
  nlohmann::json provenance;
};

// Copies a finished (or stopped) pretraining run's encoder into `model`: the
// embeddings of the tokenizer's pieces, positions, blocks and final norm, not
// the heads. Throws ner::Error naming what differs when the run's tokenizer
// is not `tokenizer_model` or its sizes are not `model`'s.
PretrainedEncoder load_pretrained_encoder(const std::filesystem::path& run_dir, NerModel& model,
                                          const std::string& tokenizer_model);

}  // namespace ner
