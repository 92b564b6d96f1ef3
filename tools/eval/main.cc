// ner-eval: entity-level precision, recall and F1 of predicted against gold
// inline-tagged documents (files matched by relative path), per type.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "base/command_line.h"
#include "base/error.h"
#include "base/file_io.h"
#include "base/output_paths.h"
#include "datasets/corpus.h"
#include "datasets/span_metrics.h"

namespace {

namespace fs = std::filesystem;

struct EvalOptions {
  std::string gold;
  std::string pred;
  bool json = false;
  std::size_t errors = 0;
};

int run_eval(const EvalOptions& options) {
  const fs::path gold_root = options.gold;
  const fs::path pred_root = options.pred;
  ner::refuse_missing_inputs({{"--gold", gold_root}, {"--pred", pred_root}});
  const std::vector<fs::path> gold_files = ner::list_corpus_files(gold_root);
  if (gold_files.empty())
    throw ner::Error(fmt::format("{}: no *.txt documents found", options.gold));
  const bool directories = fs::is_directory(gold_root);
  if (directories != fs::is_directory(pred_root)) {
    throw ner::Error(
        fmt::format("--gold and --pred must both be directories or both be files ({} and {})",
                    options.gold, options.pred));
  }
  ner::SpanEvaluator evaluator;
  std::vector<std::string> error_lines;
  std::set<std::string> matched;
  for (const fs::path& gold_file : gold_files) {
    const std::string name = ner::corpus_document_name(gold_root, gold_file);
    const fs::path pred_file = directories ? pred_root / name : pred_root;
    if (!fs::exists(pred_file)) {
      throw ner::Error(fmt::format("{}: no prediction for gold document {}", pred_file.string(),
                                   gold_file.string()));
    }
    matched.insert(name);
    const ner::Document gold =
        ner::parse_tagged_text(ner::read_file(gold_file), gold_file.string());
    const ner::Document pred =
        ner::parse_tagged_text(ner::read_file(pred_file), pred_file.string());
    try {
      ner::require_same_plain_text(gold, pred, "the gold " + gold_file.string(),
                                   pred_file.string());
    } catch (const ner::Error& error) {
      throw ner::Error(std::string(error.what()) + "; a tagger must not change the text");
    }
    evaluator.add(gold.spans, pred.spans);
    if (error_lines.size() < options.errors) {
      for (const ner::ErrorCase& error : ner::find_errors(name, gold.spans, pred.spans)) {
        if (error_lines.size() >= options.errors) break;
        error_lines.push_back(ner::describe_error(error, gold.text));
      }
    }
  }
  if (directories) {
    std::size_t extra = 0;
    for (const fs::path& file : ner::list_corpus_files(pred_root)) {
      extra += matched.count(ner::corpus_document_name(pred_root, file)) == 0;
    }
    if (extra > 0)
      fmt::print(stderr, "ner-eval: {} prediction file(s) have no gold document and were ignored\n",
                 extra);
  }
  const ner::Scores& scores = evaluator.scores();
  if (options.json) {
    nlohmann::json json = scores.to_json();
    json["documents"] = gold_files.size();
    json["errors"] = error_lines;
    fmt::print("{}\n", json.dump(2));
  } else {
    fmt::print("{} documents\n\n{}", gold_files.size(), scores.to_table());
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
                 "Predicted documents, matched to gold by relative path (or a file)")
      ->required();
  app.add_flag("--json", options.json, "Print JSON instead of a table");
  app.add_option("--errors", options.errors,
                 "List up to N mistakes with context (missed, spurious, wrong type, "
                 "wrong boundary)")
      ->capture_default_str()
      ->check(ner::whole_number(0));
  return ner::run_command_line(app, argc, argv, [&] { return run_eval(options); });
}
