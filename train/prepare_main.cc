// ner-train prepare (the ner-train-prepare executable): a tagged corpus and its
// gold twin -> tokenizer, labels, splits, windows -> one HDF5 dataset file.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "base/command_line.h"
#include "base/error.h"
#include "base/output_paths.h"
#include "datasets/data_config.h"
#include "datasets/prepare.h"

namespace {

struct PrepareCommand {
  std::string config;
  std::string data;
  std::string gold;
  std::vector<std::string> corpora;
  std::string out;
  std::string tokenizer;
  std::string on_error = "fail";
  std::vector<std::string> overrides;
  bool dump_config = false;
};

// Every input there and the dataset file writable, apart from all inputs:
// checked before the first progress line, so an error comes alone.
void refuse_unusable_paths(const PrepareCommand& command, const ner::PrepareOptions& options) {
  std::vector<ner::CommandPath> inputs = {{"--config", command.config},
                                          {"--tokenizer", command.tokenizer},
                                          {"--data", command.data},
                                          {"--gold", command.gold}};
  for (const ner::PrepareCorpus& corpus : options.corpora) {
    inputs.push_back({"--corpus " + corpus.name, corpus.data});
    inputs.push_back({"--corpus " + corpus.name + " gold", corpus.gold});
  }
  ner::refuse_missing_inputs(inputs);
  const ner::CommandPath out{"--out", command.out};
  ner::refuse_output_over_inputs(out, inputs);
  ner::refuse_unwritable_output_file(out);
}

int run_prepare(const PrepareCommand& command) {
  ner::PrepareOptions options;
  options.config = ner::load_data_config(command.config, command.overrides);
  if (command.dump_config) {
    fmt::print("{}", ner::to_yaml(options.config));
    return ner::kExitSuccess;
  }
  if (command.data.empty() == command.corpora.empty() || command.out.empty())
    throw ner::Error(
        "prepare needs --data DIR (or one --corpus NAME=PATH per corpus) and --out FILE.h5");
  if (!command.gold.empty() && command.data.empty())
    throw ner::Error("--gold goes with --data; with --corpus write NAME=PATH,gold=DIR");
  options.data = command.data;
  options.gold = command.gold;
  for (const std::string& corpus : command.corpora)
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
  for (const auto& corpus : report.corpora) {
    if (corpus["gold"].get<std::string>().empty()) {
      fmt::print(
          stderr, "prepare: {}no gold twin: its dev and test are scored on weak labels\n",
          report.corpora.size() > 1 ? "corpus " + corpus["name"].get<std::string>() + ": " : "");
    }
  }
  return report.skipped_documents > 0 ? ner::kExitPartial : ner::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Tokenize and label a tagged corpus into an HDF5 dataset: SentencePiece is trained on the "
      "train split (or reused), spans become BIO/BILOU piece labels, documents are split "
      "train/dev/test and cut into windows.",
      "ner-train prepare"};
  app.set_version_flag("--version", std::string("ner-train prepare ") + NER_VERSION);
  app.footer("Exit status: 0 success, 1 finished but some documents were skipped, 2 error.");
  PrepareCommand prepare_command;
  CLI::App* prepare = &app;
  prepare->add_option("--config", prepare_command.config,
                      "YAML config (sections tokenizer and data)");
  prepare->add_option("--data", prepare_command.data,
                      "Tagged corpus: a directory of *.txt or one file");
  prepare->add_option(
      "--gold", prepare_command.gold,
      "Gold twin of the corpus (same relative paths and plain text): dev and test take its labels");
  prepare->add_option("--corpus", prepare_command.corpora,
                      "One corpus of a mixture, NAME=PATH[,weight=W][,gold=DIR] (repeatable): "
                      "each is split on its own, and training draws its windows by weight");
  prepare->add_option("--out", prepare_command.out, "Dataset file to write (HDF5)");
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

  return ner::run_command_line(app, argc, argv, [&] { return run_prepare(prepare_command); });
}
