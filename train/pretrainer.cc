#include "train/pretrainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <random>

#include "base/error.h"
#include "base/file_io.h"
#include "datasets/dataset_file.h"
#include "datasets/pretraining_corpus.h"
#include "models/masked_lm.h"
#include "models/model_spec.h"
#include "models/torch_compat.h"
#include "models/torch_runtime.h"
#include "train/batches.h"
#include "train/checkpoint.h"
#include "train/flat_adamw.h"
#include "train/masking.h"
#include "train/mixed_precision.h"
#include "train/run_directory.h"
#include "train/schedule.h"
#include "train/train_options.h"
#include "train/trainer.h"
#include "train/training_log.h"

namespace ner {
namespace {

constexpr const char* kPretrainingRunFormat = "ner-ml-facts-pretraining-run";
constexpr const char* kPretrainingMetricsFormat = "ner-ml-facts-pretraining-metrics";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::filesystem::path pretraining_info(const RunDirectory& run) {
  return run.root() / "pretraining.json";
}

nlohmann::json read_pretraining_info(const RunDirectory& run) {
  const std::filesystem::path path = pretraining_info(run);
  if (!std::filesystem::exists(path)) {
    throw Error(
        fmt::format("{}: not a pretraining run (no pretraining.json; `ner-train pretrain` "
                    "writes one)",
                    run.root().string()));
  }
  const nlohmann::json info = read_json_file(path);
  if (info.value("format", "") != kPretrainingRunFormat)
    throw Error(fmt::format("{}: not a pretraining run's pretraining.json", path.string()));
  return info;
}

// Starting from another run's weights needs its exact shapes; a mismatch
// names the first size that differs and how to fix it.
void require_same_sizes(const std::filesystem::path& run_dir, const ModelConfig& theirs,
                        const ModelConfig& ours, const char* what_we_are) {
  const auto differs = [&](const char* size, int their_value, int our_value) {
    if (their_value != our_value) {
      throw Error(fmt::format("{}: the pretrained encoder has {} {}, {} {}: set model.{} to {}",
                              run_dir.string(), size, their_value, what_we_are, our_value, size,
                              their_value));
    }
  };
  differs("d_model", theirs.d_model, ours.d_model);
  differs("layers", theirs.layers, ours.layers);
  differs("heads", theirs.heads, ours.heads);
  differs("ffn", theirs.ffn, ours.ffn);
  differs("max_positions", theirs.max_positions, ours.max_positions);
}

// A pretraining run that another run may start from: it has a checkpoint,
// and its tokenizer is `tokenizer_model`.
nlohmann::json read_startable_run(const RunDirectory& run, const std::string& tokenizer_model,
                                  const std::string& advice) {
  nlohmann::json info = read_pretraining_info(run);
  if (!run.has_started()) {
    throw Error(fmt::format("{}: the pretraining run has no checkpoint yet (no last.pt)",
                            run.root().string()));
  }
  if (run.read_tokenizer() != tokenizer_model) {
    throw Error(fmt::format("{}: pretrained with another tokenizer than {}; {} {}",
                            run.root().string(), advice.empty() ? "this text" : "the dataset's",
                            advice.empty() ? "tokenize the text with --tokenizer" : advice,
                            run.tokenizer().string()));
  }
  return info;
}

// Masks come from (seed, step) alone, so a resumed run masks exactly as an
// uninterrupted one would without storing the generator.
std::mt19937_64 masking_random(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::seed_seq sequence{seed, stream, index};
  return std::mt19937_64(sequence);
}

struct MaskedBatch {
  torch::Tensor inputs;   // (B, T) int64
  torch::Tensor targets;  // (B, T) int64, kNotPredicted where not predicted or padding
  torch::Tensor attend;   // (B, T) bool
  std::int64_t real_pieces = 0;
  std::int64_t predicted = 0;
};

// The windows' pieces, masked with one generator per window drawn from
// `random_for(window)`, padded to the longest.
template <typename RandomFor>
MaskedBatch masked_batch(const PretrainingCorpus& corpus, const std::vector<std::size_t>& windows,
                         const MaskingOptions& masking, RandomFor random_for,
                         const torch::Device& device) {
  std::int64_t longest = 0;
  for (const std::size_t w : windows)
    longest = std::max(longest, corpus.window_offsets[w + 1] - corpus.window_offsets[w]);
  const auto rows = static_cast<std::int64_t>(windows.size());
  auto inputs = torch::zeros({rows, longest}, torch::kLong);
  auto targets = torch::full({rows, longest}, kNotPredicted, torch::kLong);
  auto attend = torch::zeros({rows, longest}, torch::kBool);
  auto in = inputs.accessor<std::int64_t, 2>();
  auto out = targets.accessor<std::int64_t, 2>();
  auto real = attend.accessor<bool, 2>();
  MaskedBatch batch;
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::size_t w = windows[static_cast<std::size_t>(r)];
    const std::int64_t begin = corpus.window_offsets[w];
    const auto length = static_cast<std::size_t>(corpus.window_offsets[w + 1] - begin);
    std::mt19937_64 random = random_for(w);
    const MaskedWindow masked = mask_whole_words(corpus.piece_ids.data() + begin, length,
                                                 corpus.starts_word, masking, random);
    for (std::size_t t = 0; t < length; ++t) {
      const auto column = static_cast<std::int64_t>(t);
      in[r][column] = masked.inputs[t];
      real[r][column] = true;
      if (masked.targets[t] >= 0) {
        out[r][column] = masked.targets[t];
        ++batch.predicted;
      }
    }
    batch.real_pieces += static_cast<std::int64_t>(length);
  }
  batch.inputs = inputs.to(device);
  batch.targets = targets.to(device);
  batch.attend = attend.to(device);
  return batch;
}

class Pretrainer {
 public:
  explicit Pretrainer(const PretrainRequest& request);
  PretrainOutcome run();

