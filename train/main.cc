// ner-train: the training side's command line: training (the default action),
// `prepare` (corpus -> dataset), `evaluate` (a run on a dataset split), `export`, `env`.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/command_line.h"
#include "base/error.h"
#include "base/output_paths.h"
#include "models/torch_runtime.h"
#include "train/evaluation.h"
#include "train/export.h"
#include "train/mixed_precision.h"
#include "train/pretrainer.h"
#include "train/train_options.h"
#include "train/trainer.h"

namespace {

int run_env(bool json, int threads) {
  ner::configure_cpu_threads(threads);
  const nlohmann::json info = ner::describe_runtime();
  if (json) {
    fmt::print("{}\n", info.dump(2));
    return ner::kExitSuccess;
  }
  for (const auto& [key, value] : info.items()) {
    fmt::print("{:<30}{}\n", key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return ner::kExitSuccess;
}

// Debian's libsentencepiece carries its own copy of protobuf-lite, and loading
// it next to LibTorch's libprotobuf crashes at start-up. The steps that need
// SentencePiece therefore live in executables beside this one, which runs
// them in its place: `prepare` (and `prepare-text` as its `text` mode) in
// ner-train-prepare, `find-threshold` (which tags) in ner-train-find-threshold.
int run_helper_tool(int argc, char** argv, const char* tool_name, const char* shown_name,
                    const char* mode = nullptr) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path tool =
      (error ? std::filesystem::path(argv[0]) : self).parent_path() / tool_name;
  std::vector<char*> arguments;
  arguments.push_back(const_cast<char*>(shown_name));
  if (mode) arguments.push_back(const_cast<char*>(mode));
  for (int i = 2; i < argc; ++i)
    arguments.push_back(argv[i]);
  arguments.push_back(nullptr);
  ::execv(tool.c_str(), arguments.data());
  fmt::print(stderr, "ner-train: error: cannot run {}: {}\n", tool.string(), std::strerror(errno));
  return ner::kExitError;
}

// --device and --threads, as every command that computes offers them: here
// shorthands for --set train.device=... and --set train.threads=....
void add_device_options(CLI::App& app, std::vector<std::string>& overrides) {
  app.add_option_function<std::string>(
         "--device",
         [&overrides](const std::string& device) { overrides.push_back("train.device=" + device); },
         "auto, cpu, cuda or cuda:N (train.device of the config)")
      ->type_name("TEXT");
  app.add_option_function<std::string>(
         "--threads",
         [&overrides](const std::string& threads) {
           overrides.push_back("train.threads=" + threads);
         },
         "CPU threads, 0: all cores (train.threads of the config)")
      ->check(ner::whole_number(0, "0: all cores"));
}

struct TrainCommand {
  ner::TrainRequest request;
  std::filesystem::path resume;
  bool dump_config = false;
};

int run_train(TrainCommand& command) {
  ner::TrainRequest& request = command.request;
  if (command.dump_config) {
    const auto options = ner::load_train_options(
        command.resume.empty() ? request.config : ner::RunDirectory(command.resume).config(),
        request.overrides);
    fmt::print("{}", ner::to_yaml(options));
    return ner::kExitSuccess;
  }
  if (!command.resume.empty()) {
    if (!request.run_dir.empty() && request.run_dir != command.resume)
      throw ner::Error("--resume continues a run in its own directory: leave out --out");
    if (!request.config.empty())
      throw ner::Error("--resume uses the run's own config.yaml: leave out --config");
    request.resume = true;
    request.run_dir = command.resume;
  } else {
    if (request.data.empty())
      throw ner::Error("--dataset DATASET.h5 is required for a new run (see --help)");
    if (request.run_dir.empty())
      throw ner::Error("--out RUN_DIR is required for a new run (see --help)");
    ner::refuse_output_over_inputs({"--out", request.run_dir},
                                   {{"--dataset", request.data}, {"--config", request.config}});
  }
  const ner::TrainOutcome outcome = ner::run_training(request);
  if (!outcome.finished) return ner::kExitSuccess;
  if (outcome.already_finished) {
    fmt::print(
        "{}: this run has finished (step {}, best checkpoint at step {}); nothing to resume. Its "
        "held-out scores are in metrics.json and its model in model.nerm; to train longer, start "
        "a new run\n",
        request.run_dir.string(), outcome.steps, outcome.best_step);
    return ner::kExitSuccess;
  }
  fmt::print("Held-out test split ({} labels), best checkpoint:\n{}", outcome.test_label_source,
             outcome.test_scores.to_table());
  if (outcome.test_label_source != "gold") {
    fmt::print(
        "\nnote: scored against WEAK labels: the dataset was prepared without --gold, so these "
        "numbers understate (or misstate) real quality\n");
  }
  fmt::print("\nrun directory: {} (model.nerm, metrics.json, best.pt, last.pt, log.jsonl)\n",
             request.run_dir.string());
  return ner::kExitSuccess;
}

struct EvaluateCommand {
  std::filesystem::path run_dir;
  std::filesystem::path data;
  std::string split = "test";
  std::string checkpoint = "best";
  std::string device = "auto";
  int threads = 0;
  bool json = false;
};

int run_evaluate(const EvaluateCommand& command) {
  ner::configure_cpu_threads(command.threads);
  const torch::Device device = ner::resolve_device(command.device);
  const ner::RunDirectory directory(command.run_dir);
  ner::TrainedRun run =
      ner::load_trained_run(directory, directory.checkpoint(command.checkpoint), device);
  const ner::DatasetFile dataset = ner::read_dataset_file(command.data);
  if (dataset.label_names != run.label_set.names()) {
    throw ner::Error(fmt::format("{}: its labels ({}) differ from the run's", command.data.string(),
                                 dataset.tag_scheme));
  }
  if (dataset.tokenizer_model != directory.read_tokenizer()) {
    throw ner::Error(fmt::format(
        "{}: prepared with another tokenizer than the run's; prepare it with --tokenizer {}",
        command.data.string(), directory.tokenizer().string()));
  }
  ner::check_dataset_fits(dataset, run.options.model, command.data);
  const ner::Split split = ner::parse_split(command.split);
  const ner::DatasetSplit& data = dataset.split(split);
  ner::EvaluationSettings settings;
  settings.device = device;
  // fp16 autocast exists only on CUDA; elsewhere a run trained in it is scored in fp32.
  if (device.is_cuda() || run.options.precision != ner::Precision::kFp16)
    settings.autocast = ner::autocast_type(run.options.precision);
  const ner::SplitEvaluation result = ner::evaluate_split(run.model, data, run.label_set, settings);
  const nlohmann::json corpora = ner::per_corpus_scores(dataset, split, result);
  if (command.json) {
    const nlohmann::json report = {{"run", command.run_dir.string()},
                                   {"checkpoint", command.checkpoint},
                                   {"dataset", command.data.string()},
                                   {"split", command.split},
                                   {"label_source", data.label_source},
                                   {"documents", result.documents},
                                   {"micro_strict_f1", result.scores.micro_strict().f1()},
                                   {"per_corpus", corpora},
                                   {"scores", result.scores.to_json()}};
    fmt::print("{}\n", report.dump(2));
  } else {
    fmt::print("{} split of {}: {} documents, scored against {} labels\n{}", command.split,
               command.data.string(), result.documents, data.label_source,
               result.scores.to_table());
    if (corpora.size() > 1) {
      for (const auto& [name, scores] : corpora.items())
        fmt::print("corpus {}: strict F1 {:.4f} ({} labels)\n", name, scores["f1"].get<double>(),
                   scores["label_source"].get<std::string>());
    }
  }
  return ner::kExitSuccess;
}

struct ExportCommand {
  std::filesystem::path checkpoint;
  std::filesystem::path out;
  bool fp16 = false;
};

int run_export(const ExportCommand& command) {
  ner::configure_cpu_threads(0);
  ner::export_model(command.checkpoint, command.out,
                    command.fp16 ? ner::WeightStorage::kFp16 : ner::WeightStorage::kFp32);
  fmt::print("wrote {} ({:.1f} MB, {} weights)\n", command.out.string(),
             static_cast<double>(std::filesystem::file_size(command.out)) / 1e6,
             command.fp16 ? "fp16" : "fp32");
  return ner::kExitSuccess;
}

// Runs the preparation executable as a child (for `pretrain --text`) and
// waits for it; its exit status is ours when it fails.
int run_prepare_child(const char* argv0, const std::vector<std::string>& arguments) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path tool =
      (error ? std::filesystem::path(argv0) : self).parent_path() / "ner-train-prepare";
  std::vector<std::string> owned = {"ner-train prepare-text", "text"};
  owned.insert(owned.end(), arguments.begin(), arguments.end());
  std::vector<char*> pointers;
  for (std::string& argument : owned)
    pointers.push_back(argument.data());
  pointers.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0)
    throw ner::Error(fmt::format("cannot start {}: {}", tool.string(), std::strerror(errno)));
  if (child == 0) {
    ::execv(tool.c_str(), pointers.data());
    fmt::print(stderr, "ner-train: error: cannot run {}: {}\n", tool.string(),
               std::strerror(errno));
    ::_exit(ner::kExitError);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return ner::kExitError;
}

struct PretrainCommand {
  ner::PretrainRequest request;
  std::filesystem::path resume;
  std::vector<std::string> texts;
  std::filesystem::path tokenizer;
  int max_documents = 0;
  std::string on_error = "fail";
  bool dump_config = false;
};

int run_pretrain(PretrainCommand& command, const char* argv0) {
  ner::PretrainRequest& request = command.request;
  if (command.dump_config) {
    const auto options = ner::load_pretrain_options(
        command.resume.empty() ? request.config : ner::RunDirectory(command.resume).config(),
        request.overrides);
    fmt::print("{}", ner::to_yaml(options));
    return ner::kExitSuccess;
  }
  int status = ner::kExitSuccess;
  if (!command.resume.empty()) {
    if (!request.run_dir.empty() || !request.config.empty() || !command.texts.empty() ||
        !request.init.empty())
      throw ner::Error(
          "--resume continues a run with its own config, text and weights: leave out --out, "
          "--config, --text and --init");
    request.resume = true;
    request.run_dir = command.resume;
  } else {
    if (request.run_dir.empty()) throw ner::Error("--out RUN_DIR is required (see --help)");
    if (request.data.empty() == command.texts.empty())
      throw ner::Error(
          "give the text as --text PATH (repeatable) or as --dataset TEXT.h5 from `ner-train "
          "prepare-text`, one of the two");
    if (!command.texts.empty()) {
      if (ner::RunDirectory(request.run_dir).has_started()) {
        throw ner::Error(fmt::format("{}: already holds a run; continue it with --resume {}",
                                     request.run_dir.string(), request.run_dir.string()));
      }
      // The text is tokenized into the run directory, by the executable that
      // may load SentencePiece.
      request.data = request.run_dir / "text.h5";
      std::vector<std::string> arguments;
      for (const std::string& text : command.texts)
        arguments.insert(arguments.end(), {"--text", text});
      arguments.insert(arguments.end(),
                       {"--out", request.data.string(), "--on-error", command.on_error});
      if (!request.config.empty())
        arguments.insert(arguments.end(), {"--config", request.config.string()});
      // Continued pretraining must read the text as the run it continues did.
      if (command.tokenizer.empty() && !request.init.empty())
        command.tokenizer = ner::RunDirectory(request.init).tokenizer();
      if (!command.tokenizer.empty())
        arguments.insert(arguments.end(), {"--tokenizer", command.tokenizer.string()});
      if (command.max_documents > 0)
        arguments.insert(arguments.end(), {"--max-docs", std::to_string(command.max_documents)});
      for (const std::string& assignment : request.overrides)
        arguments.insert(arguments.end(), {"--set", assignment});
      status = run_prepare_child(argv0, arguments);
      if (status != ner::kExitSuccess && status != ner::kExitPartial) return status;
    }
  }
  const ner::PretrainOutcome outcome = ner::run_pretraining(request);
  if (outcome.already_finished) {
    fmt::print(
        "{}: this pretraining run has finished; nothing to resume. Start NER runs from it "
        "with ner-train --init {}\n",
        request.run_dir.string(), request.run_dir.string());
  } else if (outcome.finished) {
    fmt::print(
        "pretrained: {} steps, dev loss {:.4f}, dev accuracy {:.3f}; start NER runs from it "
        "with ner-train --init {} (prepare their data with --tokenizer {})\n",
        outcome.metrics.value("steps", 0), outcome.metrics.value("dev_loss", 0.0),
        outcome.metrics.value("dev_accuracy", 0.0), request.run_dir.string(),
        (request.run_dir / "tokenizer.model").string());
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view subcommand = argc > 1 ? argv[1] : "";
  if (subcommand == "prepare")
    return run_helper_tool(argc, argv, "ner-train-prepare", "ner-train prepare");
  if (subcommand == "prepare-text")
    return run_helper_tool(argc, argv, "ner-train-prepare", "ner-train prepare", "text");
  if (subcommand == "find-threshold")
    return run_helper_tool(argc, argv, "ner-train-find-threshold", "ner-train find-threshold");
  CLI::App app{"Train named-entity recognizers for ML-model facts", "ner-train"};
  app.require_subcommand(0, 1);
  app.description(
      "Train named-entity recognizers for ML-model facts.\n"
      "Without a subcommand, trains: ner-train --config CFG --dataset DATASET.h5 --out RUN_DIR");
  app.set_version_flag("--version", std::string("ner-train ") + NER_VERSION);
  app.footer("Exit status: 0 success, 1 finished but some documents were skipped, 2 error.");

  bool env_json = false;
  int env_threads = 0;
  CLI::App* env = app.add_subcommand(
      "env", "Report the LibTorch runtime: version, CUDA devices, CPU threads, fused attention");
  env->add_flag("--json", env_json, "Print JSON instead of key/value lines");
  env->add_option("--threads", env_threads, "CPU threads to configure (0: all cores)")
      ->capture_default_str()
      ->check(ner::whole_number(0, "0: all cores"));

  TrainCommand train;
  app.add_option("-c,--config", train.request.config, "YAML config (model and train sections)")
      ->check(CLI::ExistingFile);
  app.add_option("--dataset", train.request.data,
                 "Dataset file from 'ner-train prepare' (required for a new run)");
  app.add_option("-o,--out", train.request.run_dir,
                 "Run directory to create: config, tokenizer, checkpoints, log, metrics "
                 "(required for a new run)");
  app.add_option("--resume", train.resume,
                 "Continue the run in this directory from its last checkpoint")
      ->check(CLI::ExistingDirectory);
  app.add_option("--set", train.request.overrides,
                 "Override a config value, e.g. --set train.lr=3e-4 (repeatable)");
  app.add_option("--stop-after", train.request.stop_after_steps,
                 "Stop after this many steps, saving a checkpoint to --resume from")
      ->check(ner::whole_number(0, "0: no stop", std::numeric_limits<long long>::max()));
  ner::add_progress_option(app, train.request.progress, "a line per evaluation");
  add_device_options(app, train.request.overrides);
  app.add_flag("--dump-config", train.dump_config, "Print the resolved training config and exit");
  app.add_option("--init", train.request.init,
                 "Start from the encoder of this pretraining run (`ner-train pretrain`); prepare "
                 "the dataset with its tokenizer.model")
      ->check(CLI::ExistingDirectory);

  EvaluateCommand evaluate;
  CLI::App* evaluate_app = app.add_subcommand(
      "evaluate", "Score a trained run on one split of a dataset (entity-level F1 per type)");
  evaluate_app->add_option("--run", evaluate.run_dir, "Run directory written by training")
      ->required()
      ->check(CLI::ExistingDirectory);
  evaluate_app->add_option("--dataset", evaluate.data, "Dataset file (same tokenizer and labels)")
      ->required()
      ->check(CLI::ExistingFile);
  evaluate_app->add_option("--split", evaluate.split, "train, dev or test")
      ->capture_default_str()
      ->check(CLI::IsMember({"train", "dev", "test"}));
  evaluate_app->add_option("--checkpoint", evaluate.checkpoint, "best or last")
      ->capture_default_str()
      ->check(CLI::IsMember({"best", "last"}));
  evaluate_app->add_option("--device", evaluate.device, "auto, cpu, cuda or cuda:N")
      ->capture_default_str();
  evaluate_app->add_option("--threads", evaluate.threads, "CPU threads (0: all cores)")
      ->capture_default_str()
      ->check(ner::whole_number(0, "0: all cores"));
  evaluate_app->add_flag("--json", evaluate.json, "Print JSON instead of a table");

  ExportCommand export_command;
  CLI::App* export_app = app.add_subcommand(
      "export", "Write a checkpoint as one self-contained model file for ner-tag");
  export_app
      ->add_option("--checkpoint", export_command.checkpoint,
                   "Checkpoint inside a run directory, e.g. RUN_DIR/best.pt")
      ->required()
      ->check(CLI::ExistingFile);
  export_app
      ->add_option("-o,--out", export_command.out,
                   "Model file to write (e.g. model.nerm); never another file of the run")
      ->required();
  export_app->add_flag("--fp16", export_command.fp16,
                       "Store weights in fp16 (half the size; computed in fp32)");

  // Listed for --help; main() hands these to their executables before parsing.
  app.add_subcommand(
         "prepare",
         "Tokenize and label a tagged corpus into an HDF5 dataset (see 'prepare --help')")
      ->allow_extras();
  app.add_subcommand("prepare-text",
                     "Tokenize untagged text into windows for pretraining (see 'prepare-text "
                     "--help')")
      ->allow_extras();
  app.add_subcommand("find-threshold",
                     "Pick ner-tag's least entity score, per type, for the best F1 on a dev set "
                     "(see 'find-threshold --help')")
      ->allow_extras();

  PretrainCommand pretrain;
  CLI::App* pretrain_app = app.add_subcommand(
      "pretrain",
      "Pretrain the encoder as a masked language model (whole-word masking) on untagged text");
  pretrain_app->add_option(
      "--text", pretrain.texts,
      "Untagged text: a directory of *.txt, a .txt or a .jsonl file "
      "({\"id\", \"text\"} lines) (repeatable); tokenized into RUN_DIR/text.h5");
  pretrain_app->add_option("--dataset", pretrain.request.data,
                           "Or text already tokenized by `ner-train prepare-text`");
  pretrain_app->add_option("--tokenizer", pretrain.tokenizer,
                           "SentencePiece model to tokenize --text with (default: train one)");
  pretrain_app->add_option("--max-docs", pretrain.max_documents, "Read at most this many documents")
      ->check(ner::whole_number(0, "0: all"));
  pretrain_app->add_option("--on-error", pretrain.on_error, "On a malformed document: fail or skip")
      ->capture_default_str()
      ->check(CLI::IsMember({"fail", "skip"}));
  pretrain_app
      ->add_option("-c,--config", pretrain.request.config,
                   "YAML config (tokenizer, data, model, train and pretrain sections)")
      ->check(CLI::ExistingFile);
  pretrain_app->add_option("-o,--out", pretrain.request.run_dir,
                           "Pretraining run directory to create (required for a new run)");
  pretrain_app
      ->add_option("--init", pretrain.request.init,
                   "Continue pretraining from this pretraining run's weights, with a new "
                   "optimizer and schedule (its tokenizer reads --text)")
      ->check(CLI::ExistingDirectory);
  pretrain_app
      ->add_option("--resume", pretrain.resume,
                   "Continue the pretraining run in this directory from its last.pt")
      ->check(CLI::ExistingDirectory);
  pretrain_app->add_option(
      "--set", pretrain.request.overrides,
      "Override a config value, e.g. --set train.max_steps=20000 (repeatable)");
  pretrain_app
      ->add_option("--stop-after", pretrain.request.stop_after_steps,
                   "Stop after this many steps, saving a checkpoint to --resume from")
      ->check(ner::whole_number(0, "0: run to the end"));
  ner::add_progress_option(*pretrain_app, pretrain.request.progress, "a line per evaluation");
  add_device_options(*pretrain_app, pretrain.request.overrides);
  pretrain_app->add_flag("--dump-config", pretrain.dump_config,
                         "Print the resolved pretraining config and exit");

  std::filesystem::path self_train_config;
  std::vector<std::string> self_train_overrides;
  CLI::App* self_train_app = app.add_subcommand(
      "self-train-config",
      "Print the self_train section of a config (rounds, min_score, type_min_scores, "
      "confident_o, epochs), resolved as defaults < file < --set, as KEY=VALUE lines for "
      "tools/self_train.sh");
  self_train_app->add_option("-c,--config", self_train_config, "YAML config")
      ->check(CLI::ExistingFile);
  self_train_app->add_option("--set", self_train_overrides,
                             "Override a value, e.g. --set self_train.rounds=2 (repeatable)");

  return ner::run_command_line(app, argc, argv,
                               [&] {
                                 if (*self_train_app) {
                                   fmt::print("{}", ner::to_key_values(ner::load_self_train_options(
                                                        self_train_config, self_train_overrides)));
                                   return ner::kExitSuccess;
                                 }
                                 if (*pretrain_app) return run_pretrain(pretrain, argv[0]);
                                 if (*env) return run_env(env_json, env_threads);
                                 if (*evaluate_app) return run_evaluate(evaluate);
                                 if (*export_app) return run_export(export_command);
                                 return run_train(train);
                               },
                               {{"", "--data", "--dataset"},
                                {"evaluate", "--data", "--dataset"},
                                {"pretrain", "--data", "--dataset"}});
}
