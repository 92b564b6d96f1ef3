// ner-train prepare (the ner-train-prepare executable): a tagged corpus and its
// gold twin -> tokenizer, labels, splits, windows -> one HDF5 dataset file;
// with a leading `text` (ner-train prepare-text), untagged text -> tokenizer
// -> windows of piece ids for pretraining.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/command_line.h"
#include "base/error.h"
#include "base/output_paths.h"
#include "datasets/data_config.h"
#include "datasets/prepare.h"
#include "datasets/pretraining_text.h"

namespace {

struct PrepareCommand {
  std::string config;
  std::string gold;
  std::vector<std::string> corpora;
  std::string out;
  std::string tokenizer;
  std::string on_error = "fail";
  std::vector<std::string> overrides;
  bool dump_config = false;
};

// Every input there and the output file writable, apart from all inputs:
// checked before the first progress line, so an error comes alone.
void refuse_unusable_output(const std::string& out, const std::vector<ner::CommandPath>& inputs) {
  ner::refuse_missing_inputs(inputs);
  const ner::CommandPath output{"--out", out};
  ner::refuse_output_over_inputs(output, inputs);
  ner::refuse_unwritable_output_file(output);
}

void refuse_unusable_paths(const PrepareCommand& command, const ner::PrepareOptions& options) {
  std::vector<ner::CommandPath> inputs = {{"--config", command.config},
                                          {"--tokenizer", command.tokenizer},
                                          {"--corpus", options.data},
                                          {"--gold", command.gold}};
  for (const ner::PrepareCorpus& corpus : options.corpora) {
    inputs.push_back({"--corpus " + corpus.name, corpus.data});
    inputs.push_back({"--corpus " + corpus.name + " gold", corpus.gold});
    inputs.push_back({"--corpus " + corpus.name + " teacher", corpus.teacher});
  }
  refuse_unusable_output(command.out, inputs);
}

// A --corpus value that names a path rather than NAME=PATH,...: no '=', a
// '/' before the first '=' (a corpus name holds none), or an existing path.
bool is_plain_corpus_path(const std::string& value) {
  const std::size_t equals = value.find('=');
  if (equals == std::string::npos) return true;
  if (value.substr(0, equals).find('/') != std::string::npos) return true;
  std::error_code ignored;
  return std::filesystem::exists(value, ignored);
}

// --dump-config: prints the resolved config, and the command stops there.
bool dumped_config(const ner::DataConfig& config, bool dump_config) {
  if (dump_config) fmt::print("{}", ner::to_yaml(config));
  return dump_config;
}

int run_prepare(const PrepareCommand& command) {
  ner::PrepareOptions options;
  options.config = ner::load_data_config(command.config, command.overrides);
  if (dumped_config(options.config, command.dump_config)) return ner::kExitSuccess;
  // --corpus PATH is the one corpus; --corpus NAME=PATH,... one of a mixture.
  std::vector<std::string> paths, mixture;
  for (const std::string& corpus : command.corpora)
    (is_plain_corpus_path(corpus) ? paths : mixture).push_back(corpus);
  if (paths.size() > 1 || (!paths.empty() && !mixture.empty()) ||
      (paths.empty() && mixture.empty()) || command.out.empty()) {
    throw ner::Error(
        "prepare needs one --corpus PATH (or --corpus NAME=PATH[,gold=DIR] for each corpus of a "
        "mixture) and --out FILE.h5");
  }
  if (!command.gold.empty() && paths.empty())
    throw ner::Error(
        "--gold goes with a single --corpus PATH; in a mixture write NAME=PATH,gold=DIR");
  options.data = paths.empty() ? std::string() : paths.front();
  options.gold = command.gold;
  for (const std::string& corpus : mixture)
    options.corpora.push_back(ner::parse_prepare_corpus(corpus));
  options.out = command.out;
  options.tokenizer_model = command.tokenizer;
  options.on_error = ner::parse_on_error(command.on_error);
  refuse_unusable_paths(command, options);
  options.on_skip = [](const ner::SkippedDocument& skipped) {
    fmt::print(stderr, "skipped: {}\n", skipped.reason);
  };
  options.log = [](const std::string& line) { fmt::print(stderr, "prepare: {}\n", line); };
  const auto start = std::chrono::steady_clock::now();
  const ner::PrepareReport report = ner::prepare_dataset(options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(
      stderr,
      "prepare: wrote {} in {:.1f}s ({:.1f} MB/s); split by {}; {} of {} entity boundaries inside "
      "a piece "
      "({:.3f}%); {} spans not representable; weak-label repair added {} spans\n",
      command.out, seconds, report.corpus_bytes / 1e6 / seconds, report.split_method,
      report.misaligned_boundaries, report.boundaries,
      report.boundaries == 0 ? 0.0 : 100.0 * report.misaligned_boundaries / report.boundaries,
      report.unrepresentable_spans, report.repaired_spans);
  if (report.teacher_documents > 0) {
    fmt::print(
        stderr,
        "prepare: confident O: {} unknown ranges in {} documents the teacher tagged train as "
        "O\n",
        report.teacher_outside_ranges, report.teacher_documents);
  }
  for (const auto& corpus : report.corpora) {
    if (corpus["gold"].get<std::string>().empty()) {
      fmt::print(
          stderr, "prepare: {}no gold twin: its dev and test are scored on weak labels\n",
          report.corpora.size() > 1 ? "corpus " + corpus["name"].get<std::string>() + ": " : "");
    }
  }
  return report.skipped_documents > 0 ? ner::kExitPartial : ner::kExitSuccess;
}

struct PrepareTextCommand {
  std::vector<std::string> texts;
  std::string out;
  std::string tokenizer;
  std::string config;
  std::vector<std::string> overrides;
  std::size_t max_documents = 0;
  std::string on_error = "fail";
  bool dump_config = false;
};

int run_prepare_text(const PrepareTextCommand& command) {
  ner::PretrainingTextOptions options;
  options.config = ner::load_data_config(command.config, command.overrides);
  if (dumped_config(options.config, command.dump_config)) return ner::kExitSuccess;
  if (command.texts.empty() || command.out.empty())
    throw ner::Error("prepare-text needs --text PATH (repeatable) and --out FILE.h5");
  std::vector<ner::CommandPath> inputs = {{"--config", command.config},
                                          {"--tokenizer", command.tokenizer}};
  for (const std::string& text : command.texts) {
    inputs.push_back({"--text", text});
    options.inputs.emplace_back(text);
  }
  refuse_unusable_output(command.out, inputs);
  options.tokenizer_model = command.tokenizer;
  options.max_documents = command.max_documents;
  options.on_error = ner::parse_on_error(command.on_error);
  options.on_skip = [](const ner::SkippedDocument& skipped) {
    fmt::print(stderr, "skipped: {}\n", skipped.reason);
  };
  options.log = [](const std::string& line) { fmt::print(stderr, "prepare-text: {}\n", line); };
  ner::PretrainingTextReport report;
  const ner::PretrainingCorpus corpus = ner::build_pretraining_corpus(options, report);
  ner::write_pretraining_corpus(command.out, corpus);
  if (report.skipped_documents > 0) {
    fmt::print(stderr, "skipped {} of {} documents (--on-error=skip)\n", report.skipped_documents,
               report.skipped_documents + corpus.documents);
  }
  fmt::print(stderr,
             "prepare-text: {} documents, {} pieces, {} windows; tokenized {:.0f} pieces/s; "
             "wrote {}\n",
             corpus.documents, corpus.piece_count(), corpus.window_count(),
             static_cast<double>(corpus.piece_count()) / std::max(report.tokenize_seconds, 1e-9),
             command.out);
  return report.skipped_documents > 0 ? ner::kExitPartial : ner::kExitSuccess;
}

// `ner-train prepare-text`: ner-train hands it over as `ner-train-prepare text ...`.
int prepare_text_main(int argc, char** argv) {
  CLI::App app{
      "Tokenize untagged text for masked-language pretraining: SentencePiece is trained on a "
      "sample of the text's lines (or reused), each document is cut into windows of at most "
      "data.max_len pieces, written to one HDF5 file.",
      "ner-train prepare-text"};
  app.set_version_flag("--version", std::string("ner-train prepare-text ") + NER_VERSION);
  app.footer("Exit status: 0 success, 1 finished but some documents were skipped, 2 error.");
  PrepareTextCommand command;
  app.add_option("--text", command.texts,
                 "Untagged text (repeatable): a directory of *.txt (recursively), a *.txt file, "
                 "or a *.jsonl file of {\"id\": ..., \"text\": ...} lines");
  app.add_option("-o,--out", command.out, "Pretraining corpus file to write (HDF5)");
  app.add_option("--tokenizer", command.tokenizer,
                 "Reuse this SentencePiece model instead of training one");
  app.add_option("-c,--config", command.config, "YAML config (sections tokenizer and data)");
  app.add_option("--set", command.overrides,
                 "Override a config value: section.key=value (repeatable)");
  app.add_option("--max-docs", command.max_documents, "Read at most this many documents (0: all)")
      ->capture_default_str()
      ->check(ner::whole_number(0, "0: all", std::numeric_limits<long long>::max()));
  app.add_option("--on-error", command.on_error,
                 "On a malformed document (JSON line, non-UTF-8 text): fail or skip")
      ->capture_default_str()
      ->check(CLI::IsMember({"fail", "skip"}));
  app.add_flag("--dump-config", command.dump_config, "Print the resolved configuration and exit");
  return ner::run_command_line(app, argc, argv, [&] { return run_prepare_text(command); });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "text") return prepare_text_main(argc - 1, argv + 1);
  CLI::App app{
      "Tokenize and label a tagged corpus into an HDF5 dataset: SentencePiece is trained on the "
      "train split (or reused), spans become BIO/BILOU piece labels, documents are split "
      "train/dev/test and cut into windows.",
      "ner-train prepare"};
  app.set_version_flag("--version", std::string("ner-train prepare ") + NER_VERSION);
  app.footer("Exit status: 0 success, 1 finished but some documents were skipped, 2 error.");
  PrepareCommand prepare_command;
  CLI::App* prepare = &app;
  prepare->add_option("-c,--config", prepare_command.config,
                      "YAML config (sections tokenizer and data)");
  prepare
      ->add_option("--corpus", prepare_command.corpora,
                   "The tagged corpus, a directory of *.txt or one file; or, repeated, each corpus "
                   "of a mixture as NAME=PATH[,weight=W][,gold=DIR][,teacher=PRED], each split "
                   "on its own, training drawing its windows by weight; teacher=PRED (ner-tag -f "
                   "jsonl of its documents) trains as O the undecided weak text the teacher "
                   "left untagged (required)")
      ->allow_extra_args(false);
  prepare->add_option(
      "--gold", prepare_command.gold,
      "Gold twin of the corpus (same relative paths and plain text): dev and test take its labels");
  prepare->add_option("-o,--out", prepare_command.out, "Dataset file to write (HDF5) (required)");
  prepare->add_option("--tokenizer", prepare_command.tokenizer,
                      "Reuse this SentencePiece model instead of training one");
  prepare->add_option("--set", prepare_command.overrides,
                      "Override a config value: section.key=value (repeatable)");
  prepare
      ->add_option("--on-error", prepare_command.on_error, "On a malformed document: fail or skip")
      ->capture_default_str()
      ->check(CLI::IsMember({"fail", "skip"}));
  prepare->add_flag("--dump-config", prepare_command.dump_config,
                    "Print the resolved configuration and exit");

  return ner::run_command_line(app, argc, argv, [&] { return run_prepare(prepare_command); },
                               {{"", "--data", "--corpus"}});
}