 private:
  void train_step(const std::vector<std::size_t>& windows);
  void evaluate_and_checkpoint();
  PretrainOutcome finish();
  bool already_finished() const {
    return progress_.finished && directory_.read_metrics().has_value();
  }

  PretrainRequest request_;
  RunDirectory directory_;
  PretrainOptions options_;
  std::filesystem::path data_path_;
  PretrainingCorpus corpus_;
  std::vector<std::size_t> train_windows_;
  std::vector<std::size_t> dev_windows_;
  DatasetSplit train_lengths_;  // the train windows' lengths, for make_batches
  MaskingOptions masking_;
  torch::Device device_{torch::kCPU};
  int threads_ = 1;
  std::optional<c10::ScalarType> autocast_;
  MaskedLm model_{nullptr};
  std::unique_ptr<FlatAdamW> optimizer_;
  std::optional<LossScaler> scaler_;
  TrainingProgress progress_;
  std::int64_t batches_per_epoch_ = 0;
  std::int64_t warmup_steps_ = 0;
  std::unique_ptr<JsonlLog> log_;
  ProgressDisplay display_;
  double smoothed_loss_ = 0;
  double smoothed_rate_ = 0;
  double last_dev_loss_ = 0;
  double last_dev_accuracy_ = 0;
  Clock::time_point session_start_ = Clock::now();
  double seconds_before_session_ = 0;
  std::int64_t first_step_of_session_ = 0;
};

Pretrainer::Pretrainer(const PretrainRequest& request)
    : request_(request), directory_(request.run_dir), display_(request.progress) {
  nlohmann::json info;
  if (request.resume) {
    if (!directory_.has_started()) {
      throw Error(fmt::format("{}: nothing to resume (no last.pt; is this a pretraining run?)",
                              directory_.root().string()));
    }
    info = read_pretraining_info(directory_);
    options_ = load_pretrain_options(directory_.config(), request.overrides);
    if (!request.overrides.empty()) write_file_atomically(directory_.config(), to_yaml(options_));
    data_path_ =
        request.data.empty() ? std::filesystem::path(info.value("data", "")) : request.data;
  } else {
    if (directory_.has_started()) {
      throw Error(fmt::format(
          "{}: already holds a run; continue it with --resume {} or choose another --out",
          directory_.root().string(), directory_.root().string()));
    }
    options_ = load_pretrain_options(request.config, request.overrides);
    data_path_ = request.data;
  }
  if (request.resume && !request.init.empty())
    throw Error("--init starts a new run; a resumed run continues from its own last.pt");
  if (data_path_.empty()) throw Error("no text given: use --dataset TEXT.h5 or --text PATH");
  corpus_ = read_pretraining_corpus(data_path_);
  if (request.resume && directory_.read_tokenizer() != corpus_.tokenizer_model) {
    throw Error(fmt::format("{}: tokenized with another tokenizer than the run's {}",
                            data_path_.string(), directory_.tokenizer().string()));
  }
  nlohmann::json init_info;  // of the run this one starts from, if any
  if (!request.resume && !request.init.empty()) {
    const RunDirectory init(request.init);
    const nlohmann::json theirs = read_startable_run(init, corpus_.tokenizer_model, "");
    const PretrainOptions their_options = load_pretrain_options(init.config(), {});
    require_same_sizes(request.init,
                       masked_lm_config(their_options.train.model, corpus_.vocab_size),
                       masked_lm_config(options_.train.model, corpus_.vocab_size), "this run");
    const nlohmann::json metrics = init.read_metrics().value_or(nlohmann::json::object());
    init_info = {{"run", std::filesystem::absolute(request.init).lexically_normal().string()},
                 {"data", theirs.value("data", "")},
                 {"dev_loss", metrics.value("dev_loss", nlohmann::json())}};
    if (theirs.contains("init")) init_info["init"] = theirs["init"];
  }
  // Every k-th window is held out: a fixed, spread-out sample of the text.
  const std::size_t every =
      options_.dev_fraction > 0
          ? static_cast<std::size_t>(std::max(2.0, std::round(1.0 / options_.dev_fraction)))
          : 0;
  for (std::size_t w = 0; w < corpus_.window_count(); ++w) {
    const bool held_out = every > 0 && w % every == every - 1;
    (held_out ? dev_windows_ : train_windows_).push_back(w);
  }
  if (train_windows_.empty())
    throw Error(fmt::format("{}: no windows to train on", data_path_.string()));
  for (const std::size_t w : train_windows_) {
    train_lengths_.window_offsets.push_back(train_lengths_.window_offsets.back() +
                                            corpus_.window_offsets[w + 1] -
                                            corpus_.window_offsets[w]);
    train_lengths_.window_document.push_back(0);
  }

  const ModelConfig config = masked_lm_config(options_.train.model, corpus_.vocab_size);
  validate(config);
  if (corpus_.max_len > config.max_positions) {
    throw Error(fmt::format("{}: windows of up to {} pieces, but model.max_positions is {}",
                            data_path_.string(), corpus_.max_len, config.max_positions));
  }
  masking_.mask_rate = options_.mask_rate;
  masking_.random_rate = options_.random_rate;
  masking_.keep_rate = options_.keep_rate;
  masking_.mask_id = corpus_.vocab_size;
  masking_.vocab_size = corpus_.vocab_size;

  nlohmann::json run_info;  // pretraining.json of a new run, written once its weights are set
  if (!request.resume) {
    std::error_code error;
    std::filesystem::remove(directory_.log(), error);
    run_info = {{"format", kPretrainingRunFormat},
                {"format_version", 1},
                {"version", NER_VERSION},
                {"data", std::filesystem::absolute(data_path_).lexically_normal().string()},
                {"sources", corpus_.sources},
                {"source_documents", corpus_.source_documents},
                {"documents", corpus_.documents},
                {"text_bytes", corpus_.text_bytes},
                {"pieces", corpus_.piece_count()},
                {"vocab_size", corpus_.vocab_size},
                {"train_windows", train_windows_.size()},
                {"dev_windows", dev_windows_.size()}};
    write_file_atomically(directory_.config(), to_yaml(options_));
    write_file_atomically(directory_.tokenizer(), corpus_.tokenizer_model);
    // Train with exactly the values a resumed session reads back.
    options_ = load_pretrain_options(directory_.config(), {});
  }

  const TrainOptions& train = options_.train;
  device_ = resolve_device(train.device);
  threads_ = configure_cpu_threads(train.threads);
  autocast_ = autocast_type(train.precision);
  if (train.precision == Precision::kFp16 && !device_.is_cuda())
    throw Error("train.precision fp16 needs a CUDA device; on the CPU use bf16 or fp32");
  if (autocast_ && !torch_compat::autocast_supported(device_.type())) {
    throw Error(fmt::format("precision {} is not supported on {}", precision_name(train.precision),
                            device_.str()));
  }
  torch::manual_seed(train.seed);
  model_ = MaskedLm(masked_lm_config(train.model, corpus_.vocab_size));
  if (!request.resume && !request.init.empty()) {
    // On resume the starting weights are already part of last.pt.
    init_info["steps"] = load_checkpoint(RunDirectory(request.init).last_checkpoint(), *model_,
                                         nullptr, false, torch::kCPU)
                             .step;
    run_info["init"] = init_info;
  }
  if (!request.resume) write_file_atomically(pretraining_info(directory_), run_info.dump(2) + "\n");
  model_->to(device_);
  optimizer_ = make_optimizer(weight_decay_groups(*model_, model_->config()), train);
  if (train.precision == Precision::kFp16) scaler_.emplace();
  batches_per_epoch_ = static_cast<std::int64_t>(
      make_batches(train_lengths_, static_cast<std::size_t>(train.batch_size), true, train.seed, 0)
          .size());
  if (request.resume) {
    progress_ =
        load_checkpoint(directory_.last_checkpoint(), *model_, optimizer_.get(), true, device_);
    restore_scaler(scaler_, progress_);
    seconds_before_session_ = progress_.train_seconds;
    first_step_of_session_ = progress_.step;
    if (!already_finished()) rewind_log(directory_.log(), progress_.step);
  }
  std::int64_t total = batches_per_epoch_ * train.epochs;
  if (train.max_steps > 0) total = std::min<std::int64_t>(total, train.max_steps);
  progress_.total_steps = total;
  warmup_steps_ = static_cast<std::int64_t>(std::llround(train.warmup_ratio * total));
  log_ = std::make_unique<JsonlLog>(directory_.log());
}

void Pretrainer::train_step(const std::vector<std::size_t>& batch_windows) {
  const Clock::time_point start = Clock::now();
  model_->train();
  std::vector<std::size_t> windows;
  windows.reserve(batch_windows.size());
  for (const std::size_t i : batch_windows)
    windows.push_back(train_windows_[i]);
  const auto step = static_cast<std::uint64_t>(progress_.step);
  std::uint64_t row = 0;
  const MaskedBatch batch = masked_batch(
      corpus_, windows, masking_,
      [&](std::size_t) { return masking_random(options_.train.seed, step, row++); }, device_);
  const double learning_rate =
      learning_rate_at(progress_.step, progress_.total_steps, warmup_steps_,
                       options_.train.learning_rate, options_.train.schedule);
  optimizer_->set_learning_rate(learning_rate);
  optimizer_->zero_grad();
  torch::Tensor loss;
  {
    std::optional<AutocastScope> autocast;
    if (autocast_) autocast.emplace(device_.type(), *autocast_);
    loss = model_->loss(batch.inputs, batch.targets, batch.attend);
  }
  const torch::Tensor grad_norm =
      backward_and_update(loss, *optimizer_, scaler_, options_.train.clip_norm, progress_)
          .grad_norm;
  const double loss_value = loss.item<double>();
  if (!std::isfinite(loss_value) && !scaler_) {
    throw Error(fmt::format(
        "the pretraining loss became {} at step {}; stopping. The last checkpoint is kept in {}; "
        "try a lower train.lr or precision fp32",
        loss_value, progress_.step + 1, directory_.root().string()));
  }
  const double seconds = seconds_since(start);
  ++progress_.step;
  ++progress_.batch_in_epoch;
  progress_.pieces_seen += batch.real_pieces;
  const double rate = static_cast<double>(batch.real_pieces) / std::max(seconds, 1e-9);
  const double smoothing = progress_.step == first_step_of_session_ + 1 ? 1.0 : 0.05;
  if (std::isfinite(loss_value)) smoothed_loss_ += smoothing * (loss_value - smoothed_loss_);
  smoothed_rate_ += smoothing * (rate - smoothed_rate_);
  log_->write({{"event", "step"},
               {"step", progress_.step},
               {"epoch", progress_.epoch + 1},
               {"loss", std::isfinite(loss_value) ? nlohmann::json(loss_value) : nullptr},
               {"lr", learning_rate},
               {"grad_norm", grad_norm.defined() ? grad_norm.item<double>() : 0.0},
               {"pieces", batch.real_pieces},
               {"predicted", batch.predicted},
               {"pieces_per_second", rate}});
  StepStatus status;
  status.epoch = std::min<std::int64_t>(progress_.epoch + 1, options_.train.epochs);
  status.epochs = options_.train.epochs;
  status.step = progress_.step;
  status.total_steps = progress_.total_steps;
  status.loss = smoothed_loss_;
  status.pieces_per_second = smoothed_rate_;
  status.elapsed_seconds = seconds_since(session_start_);
  status.steps_elapsed = progress_.step - first_step_of_session_;
  display_.show(step_status_text(status), progress_.step >= progress_.total_steps);
}

void Pretrainer::evaluate_and_checkpoint() {
  const Clock::time_point start = Clock::now();
  double loss_sum = 0;
  std::int64_t predicted = 0, correct = 0;
  if (!dev_windows_.empty()) {
    model_->eval();
    torch::NoGradGuard no_grad;
    const auto batch_size = static_cast<std::size_t>(options_.train.batch_size) * 2;
    for (std::size_t begin = 0; begin < dev_windows_.size(); begin += batch_size) {
      const std::vector<std::size_t> windows(
          dev_windows_.begin() + static_cast<std::ptrdiff_t>(begin),
          dev_windows_.begin() +
              static_cast<std::ptrdiff_t>(std::min(dev_windows_.size(), begin + batch_size)));
      // The same masks at every evaluation: the losses are comparable.
      const MaskedBatch batch = masked_batch(
          corpus_, windows, masking_,
          [&](std::size_t w) { return masking_random(options_.train.seed, ~0ull, w); }, device_);
      std::int64_t batch_correct = 0;
      std::optional<AutocastScope> autocast;
      if (autocast_) autocast.emplace(device_.type(), *autocast_);
      const double loss =
          model_->loss(batch.inputs, batch.targets, batch.attend, &batch_correct).item<double>();
      loss_sum += loss * static_cast<double>(batch.predicted);
      predicted += batch.predicted;
      correct += batch_correct;
    }
  }
  last_dev_loss_ = predicted > 0 ? loss_sum / static_cast<double>(predicted) : 0.0;
  last_dev_accuracy_ =
      predicted > 0 ? static_cast<double>(correct) / static_cast<double>(predicted) : 0.0;
  progress_.last_evaluated_step = progress_.step;
  progress_.train_seconds = seconds_before_session_ + seconds_since(session_start_);
  save_checkpoint(directory_.last_checkpoint(), *model_, optimizer_.get(), progress_, device_);
  log_->write({{"event", "evaluation"},
               {"step", progress_.step},
               {"epoch", progress_.epoch + 1},
               {"split", "dev"},
               {"loss", last_dev_loss_},
               {"accuracy", last_dev_accuracy_},
               {"train_loss", smoothed_loss_},
               {"seconds", seconds_since(start)}});
  display_.line(fmt::format(
      "step {}/{}  loss {:.4f}  dev loss {:.4f}  dev accuracy {:.3f}  {:.0f} pieces/s  {} elapsed",
      progress_.step, progress_.total_steps, smoothed_loss_, last_dev_loss_, last_dev_accuracy_,
      smoothed_rate_, format_duration(progress_.train_seconds)));
}

PretrainOutcome Pretrainer::run() {
  session_start_ = Clock::now();
  if (already_finished()) {
    PretrainOutcome outcome;
    outcome.finished = true;
    outcome.already_finished = true;
    outcome.metrics = *directory_.read_metrics();
    return outcome;
  }
  const TrainOptions& train = options_.train;
  display_.line(fmt::format(
      "{} a masked language model of {} parameters on {} ({} threads, {}): {} train windows "
      "({} pieces), {} held out, {} steps{}",
      request_.resume ? "resuming" : "pretraining", parameter_count(*model_), device_.str(),
      threads_, precision_name(train.precision), train_windows_.size(),
      train_lengths_.window_offsets.back(), dev_windows_.size(), progress_.total_steps,
      request_.resume ? fmt::format(", from step {}", progress_.step) : std::string()));
  std::int64_t steps_this_run = 0;
  while (progress_.step < progress_.total_steps && progress_.epoch < train.epochs) {
    const auto batches =
        make_batches(train_lengths_, static_cast<std::size_t>(train.batch_size), true, train.seed,
                     static_cast<std::uint64_t>(progress_.epoch));
    while (progress_.batch_in_epoch < static_cast<std::int64_t>(batches.size()) &&
           progress_.step < progress_.total_steps) {
      if (request_.stop_after_steps > 0 && steps_this_run >= request_.stop_after_steps) {
        progress_.train_seconds = seconds_before_session_ + seconds_since(session_start_);
        save_checkpoint(directory_.last_checkpoint(), *model_, optimizer_.get(), progress_,
                        device_);
        display_.warn(fmt::format(
            "stopped after {} steps as asked (step {} of {}); continue with: ner-train pretrain "
            "--resume {}",
            steps_this_run, progress_.step, progress_.total_steps, directory_.root().string()));
        return PretrainOutcome{};
      }
      train_step(batches[static_cast<std::size_t>(progress_.batch_in_epoch)]);
      ++steps_this_run;
      if (train.eval_every > 0 && progress_.step % train.eval_every == 0) evaluate_and_checkpoint();
    }
    if (progress_.batch_in_epoch >= static_cast<std::int64_t>(batches.size())) {
      ++progress_.epoch;
      progress_.batch_in_epoch = 0;
      if (train.eval_every == 0) evaluate_and_checkpoint();
    }
  }
  if (progress_.last_evaluated_step != progress_.step) evaluate_and_checkpoint();
  progress_.finished = true;
  progress_.train_seconds = seconds_before_session_ + seconds_since(session_start_);
  save_checkpoint(directory_.last_checkpoint(), *model_, optimizer_.get(), progress_, device_);
  return finish();
}

PretrainOutcome Pretrainer::finish() {
  PretrainOutcome outcome;
  outcome.finished = true;
  outcome.metrics = {{"format", kPretrainingMetricsFormat},
                     {"format_version", 1},
                     {"steps", progress_.step},
                     {"epochs", options_.train.epochs},
                     {"pieces_seen", progress_.pieces_seen},
                     {"train_seconds", progress_.train_seconds},
                     {"pieces_per_second",
                      progress_.train_seconds > 0
                          ? static_cast<double>(progress_.pieces_seen) / progress_.train_seconds
                          : 0.0},
                     {"train_loss", smoothed_loss_},
                     {"dev_loss", last_dev_loss_},
                     {"dev_accuracy", last_dev_accuracy_},
                     {"device", device_.str()},
                     {"threads", threads_},
                     {"precision", precision_name(options_.train.precision)}};
  write_file_atomically(directory_.metrics(), outcome.metrics.dump(2) + "\n");
  log_->write({{"event", "finished"},
               {"step", progress_.step},
               {"dev_loss", last_dev_loss_},
               {"dev_accuracy", last_dev_accuracy_}});
  return outcome;
}

}  // namespace

