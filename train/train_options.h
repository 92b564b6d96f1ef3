// Everything training needs to know, in one options struct: the model and
// train sections of a config, resolved as defaults < YAML file < --set.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/model_config.h"
#include "train/schedule.h"

namespace ner {

// The floating-point format of the forward pass: fp32, or bf16 / fp16 under
// autocast (fp16 on CUDA only, with loss scaling).
enum class Precision { kFp32, kBf16, kFp16 };
// "fp32", "bf16" or "fp16".
std::string_view precision_name(Precision precision);
// Throws ner::Error listing the valid names.
Precision parse_precision(std::string_view name);

struct TrainOptions {
  ModelConfig model;  // vocab_size and num_labels come from the dataset
  int epochs = 10;
  int max_steps = 0;    // 0: no limit besides epochs
  int batch_size = 32;  // windows per batch, formed by length
  double learning_rate = 5e-4;
  double weight_decay = 0.01;               // not applied to norms and biases
  double warmup_ratio = 0.06;               // share of all steps spent warming up
  DecayKind schedule = DecayKind::kLinear;  // decay after warmup
  double clip_norm = 1.0;                   // 0: no clipping
  double label_smoothing = 0.0;             // softmax decoder only
  Precision precision = Precision::kFp32;
  std::string device = "auto";  // auto | cpu | cuda | cuda:N
  int threads = 0;              // CPU threads; 0: all cores
  std::uint64_t seed = 1;
  int eval_every = 0;  // steps between dev evaluations; 0: every epoch
  int patience = 3;    // evaluations without dev F1 gain before stopping
};

// Throws ner::Error naming the offending value, at the place `sources` says
// it was given when it came from a config.
void validate(const TrainOptions& options, const ConfigSources& sources = {});

// The model and train sections as YAML (what --dump-config prints and the
// run directory keeps).
std::string to_yaml(const TrainOptions& options);

// Defaults, then the file (if any), then each "section.key=value"; validated
// except for the sizes that come from the dataset.
TrainOptions load_train_options(const std::filesystem::path& file,
                                const std::vector<std::string>& overrides);

// Masked-language pretraining of the encoder: the model and train sections
// (steps, learning rate, precision...) and the pretrain section.
struct PretrainOptions {
  TrainOptions train;
  // Share of each window's pieces to predict, chosen as whole words.
  double mask_rate = 0.15;
  // Of the chosen words: the share replaced by random pieces and the share
  // left as they are (BERT's 10% and 10%); the rest become the mask piece.
  double random_rate = 0.1;
  double keep_rate = 0.1;
  // Windows held out to report the loss on text not trained on.
  double dev_fraction = 0.01;
};

std::string to_yaml(const PretrainOptions& options);
PretrainOptions load_pretrain_options(const std::filesystem::path& file,
                                      const std::vector<std::string>& overrides);

// Self-training (tools/self_train.sh): the self_train section of a config.
struct SelfTrainOptions {
  int rounds = 3;          // rounds at most; they stop when dev F1 stops improving
  double min_score = 0.9;  // least calibrated score of a teacher entity to become a label
  // Types' own least scores, "model=0.8,params=0.6"; the others take min_score.
  std::string type_min_scores;
  // Undecided weak text that the teacher leaves untagged trains as O.
  bool confident_o = false;
  int epochs = 3;  // per student
};

// The self_train section as KEY=VALUE lines, for tools/self_train.sh.
std::string to_key_values(const SelfTrainOptions& options);
SelfTrainOptions load_self_train_options(const std::filesystem::path& file,
                                         const std::vector<std::string>& overrides);

}  // namespace ner
