// ner-corpus: tools for tagged corpora: statistics, the generator, and strip.
// A thin command line over ner_data and the corpus statistics.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "base/command_line.h"
#include "base/error.h"
#include "base/file_io.h"
#include "base/output_paths.h"
#include "datasets/corpus.h"
#include "datasets/dataset_file.h"
#include "datasets/threshold_search.h"
#include "tools/corpus/corpus_stats.h"
#include "tools/corpus/dataset_stats.h"
#include "tools/corpus/generator.h"
#include "tools/corpus/label_command.h"

namespace {

struct StatsOptions {
  std::string input;
  std::string dataset;
  bool json = false;
  std::size_t top = 10;
  std::string on_error = "fail";
};

int run_stats(const StatsOptions& options) {
  if (options.input.empty() && options.dataset.empty())
    throw ner::Error("stats: give a corpus INPUT (a directory or file) or --dataset FILE.h5");
  if (!options.input.empty() && !options.dataset.empty()) {
    throw ner::Error("stats: give a corpus INPUT or --dataset FILE.h5, not both");
  }
  if (!options.dataset.empty()) {
    const ner::DatasetFile dataset = ner::read_dataset_file(options.dataset);
    if (options.json) {
      fmt::print("{}\n", ner::dataset_stats_to_json(dataset).dump(2));
    } else {
      fmt::print("Dataset {}\n\n{}", options.dataset, ner::dataset_stats_to_table(dataset));
    }
    return ner::kExitSuccess;
  }
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

struct GenerateOptions {
  ner::corpus::GeneratorOptions generator;
  std::string out;
  std::string gold;
  std::string styles = "all";
  std::string split_ratio = "80:10:10";
  bool raw = false;
  bool force = false;
  int threads = 0;
  ner::ProgressStyle progress = ner::ProgressStyle::kAuto;
};

// A corpus folder to write: a new or empty one, or with --force a used one,
// whose old corpus goes first so that the result is one corpus, not two mixed.
void refuse_used_corpus_folder(const ner::CommandPath& folder, bool force) {
  if (!folder.path.empty()) ner::refuse_used_output_folder(folder, force);
}
void clear_corpus_folder(const ner::CommandPath& folder, bool force) {
  if (force && !folder.path.empty()) ner::remove_corpus_files(folder.path);
}

ner::SplitFractions parse_split_ratio(const std::string& text) {
  std::array<double, 3> parts{};
  char extra = 0;
  if (std::sscanf(text.c_str(), "%lf:%lf:%lf%c", &parts[0], &parts[1], &parts[2], &extra) != 3 ||
      parts[0] <= 0 || parts[1] < 0 || parts[2] <= 0) {
    throw ner::Error(
        fmt::format("--split-ratio '{}': expected TRAIN:DEV:TEST such as 80:10:10", text));
  }
  return ner::SplitFractions{parts[0], parts[1], parts[2]};
}

int run_generate(GenerateOptions& options) {
  auto& generator = options.generator;
  generator.style_weights = ner::corpus::parse_style_weights(
      options.raw && options.styles == "all" ? "raw-paper" : options.styles);
  generator.split_fractions = parse_split_ratio(options.split_ratio);
  if (options.raw && options.gold.empty()) {
    throw ner::Error("--raw writes untagged text; give --gold DIR for its gold twin");
  }
  const ner::CommandPath out{"--out", options.out};
  const ner::CommandPath gold{"--gold", options.gold};
  if (!options.gold.empty()) ner::refuse_overlapping_outputs(out, gold);
  refuse_used_corpus_folder(out, options.force);
  refuse_used_corpus_folder(gold, options.force);
  clear_corpus_folder(out, options.force);
  clear_corpus_folder(gold, options.force);
  ner::corpus::WriteOptions write;
  write.out = options.out;
  write.gold_out = options.gold;
  write.raw = options.raw;
  write.threads = options.threads > 0
                      ? options.threads
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ner::ProgressDisplay display(options.progress);
  write.progress = [&](std::size_t done, std::size_t total) {
    display.update_count(done, total, "docs");
  };
  const ner::corpus::GenerationTotals totals = ner::corpus::write_corpus(generator, write);
  const double seconds = display.elapsed_seconds();
  display.line(fmt::format(
      "wrote {} documents to {}{} in {:.1f}s: {} gold mentions, {} weak ({:.1f}% dropped), "
      "boundary variants {} of {} ({:.1f}%)",
      totals.documents, options.out,
      options.gold.empty() ? "" : " (gold twin: " + options.gold + ")", seconds,
      totals.gold_mentions, totals.weak_mentions, 100.0 * totals.drop_rate(), totals.variants,
      totals.variant_eligible, 100.0 * totals.boundary_noise()));
  return ner::kExitSuccess;
}

struct StripOptions {
  std::string input;
  std::string out;
  std::string on_error = "fail";
  bool force = false;
};

// Writes each document's plain text (tags removed, every other byte kept)
// under `out` at its corpus-relative path: raw input for a tagger, whose
// output can be scored against the tagged original.
int run_strip(const StripOptions& options) {
  ner::CorpusOptions corpus_options;
  corpus_options.on_error = ner::parse_on_error(options.on_error);
  corpus_options.on_skip = [](const ner::SkippedDocument& skipped) {
    fmt::print(stderr, "ner-corpus: skipped {}\n", skipped.reason);
  };
  const std::filesystem::path out = options.out;
  const bool single_file = std::filesystem::is_regular_file(options.input);
  ner::refuse_output_over_inputs({"--out", out}, {{"input", options.input}});
  if (!single_file) {
    refuse_used_corpus_folder({"--out", out}, options.force);
    clear_corpus_folder({"--out", out}, options.force);
  }
  const ner::CorpusReport report =
      ner::for_each_document(options.input, corpus_options, [&](ner::Document&& document) {
        ner::write_file_atomically(single_file ? out : out / document.name, document.text);
      });
  fmt::print(stderr, "wrote {} plain-text documents to {}\n", report.read, options.out);
  return report.skipped.empty() ? ner::kExitSuccess : ner::kExitPartial;
}

struct LabelCliOptions {
  std::vector<std::string> inputs;
  std::string out, jsonl, report, gold;
  std::vector<std::string> models, chips, countries;
  bool no_builtin = false;
  bool force = false;
  std::size_t max_documents = 0;
  ner::ProgressStyle progress = ner::ProgressStyle::kAuto;
  std::string teacher;
  double teacher_min_score = 0.9;
  std::vector<std::string> teacher_thresholds;  // TYPE=SCORE
};

int run_label(const LabelCliOptions& cli) {
  ner::corpus::LabelOptions options;
  for (const std::string& input : cli.inputs)
    options.inputs.emplace_back(input);
  options.out = cli.out;
  options.jsonl = cli.jsonl;
  options.report = cli.report;
  options.gold = cli.gold;
  options.builtin_knowledge = !cli.no_builtin;
  options.force = cli.force;
  options.max_documents = cli.max_documents;
  options.teacher = cli.teacher;
  options.teacher_least_score.fill(cli.teacher_min_score);
  for (const std::string& threshold : cli.teacher_thresholds) {
    const auto [type, score] = ner::parse_type_score(threshold, "--teacher-threshold");
    options.teacher_least_score[static_cast<std::size_t>(type)] = score;
  }
  for (const auto& [kind, columns] : {std::pair{ner::KnowledgeKind::kModels, &cli.models},
                                      std::pair{ner::KnowledgeKind::kChips, &cli.chips},
                                      std::pair{ner::KnowledgeKind::kCountries, &cli.countries}}) {
    for (const std::string& column : *columns)
      options.knowledge.push_back(ner::corpus::parse_knowledge_column(kind, column));
  }
  ner::ProgressDisplay display(cli.progress);
  options.progress = [&](std::size_t done, std::size_t total) {
    display.update_count(done, total, "docs");
  };
  const ner::corpus::LabelResult result = ner::corpus::run_label(options);
  display.line(fmt::format("labelled {} documents into {} in {:.1f}s", result.documents, cli.out,
                           display.elapsed_seconds()));
  fmt::print("{}", result.table);
  for (const std::string& skipped : result.skipped)
    fmt::print(stderr, "ner-corpus: skipped {}\n", skipped);
  if (!result.skipped.empty()) {
    fmt::print(stderr, "skipped {} documents\n", result.skipped.size());
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
  stats->add_option("INPUT", stats_options.input,
                    "A directory (every *.txt below it, recursively) or a single file");
  stats->add_option(
      "--dataset", stats_options.dataset,
      "Instead of a corpus: a dataset file from 'ner-train prepare' (windows, pieces, labels)");
  stats->add_flag("--json", stats_options.json, "Print JSON instead of a table");
  stats->add_option("--top", stats_options.top, "How many of the most common forms per type")
      ->capture_default_str()
      ->check(ner::whole_number(0, "", 1000000));
  stats
      ->add_option("--on-error", stats_options.on_error,
                   "On a malformed document: 'fail' stops with its error, 'skip' reports it "
                   "and goes on")
      ->capture_default_str()
      ->check(CLI::IsMember({"fail", "skip"}));

  GenerateOptions generate_options;
  CLI::App* generate = app.add_subcommand(
      "generate", "Writes a synthetic corpus of tagged documents about ML models, with gold twins");
  auto& g = generate_options.generator;
  generate->add_option("--docs", g.documents, "Number of documents")
      ->capture_default_str()
      ->check(ner::whole_number(1, "", 100000000));
  generate->add_option("--seed", g.seed, "Random seed; the same seed gives the same corpus")
      ->capture_default_str();
  generate
      ->add_option("-o,--out", generate_options.out,
                   "Output directory (weak labels, or untagged text with --raw)")
      ->required();
  generate->add_option("--gold", generate_options.gold,
                       "Also write each document's gold twin here");
  generate->add_flag("--force", generate_options.force,
                     "Write into a used --out or --gold folder: its *.txt files (an old corpus) "
                     "are removed first, other files stay");
  generate
      ->add_option("--style", generate_options.styles,
                   "Styles and weights: all, or e.g. news=2,abstract,survey,model-card,"
                   "training-details,comparison,raw-paper")
      ->capture_default_str();
  generate
      ->add_option("--drop-rate", g.drop_rate,
                   "Fraction of mentions left untagged in the weak version")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  generate
      ->add_option(
          "--boundary-noise", g.boundary_noise,
          "Fraction of weak hardware-with-count and country-with-'the' spans written with the "
          "count or 'the' outside the tag")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  generate->add_flag(
      "--name-split", g.name_split,
      "Write train/ dev/ test/ subfolders; each model name appears in one split only");
  generate
      ->add_option("--split-ratio", generate_options.split_ratio, "TRAIN:DEV:TEST for --name-split")
      ->capture_default_str();
  generate->add_flag(
      "--raw", generate_options.raw,
      "Write untagged paper-style text (style raw-paper unless --style is given) plus its gold "
      "twin (--gold required)");
  generate
      ->add_option("--threads", generate_options.threads,
                   "Worker threads (0: all cores); output is the same")
      ->capture_default_str()
      ->check(ner::whole_number(0, "0: all cores"));
  ner::add_progress_option(*generate, generate_options.progress, "a summary line");

  StripOptions strip_options;
  CLI::App* strip = app.add_subcommand(
      "strip", "Writes the plain text of tagged documents (tags removed, all other bytes kept)");
  strip->add_option("input", strip_options.input, "Tagged corpus: a directory (*.txt) or a file")
      ->required();
  strip
      ->add_option("-o,--out", strip_options.out,
                   "Output directory (a file for a file input); not the input, nor inside it")
      ->required();
  strip->add_flag("--force", strip_options.force,
                  "Write into a used --out folder: its *.txt files are removed first, other "
                  "files stay");
  strip->add_option("--on-error", strip_options.on_error, "fail or skip a malformed document")
      ->capture_default_str()
      ->check(CLI::IsMember({"fail", "skip"}));

  LabelCliOptions label_options;
  CLI::App* label = app.add_subcommand(
      "label",
      "Tags raw text with distant labels from known facts (model and chip names, countries) and "
      "high-precision patterns; writes a tagged corpus that 'ner-train prepare' reads");
  label
      ->add_option("inputs", label_options.inputs,
                   "Raw text: *.txt files, directories of them, or *.jsonl files of "
                   "{\"id\", \"text\"} lines")
      ->required();
  label
      ->add_option("-o,--out", label_options.out,
                   "Directory for the tagged corpus (new or empty); JSON Lines documents go to "
                   "OUT/<file stem>/<id>.txt")
      ->required();
  label->add_flag("--force", label_options.force,
                  "Write into a used --out folder: its *.txt files are removed first, other "
                  "files stay");
  label->add_option("--models", label_options.models,
                    "A column of model names in a CSV/TSV table, FILE:COLUMN "
                    "(e.g. epoch-ai-models.csv:Model); repeatable");
  label->add_option("--chips", label_options.chips,
                    "A column of accelerator names, FILE:COLUMN (e.g. "
                    "'epoch-ml-hardware.csv:Hardware name'); repeatable");
  label->add_option("--countries", label_options.countries,
                    "A column of countries (comma-separated lists allowed), FILE:COLUMN; "
                    "repeatable");
  label->add_flag("--no-builtin-knowledge", label_options.no_builtin,
                  "Use only the tables given, not the built-in names");
  label->add_option("--gold", label_options.gold,
                    "Gold-tagged twins of the inputs (same names): report each function's "
                    "precision and recall and the labeller's scores");
  label->add_option("--jsonl", label_options.jsonl,
                    "Also write JSON Lines: text, entities (code points) and the function that "
                    "found each");
  label->add_option("--report", label_options.report, "Write the report as JSON to this file");
  label
      ->add_option("--max-docs", label_options.max_documents,
                   "Label only the first N documents (0: all)")
      ->capture_default_str()
      ->check(ner::whole_number(0, "0: all"));
  CLI::Option* teacher =
      label
          ->add_option("--teacher", label_options.teacher,
                       "Self-training: a teacher model's entities for the same documents "
                       "(ner-tag -f jsonl output: a directory matched by name, or one file); "
                       "confident ones join the distant labels")
          ->check(CLI::ExistingPath);
  label
      ->add_option("--teacher-min-score", label_options.teacher_min_score,
                   "Least score of a teacher entity to be added")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->needs(teacher);
  label
      ->add_option("--teacher-threshold", label_options.teacher_thresholds,
                   "A type's own least teacher score, TYPE=SCORE (repeatable)")
      ->allow_extra_args(false)
      ->needs(teacher);
  ner::add_progress_option(*label, label_options.progress, "a summary line");

  return ner::run_command_line(app, argc, argv, [&] {
    if (*label) return run_label(label_options);
    if (*strip) return run_strip(strip_options);
    if (*stats) return run_stats(stats_options);
    if (*generate) return run_generate(generate_options);
    return ner::kExitError;
  });
}
