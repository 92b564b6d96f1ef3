#include "train/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "base/error.h"
#include "models/torch_compat.h"
#include "models/torch_runtime.h"
#include "train/batches.h"
#include "train/checkpoint.h"
#include "train/evaluation.h"
#include "train/export.h"
#include "train/flat_adamw.h"
#include "train/mixed_precision.h"
#include "train/pretrainer.h"
#include "train/schedule.h"
#include "train/training_log.h"

namespace ner {
namespace {

constexpr const char* kMetricsFormatName = "ner-ml-facts-metrics";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

LabelSet dataset_label_set(const DatasetFile& dataset, const std::filesystem::path& path) {
  LabelSet label_set(parse_tag_scheme(dataset.tag_scheme));
  if (label_set.names() != dataset.label_names) {
    throw Error(fmt::format("{}: its label list does not match the {} scheme of this build",
                            path.string(), dataset.tag_scheme));
  }
  return label_set;
}

std::string scored_on_note(const std::string& label_source) {
  if (label_source == "mixed")
    return "gold labels where a corpus has a gold twin, WEAK labels elsewhere (see per corpus)";
  return label_source == "gold"
             ? "gold labels"
             : "WEAK labels (no gold twin was given to prepare: scores understate quality)";
}

// Everything one run needs, set up once for fresh and resumed runs alike.
class Trainer {
 public:
  explicit Trainer(const TrainRequest& request);
  TrainOutcome run();

 private:
  void start_fresh();
  void train_step(const std::vector<std::size_t>& windows);
  bool evaluate_and_checkpoint();  // returns false when early stopping triggers
  TrainOutcome finish();
  // A resumed run that had already ended and written its metrics.
  bool already_finished() const;
  EvaluationSettings evaluation_settings() const;
  StepStatus status() const;
  std::vector<double> corpus_weights() const;
  // Strict micro F1 (and counts) of each corpus's documents in `split`.