PretrainOutcome run_pretraining(const PretrainRequest& request) {
  const RunDirectory directory(request.run_dir);
  std::optional<Pretrainer> pretrainer;
  const RunLock lock = directory.lock_and_set_up([&] { pretrainer.emplace(request); });
  return pretrainer->run();
}

PretrainedEncoder load_pretrained_encoder(const std::filesystem::path& run_dir, NerModel& model,
                                          const std::string& tokenizer_model) {
  const RunDirectory run(run_dir);
  const nlohmann::json info =
      read_startable_run(run, tokenizer_model, "prepare the dataset with --tokenizer");
  const PretrainOptions options = load_pretrain_options(run.config(), {});
  const ModelConfig& ner = model->config();
  const ModelConfig pretrained = masked_lm_config(options.train.model, ner.vocab_size);
  require_same_sizes(run_dir, pretrained, ner, "this model");
  MaskedLm source(pretrained);
  const TrainingProgress progress =
      load_checkpoint(run.last_checkpoint(), *source, nullptr, false, torch::kCPU);
  torch::NoGradGuard no_grad;
  const auto from = source->named_parameters();
  auto to = model->named_parameters();
  std::size_t copied = 0;
  const ModelSpec spec_of_ner = model_spec(ner);
  for (const TensorSpec& spec : spec_of_ner.tensors()) {
    if (spec.name.rfind("encoder.", 0) != 0 || spec.name.rfind("encoder.head.", 0) == 0) continue;
    torch::Tensor values = from[spec.name];
    // The mask piece's row has no use in NER.
    if (spec.name == spec_of_ner.tokens.name) values = values.narrow(0, 0, ner.vocab_size);
    to[spec.name].copy_(values);
    ++copied;
  }
  const nlohmann::json metrics = run.read_metrics().value_or(nlohmann::json());
  PretrainedEncoder encoder;
  encoder.run_dir = std::filesystem::absolute(run_dir).lexically_normal();
  encoder.provenance = {
      {"run", encoder.run_dir.string()},
      {"text", info.value("data", "")},
      {"sources", info.value("sources", nlohmann::json::array())},
      {"documents", info.value("documents", 0)},
      {"pieces", info.value("pieces", 0)},
      {"steps", progress.step},
      {"finished", progress.finished},
      {"tensors", copied},
      {"dev_loss",
       metrics.is_object() ? metrics.value("dev_loss", nlohmann::json()) : nlohmann::json()},
      {"train_loss",
       metrics.is_object() ? metrics.value("train_loss", nlohmann::json()) : nlohmann::json()}};
  if (info.contains("init")) encoder.provenance["init"] = info["init"];
  return encoder;
}

}  // namespace ner
