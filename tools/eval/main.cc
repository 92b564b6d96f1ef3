// ner-eval: entity-level precision, recall and F1 of predictions (inline
// tags, JSON Lines or CoNLL) against gold inline-tagged documents, per type.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/command_line.h"
#include "base/error.h"
#include "base/file_io.h"
#include "base/output_paths.h"
#include "datasets/corpus.h"
#include "datasets/predictions.h"
#include "datasets/score_calibration.h"
#include "datasets/span_metrics.h"
#include "datasets/unlisted_names.h"

namespace {

namespace fs = std::filesystem;

struct EvalOptions {
  std::string gold;
  std::string pred;
  bool json = false;
  std::size_t errors = 0;
  std::vector<std::string> known_names;  // FILE:COLUMN
  std::vector<std::string> known_corpora;
};

// Joins "name (count)" entries for a line of the report.
std::string name_counts(const std::map<std::string, std::size_t>& names) {
  std::string line;
  for (const auto& [name, count] : names)
    line += fmt::format("{}{}{}", line.empty() ? "" : ", ", name,
                        count > 1 ? fmt::format(" ({})", count) : "");
  return line.empty() ? "none" : line;
}

int run_eval(const EvalOptions& options) {
  const fs::path gold_root = options.gold;
  const fs::path pred_root = options.pred;
  ner::refuse_missing_inputs({{"--gold", gold_root}, {"--pred", pred_root}});
  const std::vector<fs::path> gold_files = ner::list_corpus_files(gold_root);
  if (gold_files.empty())
    throw ner::Error(fmt::format("{}: no *.txt documents found", options.gold));
  const bool gold_directory = fs::is_directory(gold_root);
  if (!gold_directory && fs::is_directory(pred_root)) {
    throw ner::Error(fmt::format("--gold {} is one file: give --pred as one file too, not {}",
                                 options.gold, options.pred));
  }
  const bool count_unlisted = !options.known_names.empty() || !options.known_corpora.empty();
  ner::NameList listed;
  if (count_unlisted) {
    ner::add_builtin_models(listed);
    for (const std::string& column : options.known_names)
      ner::add_table_column(listed, column);
    for (const std::string& corpus : options.known_corpora)
      ner::add_corpus_models(listed, corpus);
  }
  ner::UnlistedModels unlisted;
  const ner::Predictions predictions = ner::read_predictions(pred_root);
  ner::SpanEvaluator evaluator;
  std::vector<std::string> error_lines;
  std::set<std::string> matched;
  std::size_t next_in_order = 0;
  std::vector<ner::ScoredEntity> scored_entities;  // predictions that carry scores
  for (const fs::path& gold_file : gold_files) {
    const std::string name = ner::corpus_document_name(gold_root, gold_file);
    const ner::Prediction* prediction = nullptr;
    if (const auto found = predictions.by_key.find(ner::document_key(name));
        found != predictions.by_key.end()) {
      prediction = &found->second;
      matched.insert(found->first);
    } else if (!gold_directory && predictions.by_key.size() == 1 && predictions.in_order.empty()) {
      prediction = &predictions.by_key.begin()->second;  // one file against one document
      matched.insert(predictions.by_key.begin()->first);
    } else if (next_in_order < predictions.in_order.size()) {
      prediction = &predictions.in_order[next_in_order++];
    }
    if (prediction == nullptr) {
      throw ner::Error(
          fmt::format("{}: no prediction for gold document {}", options.pred, gold_file.string()));
    }
    const ner::Document gold =
        ner::parse_tagged_text(ner::read_file(gold_file), gold_file.string());
    const ner::Document pred =
        prediction->conll ? ner::place_conll(*prediction->conll, gold.text) : *prediction->document;
    try {
      ner::require_same_plain_text(gold, pred, "the gold " + gold_file.string(),
                                   prediction->source);
    } catch (const ner::Error& error) {
      throw ner::Error(std::string(error.what()) + "; a tagger must not change the text");
    }
    evaluator.add(gold.spans, pred.spans);
    if (count_unlisted) unlisted.add(gold, pred.spans, listed);
    if (!prediction->scores.empty()) {
      const std::vector<ner::ScoredEntity> scored =
          ner::scored_entities(gold.spans, pred.spans, prediction->scores);
      scored_entities.insert(scored_entities.end(), scored.begin(), scored.end());
    }
    if (error_lines.size() < options.errors) {
      for (const ner::ErrorCase& error : ner::find_errors(name, gold.spans, pred.spans)) {
        if (error_lines.size() >= options.errors) break;
        error_lines.push_back(ner::describe_error(error, gold.text));
      }
    }
  }
  const std::size_t extra =
      predictions.by_key.size() - matched.size() + predictions.in_order.size() - next_in_order;
  if (extra > 0) {
    fmt::print(stderr, "ner-eval: {} prediction(s) have no gold document and were ignored\n",
               extra);
  }
  const ner::Scores& scores = evaluator.scores();
  // Scores of JSON predictions against exact-span correctness: what a score
  // of 0.8 means on this gold.
  nlohmann::json calibration;
  if (!scored_entities.empty()) {
    calibration = {{"entities", scored_entities.size()},
                   {"ece", ner::expected_calibration_error(scored_entities)},
                   {"bins", ner::reliability_table(scored_entities)}};
  }
  if (options.json) {
    nlohmann::json json = scores.to_json();
    json["documents"] = gold_files.size();
    json["errors"] = error_lines;
    if (!calibration.is_null()) json["calibration"] = calibration;
    if (count_unlisted) json["unlisted_models"] = unlisted.to_json();
    fmt::print("{}\n", json.dump(2));
  } else {
    fmt::print("{} documents\n\n{}", gold_files.size(), scores.to_table());
    if (!calibration.is_null()) {
      fmt::print(
          "\nScores against exact-span correctness ({} entities): expected calibration "
          "error {:.3f}\n  score bin     entities  mean score  share right\n",
          scored_entities.size(), calibration["ece"].get<double>());
      for (const nlohmann::json& bin : calibration["bins"]) {
        fmt::print("  {:.1f} to {:.1f}  {:>10}  {:>10.3f}  {:>11.3f}\n", bin["from"].get<double>(),
                   bin["to"].get<double>(), bin["entities"].get<std::size_t>(),
                   bin["mean_score"].get<double>(), bin["right"].get<double>());
      }
    }
    if (count_unlisted) {
      fmt::print(
          "\nModel names listed nowhere (builtin table, --known-names, --known-corpus): {} "
          "mentions, {} found (recall {:.3f})\n  found: {}\n  missed: {}\n",
          unlisted.mentions, unlisted.found, unlisted.recall(), name_counts(unlisted.found_names),
          name_counts(unlisted.missed_names));
    }
    if (!error_lines.empty()) {
      fmt::print("\nFirst {} mistakes\n", error_lines.size());
      for (const std::string& line : error_lines)
        fmt::print("  {}\n", line);
    }
  }
  return ner::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Score predicted entity tags against gold tags: precision, recall and F1 per type (strict, "
      "partial and boundary-only), micro and macro averages, and a type confusion matrix",
      "ner-eval"};
  app.set_version_flag("--version", std::string("ner-eval ") + NER_VERSION);
  app.footer(
      "Exit status: 0 success, 2 error (including a prediction whose plain text differs from its "
      "gold).");
  EvalOptions options;
  app.add_option("--gold", options.gold,
                 "Gold inline-tagged documents: a directory (*.txt, recursive) or a file")
      ->required();
  app.add_option("--pred", options.pred,
                 "Predictions, matched to gold by relative path without extension: inline-tagged "
                 "*.txt, ner-tag's *.jsonl (by \"document\") or *.conll, a directory or one file")
      ->required();
  app.add_flag("--json", options.json, "Print JSON instead of a table");
  app.add_option("--errors", options.errors,
                 "List up to N mistakes with context (missed, spurious, wrong type, "
                 "wrong boundary)")
      ->capture_default_str()
      ->check(ner::whole_number(0));
  app.add_option("--known-names", options.known_names,
                 "FILE:COLUMN of a knowledge table of model names (CSV or TSV; repeatable). With "
                 "it or --known-corpus, the report adds recall on gold model names listed "
                 "nowhere: in no such table, no such corpus and not the builtin table (names "
                 "compared ignoring case, spaces, hyphens and underscores)");
  app.add_option("--known-corpus", options.known_corpora,
                 "A tagged corpus whose model names count as listed, e.g. the generated training "
                 "corpus (repeatable)")
      ->check(CLI::ExistingPath);
  return ner::run_command_line(app, argc, argv, [&] { return run_eval(options); });
}