  TrainRequest request_;
  RunDirectory directory_;
  TrainOptions options_;
  std::filesystem::path data_path_;
  DatasetFile dataset_;
  LabelSet label_set_{TagScheme::kBio};
  torch::Device device_{torch::kCPU};
  int threads_ = 1;
  std::optional<c10::ScalarType> autocast_;
  NerModel model_{nullptr};
  std::unique_ptr<FlatAdamW> optimizer_;
  std::optional<LossScaler> scaler_;
  TrainingProgress progress_;
  std::int64_t batches_per_epoch_ = 0;
  std::int64_t warmup_steps_ = 0;
  std::unique_ptr<JsonlLog> log_;
  ProgressDisplay display_;
  double smoothed_loss_ = 0;
  double smoothed_rate_ = 0;
  Clock::time_point session_start_ = Clock::now();
  double seconds_before_session_ = 0;
  std::int64_t first_step_of_session_ = 0;
};

Trainer::Trainer(const TrainRequest& request)
    : request_(request), directory_(request.run_dir), display_(request.progress) {
  if (request.resume && !request.init.empty())
    throw Error("--init starts a new run from a pretrained encoder; leave it out with --resume");
  if (request.resume) {
    if (!directory_.has_started()) {
      throw Error(fmt::format("{}: nothing to resume (no last.pt; is this a run directory?)",
                              directory_.root().string()));
    }
    const RunInfo info = directory_.read_info();
    options_ = load_train_options(directory_.config(), request.overrides);
    // Overrides given on resume (more epochs, say) become the run's config.
    if (!request.overrides.empty()) directory_.write_config(to_yaml(options_));
    data_path_ = request.data.empty() ? std::filesystem::path(info.dataset) : request.data;
  } else {
    // A run that died before its first checkpoint left nothing to resume:
    // starting again over it is fine.
    if (directory_.has_started()) {
      throw Error(fmt::format(
          "{}: already holds a training run; continue it with --resume {} or choose another --out",
          directory_.root().string(), directory_.root().string()));
    }
    options_ = load_train_options(request.config, request.overrides);
    data_path_ = request.data;
  }
  if (data_path_.empty()) throw Error("no dataset given: use --dataset DATASET.h5");

  dataset_ = read_dataset_file(data_path_);
  label_set_ = dataset_label_set(dataset_, data_path_);
  options_.model.vocab_size = dataset_.vocab_size;
  options_.model.num_labels = static_cast<int>(label_set_.size());
  validate(options_.model);
  check_dataset_fits(dataset_, options_.model, data_path_);
  if (dataset_.split(Split::kTrain).window_count() == 0)
    throw Error(fmt::format("{}: the train split is empty", data_path_.string()));
  if (!request.resume) {
    start_fresh();
    // Train with exactly the values a resumed session will read back.
    const ModelConfig sizes = options_.model;
    options_ = load_train_options(directory_.config(), {});
    options_.model.vocab_size = sizes.vocab_size;
    options_.model.num_labels = sizes.num_labels;
  }

  device_ = resolve_device(options_.device);
  threads_ = configure_cpu_threads(options_.threads);
  autocast_ = autocast_type(options_.precision);
  if (options_.precision == Precision::kFp16 && !device_.is_cuda()) {
    throw Error("train.precision fp16 needs a CUDA device; on the CPU use bf16 or fp32");
  }
  if (autocast_ && !torch_compat::autocast_supported(device_.type())) {
    throw Error(fmt::format("precision {} is not supported on {}",
                            precision_name(options_.precision), device_.str()));
  }

  torch::manual_seed(options_.seed);
  model_ = NerModel(options_.model, transition_rules(label_set_));
  if (!request.init.empty()) {
    const PretrainedEncoder encoder =
        load_pretrained_encoder(request.init, model_, dataset_.tokenizer_model);
    RunInfo info = directory_.read_info();
    info.pretrained = encoder.provenance;
    directory_.write_info(info);
    display_.line(fmt::format("encoder from the pretraining run {} (step {})",
                              encoder.run_dir.string(), encoder.provenance["steps"].dump()));
  }
  model_->to(device_);
  optimizer_ = make_optimizer(model_, options_);
  if (options_.precision == Precision::kFp16) scaler_.emplace();

  const DatasetSplit& train = dataset_.split(Split::kTrain);
  batches_per_epoch_ =
      static_cast<std::int64_t>(make_batches(train, static_cast<std::size_t>(options_.batch_size),
                                             true, options_.seed, 0, corpus_weights())
                                    .size());

  if (request.resume) {
    progress_ =
        load_checkpoint(directory_.last_checkpoint(), *model_, optimizer_.get(), true, device_);
    restore_scaler(scaler_, progress_);
    seconds_before_session_ = progress_.train_seconds;
    first_step_of_session_ = progress_.step;
    if (!already_finished()) {
      const std::size_t dropped = rewind_log(directory_.log(), progress_.step);
      if (dropped > 0) {
        display_.warn(fmt::format(
            "note: {} log record(s) after the checkpoint's step {} were dropped from {}; those "
            "steps are trained again",
            dropped, progress_.step, directory_.log().string()));
      }
    }
  }
  std::int64_t total = batches_per_epoch_ * options_.epochs;
  if (options_.max_steps > 0) total = std::min<std::int64_t>(total, options_.max_steps);
  if (request.resume && progress_.total_steps != total) {
    display_.warn(
        fmt::format("note: the schedule now has {} steps (was {})", total, progress_.total_steps));
  }
  progress_.total_steps = total;
  warmup_steps_ = static_cast<std::int64_t>(std::llround(options_.warmup_ratio * total));
  log_ = std::make_unique<JsonlLog>(directory_.log());
}

void Trainer::start_fresh() {
  RunInfo info;
  info.version = NER_VERSION;
  info.dataset = std::filesystem::absolute(data_path_).lexically_normal().string();
  info.tag_scheme = dataset_.tag_scheme;
  info.label_names = dataset_.label_names;
  info.vocab_size = options_.model.vocab_size;
  for (const Split split : kSplits)
    info.label_source[std::string(split_name(split))] = dataset_.split(split).label_source;
  info.data_config = dataset_.config_yaml;
  directory_.create(info, to_yaml(options_), dataset_.tokenizer_model);
}

EvaluationSettings Trainer::evaluation_settings() const {
  EvaluationSettings settings;
  settings.device = device_;
  settings.autocast = autocast_;
  settings.batch_size = static_cast<std::size_t>(options_.batch_size) * 2;
  return settings;
}

StepStatus Trainer::status() const {
  StepStatus s;
  s.epoch = std::min<std::int64_t>(progress_.epoch + 1, options_.epochs);
  s.epochs = options_.epochs;
  s.step = progress_.step;
  s.total_steps = progress_.total_steps;
  s.loss = smoothed_loss_;
  s.pieces_per_second = smoothed_rate_;
  s.elapsed_seconds = seconds_since(session_start_);
  s.steps_elapsed = progress_.step - first_step_of_session_;
  return s;
}

void Trainer::train_step(const std::vector<std::size_t>& windows) {
  const Clock::time_point start = Clock::now();
  model_->train();
  const BatchTensors batch =
      batch_tensors(dataset_.split(Split::kTrain), windows, label_set_, device_);
  const double learning_rate =
      learning_rate_at(progress_.step, progress_.total_steps, warmup_steps_, options_.learning_rate,
                       options_.schedule);
  optimizer_->set_learning_rate(learning_rate);
  optimizer_->zero_grad();
  torch::Tensor logits;
  {
    std::optional<AutocastScope> autocast;
    if (autocast_) autocast.emplace(device_.type(), *autocast_);
    logits = model_->forward(batch.ids, batch.attend);
  }
  const torch::Tensor loss =
      model_->loss(logits, batch.labels, batch.attend, options_.label_smoothing);
  // Nothing below reads a value back from the device before the update is
  // queued, except the fp16 inf/NaN check: one wait per step, at its end.
  const UpdateResult update =
      backward_and_update(loss, *optimizer_, scaler_, options_.clip_norm, progress_);
  const torch::Tensor& grad_norm = update.grad_norm;
  const bool stepped = update.stepped;
  const double loss_value = loss.item<double>();
  if (!std::isfinite(loss_value) && !scaler_) {
    throw Error(fmt::format(
        "the training loss became {} at step {} ({}); stopping. The best checkpoint so far is "
        "kept in {}; try a lower train.lr, train.clip_norm, or precision fp32",
        loss_value, progress_.step + 1, precision_name(options_.precision),
        directory_.root().string()));
  }
  const double grad_norm_value = grad_norm.defined() ? grad_norm.item<double>() : 0.0;
  if (device_.is_cuda()) torch::cuda::synchronize();
  const double seconds = seconds_since(start);
  ++progress_.step;
  ++progress_.batch_in_epoch;
  progress_.pieces_seen += batch.real_pieces;
  const double rate = static_cast<double>(batch.real_pieces) / std::max(seconds, 1e-9);
  const double smoothing = progress_.step == first_step_of_session_ + 1 ? 1.0 : 0.05;
  if (std::isfinite(loss_value)) smoothed_loss_ += smoothing * (loss_value - smoothed_loss_);
  smoothed_rate_ += smoothing * (rate - smoothed_rate_);
  nlohmann::json record = {
      {"event", "step"},
      {"step", progress_.step},
      {"epoch", progress_.epoch + 1},
      {"loss", std::isfinite(loss_value) ? nlohmann::json(loss_value) : nlohmann::json(nullptr)},
      {"lr", learning_rate},
      {"grad_norm", grad_norm_value},
      {"pieces", batch.real_pieces},
      {"batch_shape", {batch.ids.size(0), batch.ids.size(1)}},
      {"pieces_per_second", rate}};
  if (device_.is_cuda()) {
    const DeviceMemory memory = device_memory(device_);
    record["peak_device_memory_bytes"] = memory.peak_bytes;
    record["resident_device_memory_bytes"] = memory.current_bytes;
  }
  if (scaler_) {
    record["loss_scale"] = scaler_->current_scale();
    record["skipped"] = !stepped;
  }
  log_->write(record);
  display_.show(step_status_text(status()), progress_.step >= progress_.total_steps);
}

bool Trainer::evaluate_and_checkpoint() {
  const Clock::time_point start = Clock::now();
  const SplitEvaluation dev =
      evaluate_split(model_, dataset_.split(Split::kDev), label_set_, evaluation_settings());
  const double f1 = dev.scores.micro_strict().f1();
  progress_.last_evaluated_step = progress_.step;
  const bool improved = f1 > progress_.best_f1 + 1e-12;
  if (improved) {
    progress_.best_f1 = f1;
    progress_.best_step = progress_.step;
    progress_.evaluations_without_gain = 0;
  } else {
    ++progress_.evaluations_without_gain;
  }
  const bool stop = progress_.evaluations_without_gain >= options_.patience;
  if (stop) progress_.finished = true;  // a resume must not train past an early stop
  progress_.train_seconds = seconds_before_session_ + seconds_since(session_start_);
  if (improved) save_checkpoint(directory_.best_checkpoint(), *model_, nullptr, progress_, device_);
  save_checkpoint(directory_.last_checkpoint(), *model_, optimizer_.get(), progress_, device_);

  // At an epoch's end the epoch counter has already moved on.
  const std::int64_t epoch_shown =
      progress_.batch_in_epoch == 0 ? progress_.epoch : progress_.epoch + 1;
  nlohmann::json per_type = nlohmann::json::object();
  for (const EntityType type : kEntityTypes)
    per_type[std::string(tag_name(type))] = dev.scores.strict[index_of(type)].f1();
  const nlohmann::json dev_per_corpus = per_corpus_scores(dataset_, Split::kDev, dev);
  log_->write({{"event", "evaluation"},
               {"step", progress_.step},
               {"epoch", epoch_shown},
               {"split", "dev"},
               {"f1", f1},
               {"precision", dev.scores.micro_strict().precision()},
               {"recall", dev.scores.micro_strict().recall()},
               {"f1_per_type", per_type},
               {"per_corpus", dev_per_corpus},
               {"loss", dev.loss},
               {"best_f1", progress_.best_f1},
               {"seconds", seconds_since(start)}});
  display_.line(fmt::format(
      "epoch {}/{}  step {}/{}  loss {:.4f}  dev loss {:.4f}  dev F1 {:.4f}{}  best {:.4f} "
      "(step {})  {:.0f} pieces/s  {} elapsed",
      epoch_shown, options_.epochs, progress_.step, progress_.total_steps, smoothed_loss_, dev.loss,
      f1, improved ? " *" : "", progress_.best_f1, progress_.best_step, smoothed_rate_,
      format_duration(progress_.train_seconds)));
  if (dataset_.corpora.size() > 1) {
    std::string line = "  dev F1 per corpus:";
    for (const auto& [name, scores] : dev_per_corpus.items())
      line += fmt::format(" {} {:.4f} ({})", name, scores["f1"].get<double>(),
                          scores["label_source"].get<std::string>());
    display_.line(line);
  }
  if (stop) {
    display_.line(fmt::format("early stopping: dev F1 has not improved in {} evaluations",
                              options_.patience));
  }
  return !stop;
}

std::vector<double> Trainer::corpus_weights() const {
  std::vector<double> weights;
  for (const DatasetCorpus& corpus : dataset_.corpora)
    weights.push_back(corpus.weight);
  return weights;
}

bool Trainer::already_finished() const {
  return progress_.finished && directory_.read_metrics().has_value();
}

TrainOutcome Trainer::run() {
  session_start_ = Clock::now();  // setup (reading the dataset, loading) is not training time
  if (already_finished()) {
    TrainOutcome outcome;
    outcome.already_finished = true;
    outcome.finished = true;
    outcome.steps = progress_.step;
    outcome.best_step = progress_.best_step;
    return outcome;
  }
  if (!progress_.finished) {
    display_.line(fmt::format(
        "{} {} parameters on {} ({} threads, {}), {} train windows, {} steps{}",
        request_.resume ? "resuming" : "training", parameter_count(*model_), device_.str(),
        threads_, precision_name(options_.precision), dataset_.split(Split::kTrain).window_count(),
        progress_.total_steps,
        request_.resume ? fmt::format(", from step {}", progress_.step) : std::string()));
  }
  std::int64_t steps_this_run = 0;
  bool keep_going = !progress_.finished;
  while (keep_going && progress_.step < progress_.total_steps &&
         progress_.epoch < options_.epochs) {
    const auto batches = make_batches(
        dataset_.split(Split::kTrain), static_cast<std::size_t>(options_.batch_size), true,
        options_.seed, static_cast<std::uint64_t>(progress_.epoch), corpus_weights());
    while (progress_.batch_in_epoch < static_cast<std::int64_t>(batches.size()) &&
           progress_.step < progress_.total_steps) {
      if (request_.stop_after_steps > 0 && steps_this_run >= request_.stop_after_steps) {
        progress_.train_seconds = seconds_before_session_ + seconds_since(session_start_);
        save_checkpoint(directory_.last_checkpoint(), *model_, optimizer_.get(), progress_,
                        device_);
        display_.warn(fmt::format(
            "stopped after {} steps as asked (step {} of {}); continue with: ner-train --resume {}",
            steps_this_run, progress_.step, progress_.total_steps, directory_.root().string()));
        return TrainOutcome{};
      }
      train_step(batches[static_cast<std::size_t>(progress_.batch_in_epoch)]);
      ++steps_this_run;
      if (options_.eval_every > 0 && progress_.step % options_.eval_every == 0 &&
          !(keep_going = evaluate_and_checkpoint()))
        break;
    }
    if (!keep_going) break;
    if (progress_.batch_in_epoch >= static_cast<std::int64_t>(batches.size())) {
      ++progress_.epoch;
      progress_.batch_in_epoch = 0;
      if (options_.eval_every == 0) keep_going = evaluate_and_checkpoint();
    }
  }
  if (!progress_.finished && progress_.last_evaluated_step != progress_.step)
    evaluate_and_checkpoint();
  if (!progress_.finished) {
    progress_.finished = true;
    progress_.train_seconds = seconds_before_session_ + seconds_since(session_start_);
    save_checkpoint(directory_.last_checkpoint(), *model_, optimizer_.get(), progress_, device_);
  }
  return finish();
}

TrainOutcome Trainer::finish() {
  load_checkpoint(directory_.best_checkpoint(), *model_, nullptr, false, device_);
  const EvaluationSettings settings = evaluation_settings();
  const SplitEvaluation dev =
      evaluate_split(model_, dataset_.split(Split::kDev), label_set_, settings);
  const SplitEvaluation test =
      evaluate_split(model_, dataset_.split(Split::kTest), label_set_, settings);
  nlohmann::json label_source = nlohmann::json::object();
  for (const Split split : kSplits)
    label_source[std::string(split_name(split))] = dataset_.split(split).label_source;
  nlohmann::json metrics = {
      {"format", kMetricsFormatName},
      {"format_version", 1},
      {"dataset", std::filesystem::absolute(data_path_).lexically_normal().string()},
      {"label_source", label_source},
      {"checkpoint", directory_.best_checkpoint().filename().string()},
      {"best_step", progress_.best_step},
      {"steps", progress_.step},
      {"total_steps", progress_.total_steps},
      {"parameters", parameter_count(*model_)},
      {"device", device_.str()},
      {"threads", threads_},
      {"precision", precision_name(options_.precision)},
      {"checkpointing", options_.model.checkpointing},
      {"peak_device_memory_bytes", device_memory(device_).peak_bytes},
      {"train_seconds", progress_.train_seconds},
      {"pieces_per_second",
       progress_.train_seconds > 0
           ? static_cast<double>(progress_.pieces_seen) / progress_.train_seconds
           : 0.0},
      {"dev",
       {{"documents", dev.documents},
        {"scores", dev.scores.to_json()},
        {"per_corpus", per_corpus_scores(dataset_, Split::kDev, dev)}}},
      {"calibration", calibration_report(dev, dataset_.split(Split::kDev).label_source)},
      {"test",
       {{"documents", test.documents},
        {"scores", test.scores.to_json()},
        {"per_corpus", per_corpus_scores(dataset_, Split::kTest, test)}}}};
  directory_.write_metrics(metrics);
  log_->write({{"event", "test"},
               {"step", progress_.step},
               {"best_step", progress_.best_step},
               {"f1", test.scores.micro_strict().f1()},
               {"label_source", dataset_.split(Split::kTest).label_source}});
  display_.line(
      fmt::format("held-out test split: {} documents, scored against {}; best checkpoint (step {})",
                  test.documents, scored_on_note(dataset_.split(Split::kTest).label_source),
                  progress_.best_step));
  if (dataset_.corpora.size() > 1) {
    const nlohmann::json corpora = metrics["test"]["per_corpus"];
    for (const auto& [name, scores] : corpora.items()) {
      display_.line(
          fmt::format("  test corpus {}: strict micro F1 {:.4f} (P {:.4f}, R {:.4f}) "
                      "against {} labels",
                      name, scores["f1"].get<double>(), scores["precision"].get<double>(),
                      scores["recall"].get<double>(), scores["label_source"].get<std::string>()));
    }
  }
  TrainOutcome outcome;
  outcome.finished = true;
  outcome.steps = progress_.step;
  outcome.best_step = progress_.best_step;
  outcome.metrics = std::move(metrics);
  outcome.test_scores = test.scores;
  outcome.test_label_source = dataset_.split(Split::kTest).label_source;
  return outcome;
}

}  // namespace

void check_dataset_fits(const DatasetFile& dataset, const ModelConfig& model,
                        const std::filesystem::path& path) {
  for (const Split split : kSplits) {
    if (!dataset.split(split).has_documents()) {
      throw Error(fmt::format(
          "{}: dataset format {} holds no document texts, which scoring needs: prepare it again "
          "with this version of ner-train prepare",
          path.string(), dataset.format_version));
    }
  }
  std::int64_t longest = 0;
  for (const Split split : kSplits) {
    const DatasetSplit& data = dataset.split(split);
    for (std::size_t w = 0; w < data.window_count(); ++w)
      longest = std::max(longest, data.window_offsets[w + 1] - data.window_offsets[w]);
    for (const std::int32_t id : data.piece_ids) {
      if (id < 0 || id >= model.vocab_size) {
        throw Error(fmt::format("{}: {} split has piece id {} outside the vocabulary of {}",
                                path.string(), split_name(split), id, model.vocab_size));
      }
    }
  }
  if (longest > model.max_positions) {
    throw Error(
        fmt::format("{}: windows of up to {} pieces, but model.max_positions is {}; raise "
                    "model.max_positions or prepare with a smaller data.max_len",
                    path.string(), longest, model.max_positions));
  }
}

UpdateResult backward_and_update(const torch::Tensor& loss, FlatAdamW& optimizer,
                                 std::optional<LossScaler>& scaler, double clip_norm,
                                 TrainingProgress& progress) {
  UpdateResult result;
  if (scaler) {
    scaler->scale(loss).backward();
    const bool finite = scaler->unscale({optimizer.gather_gradients()});
    if (finite && clip_norm > 0) result.grad_norm = optimizer.clip_gradients(clip_norm);
    result.stepped = scaler->step([&optimizer] { optimizer.step(); });
    progress.loss_scale = scaler->current_scale();
    progress.scaler_clean_steps = scaler->clean_steps();
    progress.scaler_skipped_steps = scaler->skipped_steps();
  } else {
    loss.backward();
    optimizer.gather_gradients();
    if (clip_norm > 0) result.grad_norm = optimizer.clip_gradients(clip_norm);
    optimizer.step();
  }
  return result;
}

void restore_scaler(std::optional<LossScaler>& scaler, const TrainingProgress& progress) {
  if (scaler && progress.loss_scale > 0)
    scaler->restore(progress.loss_scale, progress.scaler_clean_steps,
                    progress.scaler_skipped_steps);
}

std::int64_t parameter_count(torch::nn::Module& model) {
  std::int64_t count = 0;
  for (const auto& parameter : model.parameters())
    count += parameter.numel();
  return count;
}

std::unique_ptr<FlatAdamW> make_optimizer(NerModel& model, const TrainOptions& options) {
  return make_optimizer(weight_decay_groups(*model), options);
}

std::unique_ptr<FlatAdamW> make_optimizer(const ParameterGroups& groups,
                                          const TrainOptions& options) {
  FlatAdamWOptions adamw;
  adamw.learning_rate = options.learning_rate;
  adamw.weight_decay = options.weight_decay;
  return std::make_unique<FlatAdamW>(groups.decayed, groups.not_decayed, adamw);
}

TrainOutcome run_training(const TrainRequest& request) {
  const RunDirectory directory(request.run_dir);
  if (request.resume && !std::filesystem::is_directory(directory.root()))
    throw Error(fmt::format("{}: no such run directory to resume", directory.root().string()));
  // Held until training and export are done: a second run on the same
  // directory would interleave its checkpoints and log with ours.
  std::optional<Trainer> trainer;
  const RunLock lock = directory.lock_and_set_up([&] { trainer.emplace(request); });
  TrainOutcome outcome = trainer->run();
  // A finished run is exported once; resuming it again exports only a model
  // file that has gone missing.
  if (outcome.finished &&
      (!outcome.already_finished || !std::filesystem::exists(directory.model_file())))
    export_model(directory.best_checkpoint(), directory.model_file(), WeightStorage::kFp32);
  return outcome;
}

TrainedRun load_trained_run(const RunDirectory& directory,
                            const std::filesystem::path& checkpoint_file,
                            const torch::Device& device) {
  TrainedRun run;
  run.info = directory.read_info();
  run.options = load_train_options(directory.config(), {});
  run.label_set = LabelSet(parse_tag_scheme(run.info.tag_scheme));
  run.options.model.vocab_size = run.info.vocab_size;
  run.options.model.num_labels = static_cast<int>(run.label_set.size());
  run.model = NerModel(run.options.model, transition_rules(run.label_set));
  run.model->to(device);
  run.progress = load_checkpoint(checkpoint_file, *run.model, nullptr, false, device);
  run.model->eval();
  return run;
}

}  // namespace ner
