#include "train/train_options.h"

#include <fmt/format.h>

#include "base/config_schema.h"
#include "base/error.h"
#include "datasets/threshold_search.h"

namespace ner {
namespace {

// The model and train sections; `pretrain` says whether the pretrain
// section is read too (pretraining) or skipped (NER training).
ConfigSchema train_schema(TrainOptions& o, bool pretrain = false) {
  ConfigSchema schema(
      pretrain ? std::vector<std::string>{"model", "train", "pretrain"}
               : std::vector<std::string>{"model", "train"},
      pretrain ? std::vector<std::string>{"tokenizer", "data", "self_train"}
               : std::vector<std::string>{"tokenizer", "data", "pretrain", "self_train"});
  schema.add(config_field("model", "d_model", o.model.d_model));
  schema.add(config_field("model", "layers", o.model.layers));
  schema.add(config_field("model", "heads", o.model.heads));
  schema.add(config_field("model", "ffn", o.model.ffn));
  schema.add(config_field("model", "dropout", o.model.dropout));
  schema.add(config_field("model", "max_positions", o.model.max_positions));
  schema.add(config_field("model", "checkpointing", o.model.checkpointing));
  schema.add(config_field("model", "decoder", o.model.decoder, parse_decoder_kind, decoder_name));
  schema.add(config_field("train", "epochs", o.epochs));
  schema.add(config_field("train", "max_steps", o.max_steps));
  schema.add(config_field("train", "batch_size", o.batch_size));
  schema.add(config_field("train", "lr", o.learning_rate));
  schema.add(config_field("train", "weight_decay", o.weight_decay));
  schema.add(config_field("train", "warmup_ratio", o.warmup_ratio));
  schema.add(config_field("train", "schedule", o.schedule, parse_decay_kind, decay_kind_name));
  schema.add(config_field("train", "clip_norm", o.clip_norm));
  schema.add(config_field("train", "label_smoothing", o.label_smoothing));
  schema.add(config_field("train", "precision", o.precision, parse_precision, precision_name));
  schema.add(config_field("train", "device", o.device));
  schema.add(config_field("train", "threads", o.threads));
  schema.add(config_field("train", "seed", o.seed));
  schema.add(config_field("train", "eval_every", o.eval_every));
  schema.add(config_field("train", "patience", o.patience));
  return schema;
}

}  // namespace

std::string_view precision_name(Precision precision) {
  switch (precision) {
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp16:
      return "fp16";
    default:
      return "fp32";
  }
}

Precision parse_precision(std::string_view name) {
  if (name == "fp32") return Precision::kFp32;
  if (name == "bf16") return Precision::kBf16;
  if (name == "fp16") return Precision::kFp16;
  throw Error(fmt::format("unknown precision '{}': use fp32, bf16 or fp16", name));
}

void validate(const TrainOptions& o, const ConfigSources& sources) {
  ModelConfig sizes = o.model;
  sizes.vocab_size = std::max(sizes.vocab_size, 1);  // known only once the dataset is open
  sizes.num_labels = std::max(sizes.num_labels, 2);
  validate(sizes, sources);
  const auto require = [&sources](bool ok, const char* field, auto value, const char* rule) {
    sources.require(ok, field, fmt::format("{} {}, got {}", field, rule, value));
  };
  require(o.epochs > 0, "train.epochs", o.epochs, "must be positive");
  require(o.max_steps >= 0, "train.max_steps", o.max_steps, "must not be negative");
  require(o.batch_size > 0, "train.batch_size", o.batch_size, "must be positive");
  require(o.learning_rate > 0, "train.lr", o.learning_rate, "must be positive");
  require(o.weight_decay >= 0, "train.weight_decay", o.weight_decay, "must not be negative");
  require(o.warmup_ratio >= 0 && o.warmup_ratio < 1, "train.warmup_ratio", o.warmup_ratio,
          "must be in [0, 1)");
  require(o.clip_norm >= 0, "train.clip_norm", o.clip_norm, "must not be negative");
  require(o.label_smoothing >= 0 && o.label_smoothing < 1, "train.label_smoothing",
          o.label_smoothing, "must be in [0, 1)");
  require(o.threads >= 0, "train.threads", o.threads, "must not be negative (0: all cores)");
  require(o.eval_every >= 0, "train.eval_every", o.eval_every, "must not be negative");
  require(o.patience > 0, "train.patience", o.patience, "must be positive");
}

std::string to_yaml(const TrainOptions& options) {
  TrainOptions copy = options;
  return train_schema(copy).to_yaml();
}

TrainOptions load_train_options(const std::filesystem::path& file,
                                const std::vector<std::string>& overrides) {
  TrainOptions options;
  const ConfigSources sources = train_schema(options).apply(file, overrides);
  validate(options, sources);
  return options;
}

ConfigSchema pretrain_schema(PretrainOptions& o) {
  ConfigSchema schema = train_schema(o.train, /*pretrain=*/true);
  schema.add(config_field("pretrain", "mask_rate", o.mask_rate));
  schema.add(config_field("pretrain", "random_rate", o.random_rate));
  schema.add(config_field("pretrain", "keep_rate", o.keep_rate));
  schema.add(config_field("pretrain", "dev_fraction", o.dev_fraction));
  return schema;
}

std::string to_yaml(const PretrainOptions& options) {
  PretrainOptions copy = options;
  return pretrain_schema(copy).to_yaml();
}

PretrainOptions load_pretrain_options(const std::filesystem::path& file,
                                      const std::vector<std::string>& overrides) {
  PretrainOptions options;
  const ConfigSources sources = pretrain_schema(options).apply(file, overrides);
  validate(options.train, sources);
  const auto rate = [&sources](double value, const char* field, double below) {
    sources.require(value >= 0 && value < below, field,
                    fmt::format("{} must be in [0, {}), got {}", field, below, value));
  };
  rate(options.mask_rate, "pretrain.mask_rate", 1.0);
  sources.require(options.mask_rate > 0, "pretrain.mask_rate",
                  "pretrain.mask_rate must be positive");
  rate(options.random_rate, "pretrain.random_rate", 1.0);
  rate(options.keep_rate, "pretrain.keep_rate", 1.0);
  sources.require(
      options.random_rate + options.keep_rate < 1, "pretrain.keep_rate",
      "pretrain.random_rate + pretrain.keep_rate must stay below 1 (the rest is masked)");
  rate(options.dev_fraction, "pretrain.dev_fraction", 0.5);
  return options;
}

namespace {

ConfigSchema self_train_schema(SelfTrainOptions& o) {
  ConfigSchema schema({"self_train"}, {"tokenizer", "data", "model", "train", "pretrain"});
  schema.add(config_field("self_train", "rounds", o.rounds));
  schema.add(config_field("self_train", "min_score", o.min_score));
  schema.add(config_field("self_train", "type_min_scores", o.type_min_scores));
  schema.add(config_field("self_train", "confident_o", o.confident_o));
  schema.add(config_field("self_train", "epochs", o.epochs));
  return schema;
}

}  // namespace

std::string to_key_values(const SelfTrainOptions& options) {
  return fmt::format("rounds={}\nmin_score={}\ntype_min_scores={}\nconfident_o={}\nepochs={}\n",
                     options.rounds, options.min_score, options.type_min_scores,
                     options.confident_o ? "true" : "false", options.epochs);
}

SelfTrainOptions load_self_train_options(const std::filesystem::path& file,
                                         const std::vector<std::string>& overrides) {
  SelfTrainOptions options;
  const ConfigSources sources = self_train_schema(options).apply(file, overrides);
  sources.require(options.rounds >= 1, "self_train.rounds", "self_train.rounds must be 1 or more");
  sources.require(options.epochs >= 1, "self_train.epochs", "self_train.epochs must be 1 or more");
  sources.require(options.min_score >= 0 && options.min_score <= 1, "self_train.min_score",
                  "self_train.min_score must be in [0, 1]");
  // Each part as ner-corpus label --teacher-threshold reads it.
  std::size_t begin = 0;
  while (begin < options.type_min_scores.size()) {
    const std::size_t comma = options.type_min_scores.find(',', begin);
    const std::size_t end = comma == std::string::npos ? options.type_min_scores.size() : comma;
    try {
      parse_type_score(options.type_min_scores.substr(begin, end - begin),
                       "self_train.type_min_scores");
    } catch (const Error& error) {
      throw sources.error("self_train.type_min_scores", error.what());
    }
    begin = end + 1;
  }
  return options;
}

}  // namespace ner
