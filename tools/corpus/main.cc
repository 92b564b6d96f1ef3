// ner-corpus: tools for tagged corpora (stats; the generator joins later).
// A thin command line over ner_data and the corpus statistics.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "datasets/command_line.h"
#include "datasets/corpus.h"
#include "datasets/error.h"
#include "tools/corpus/corpus_stats.h"

namespace {

struct StatsOptions {
  std::string input;
  bool json = false;
  std::size_t top = 10;
  std::string on_error = "fail";
};

int run_stats(const StatsOptions& options) {
  ner::CorpusOptions corpus_options;
  corpus_options.on_error = ner::parse_on_error(options.on_error);
  corpus_options.on_skip = [](const ner::SkippedDocument& skipped) {
    fmt::print(stderr, "skipped: {}\n", skipped.reason);
  };
  ner::CorpusStats stats;
  const ner::CorpusReport report = ner::for_each_document(
      options.input, corpus_options, [&](ner::Document&& document) { stats.add(document); });
  if (report.files == 0) {
    throw ner::Error(fmt::format("{}: no *.txt documents found", options.input));
  }
  if (options.json) {
    nlohmann::json json = ner::stats_to_json(stats, options.top);
    json["skipped"] = report.skipped.size();
    fmt::print("{}\n", json.dump(2));
  } else {
    fmt::print("Corpus {}\n\n{}", options.input, ner::stats_to_table(stats, options.top));
  }
  if (!report.skipped.empty()) {
    fmt::print(stderr, "skipped {} of {} documents (--on-error=skip)\n", report.skipped.size(),
               report.files);
    return ner::kExitPartial;
  }
  return ner::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Inspect tagged corpora of ML-model facts", "ner-corpus"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ner-corpus ") + NER_VERSION);
  app.footer(
      "Exit status: 0 success, 1 finished but some documents were skipped, 2 error.\n"
      "Run 'ner-corpus SUBCOMMAND --help' for a subcommand's options.");

  StatsOptions stats_options;
  CLI::App* stats = app.add_subcommand(
      "stats",
      "Counts documents, characters, entities and surface forms per type, and the "
      "boundary variants of weak labels");
  stats
      ->add_option("INPUT", stats_options.input,
                   "A directory (every *.txt below it, recursively) or a single file")
      ->required();
  stats->add_flag("--json", stats_options.json, "Print JSON instead of a table");
  stats->add_option("--top", stats_options.top, "How many of the most common forms per type")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  stats
      ->add_option("--on-error", stats_options.on_error,
                   "On a malformed document: 'fail' stops with its error, 'skip' reports it "
                   "and goes on")
      ->capture_default_str()
      ->check(CLI::IsMember({"fail", "skip"}));

  return ner::run_command_line(app, argc, argv, [&] {
    if (*stats) return run_stats(stats_options);
    return ner::kExitError;
  });
}
