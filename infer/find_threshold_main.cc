// ner-train find-threshold (the ner-train-find-threshold executable): tags a
// dev set with an exported model and picks the least entity score to keep,
// per type and for all types, for the best strict F1. No LibTorch here.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/command_line.h"
#include "base/error.h"
#include "base/progress.h"
#include "datasets/corpus.h"
#include "datasets/dataset_file.h"
#include "datasets/splits.h"
#include "datasets/threshold_search.h"
#include "infer/tagger.h"
#include "models/model_file.h"

namespace {

namespace fs = std::filesystem;

// Documents tagged per engine call: windows batch across them.
constexpr std::size_t kDocumentsPerRound = 16;

struct FindThresholdOptions {
  std::string model;
  std::string dataset;
  std::string split = "dev";
  std::string corpus;
  std::string gold;
  bool raw_scores = false;
  int threads = 0;
  bool json = false;
  ner::ProgressStyle progress = ner::ProgressStyle::kAuto;
};

// The scored documents: their text and the entities to find.
struct DevSet {
  std::vector<ner::Document> documents;
  std::string described;     // "412 dev documents of data.h5"
  std::string label_source;  // "gold", "weak" or "as tagged"
};

DevSet read_dataset_split(const FindThresholdOptions& options) {
  const ner::DatasetFile dataset = ner::read_dataset_file(options.dataset);
  const ner::DatasetSplit& part = dataset.split(ner::parse_split(options.split));
  if (!part.has_documents()) {
    throw ner::Error(fmt::format(
        "{}: a dataset of format {} keeps no document texts; prepare it again with this version",
        options.dataset, dataset.format_version));
  }
  std::optional<std::int32_t> corpus;
  if (!options.corpus.empty()) {
    std::vector<std::string> names;
    for (std::size_t c = 0; c < dataset.corpora.size(); ++c) {
      names.push_back(dataset.corpora[c].name);
      if (dataset.corpora[c].name == options.corpus) corpus = static_cast<std::int32_t>(c);
    }
    if (!corpus) {
      throw ner::Error(fmt::format("--corpus {}: {} has the corpora {}", options.corpus,
                                   options.dataset, fmt::join(names, ", ")));
    }
  }
  DevSet dev;
  dev.label_source = part.label_source;
  if (corpus) dev.label_source = dataset.corpora[*corpus].has_gold ? "gold" : "weak";
  for (std::size_t d = 0; d < part.document_names.size(); ++d) {
    if (corpus && part.document_corpus.at(d) != *corpus) continue;
    dev.documents.push_back(
        {part.document_names[d], part.document_texts[d], part.document_spans(d)});
  }
  dev.described =
      fmt::format("{} {} documents of {}{}", dev.documents.size(), options.split, options.dataset,
                  corpus ? fmt::format(" (corpus {})", options.corpus) : "");
  return dev;
}

DevSet read_gold_documents(const FindThresholdOptions& options) {
  DevSet dev;
  dev.documents = ner::read_corpus(options.gold, ner::CorpusOptions{});
  dev.described = fmt::format("{} documents of {}", dev.documents.size(), options.gold);
  dev.label_source = "as tagged";
  return dev;
}

ner::ThresholdSearch tag_and_collect(ner::Tagger& tagger, const DevSet& dev,
                                     ner::ProgressDisplay& display) {
  ner::ThresholdSearch search;
  for (std::size_t first = 0; first < dev.documents.size(); first += kDocumentsPerRound) {
    const std::size_t last = std::min(first + kDocumentsPerRound, dev.documents.size());
    std::vector<std::string_view> texts;
    for (std::size_t d = first; d < last; ++d)
      texts.emplace_back(dev.documents[d].text);
    const std::vector<ner::TaggedDocument> tagged = tagger.tag(texts);
    for (std::size_t d = first; d < last; ++d) {
      const ner::TaggedDocument& result = tagged[d - first];
      search.add(dev.documents[d].spans, result.spans, result.scores);
    }
    display.update_count(last, dev.documents.size(), "documents");
  }
  display.line(fmt::format("tagged {} documents in {:.1f} s", dev.documents.size(),
                           display.elapsed_seconds()));
  return search;
}

std::string ratio(double value) {
  return fmt::format("{:.3f}", value);
}

nlohmann::json choice_json(const ner::ThresholdChoice& choice) {
  return {{"threshold", choice.threshold},
          {"kept_all", choice.kept_all.to_json()},
          {"kept_above", choice.kept_above.to_json()}};
}

// The ner-tag arguments that apply the thresholds (types best kept whole are left out).
std::string threshold_arguments(const ner::ThresholdSearch& search) {
  std::vector<std::string> arguments;
  for (const ner::EntityType type : ner::kEntityTypes) {
    const double threshold = search.for_type(type).threshold;
    if (threshold > 0)
      arguments.push_back(fmt::format("--threshold {}={:.3f}", ner::tag_name(type), threshold));
  }
  return fmt::format("{}", fmt::join(arguments, " "));
}

void print_table(const ner::ThresholdSearch& search, const DevSet& dev, bool raw_scores) {
  fmt::print("best strict F1 on {} ({} labels), {} scores\n", dev.described, dev.label_source,
             raw_scores ? "raw" : "calibrated");
  fmt::print("{:<10} {:>6} {:>9}   {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}\n", "type", "gold",
             "threshold", "P all", "R all", "F1 all", "P", "R", "F1");
  const auto row = [](std::string_view name, std::size_t gold, const std::string& threshold,
                      const ner::Counts& all, const ner::Counts& above) {
    fmt::print("{:<10} {:>6} {:>9}   {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}\n", name, gold,
               threshold, ratio(all.precision()), ratio(all.recall()), ratio(all.f1()),
               ratio(above.precision()), ratio(above.recall()), ratio(above.f1()));
  };
  ner::Counts micro_all;
  for (const ner::EntityType type : ner::kEntityTypes) {
    const ner::ThresholdChoice choice = search.for_type(type);
    micro_all += choice.kept_all;
    row(ner::tag_name(type), search.gold(type), fmt::format("{:.3f}", choice.threshold),
        choice.kept_all, choice.kept_above);
  }
  row("micro", micro_all.gold, "per type", micro_all, search.micro_with_type_thresholds());
  const ner::ThresholdChoice all = search.for_all();
  row("micro", all.kept_all.gold, fmt::format("{:.3f}", all.threshold), all.kept_all,
      all.kept_above);
  const std::string arguments = threshold_arguments(search);
  fmt::print("\nper type:  ner-tag {}{}\n", arguments.empty() ? "(no threshold helps)" : arguments,
             raw_scores ? " --raw-scores" : "");
  fmt::print("one score: ner-tag --min-score {:.3f}{}\n", all.threshold,
             raw_scores ? " --raw-scores" : "");
  if (dev.label_source == "weak") {
    fmt::print(
        "note: these labels are weak (distant labels), so a threshold that drops an entity "
        "they miss counts as a gain; prefer gold dev documents\n");
  }
}

nlohmann::json result_json(const ner::ThresholdSearch& search, const DevSet& dev,
                           const FindThresholdOptions& options) {
  nlohmann::json types = nlohmann::json::object();
  for (const ner::EntityType type : ner::kEntityTypes)
    types[std::string(ner::tag_name(type))] = choice_json(search.for_type(type));
  return {{"model", options.model},
          {"documents", dev.documents.size()},
          {"source", dev.described},
          {"label_source", dev.label_source},
          {"scores", options.raw_scores ? "raw" : "calibrated"},
          {"types", types},
          {"micro_with_type_thresholds", search.micro_with_type_thresholds().to_json()},
          {"min_score", choice_json(search.for_all())},
          {"ner_tag_arguments", threshold_arguments(search)}};
}

int run_find_threshold(const FindThresholdOptions& options) {
  if (options.dataset.empty() == options.gold.empty())
    throw ner::Error(
        "give the dev set as --dataset FILE (its --split) or as --gold PATH, one of them");
  ner::TaggerOptions tagger_options;
  tagger_options.threads = options.threads;
  tagger_options.raw_scores = options.raw_scores;
  ner::Tagger tagger(ner::read_model_file(options.model), tagger_options, options.model);
  const DevSet dev =
      options.dataset.empty() ? read_gold_documents(options) : read_dataset_split(options);
  if (dev.documents.empty()) throw ner::Error(fmt::format("no documents in {}", dev.described));
  ner::ProgressDisplay display(options.progress);
  const ner::ThresholdSearch search = tag_and_collect(tagger, dev, display);
  if (options.json) {
    fmt::print("{}\n", result_json(search, dev, options).dump(2));
  } else {
    print_table(search, dev, options.raw_scores);
  }
  return ner::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Pick the least entity score to keep, per type and for all types, for the best strict F1 "
      "on a dev set",
      "ner-train find-threshold"};
  app.set_version_flag("--version", std::string("ner-train find-threshold ") + NER_VERSION);
  app.footer(
      "Prints a table (or --json) and the ner-tag arguments that apply the thresholds. Pick them "
      "on\ndev documents, never on the documents you report scores on.\n"
      "Exit status: 0 success, 2 error.");
  FindThresholdOptions options;
  app.add_option("--model,-m", options.model, "Model file written by training or export")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--dataset", options.dataset,
                 "Dataset file from 'ner-train prepare': its documents of --split")
      ->check(CLI::ExistingFile);
  app.add_option("--split", options.split, "train, dev or test")
      ->capture_default_str()
      ->check(CLI::IsMember({"train", "dev", "test"}));
  app.add_option("--corpus", options.corpus,
                 "Only the documents of this corpus of the dataset (e.g. one with gold labels)");
  app.add_option("--gold", options.gold,
                 "Or tagged documents: a *.txt file or a directory of them, the tags as gold")
      ->check(CLI::ExistingPath);
  app.add_flag("--raw-scores", options.raw_scores,
               "Search the raw scores (for ner-tag --raw-scores), not the calibrated ones");
  app.add_option("--threads", options.threads, "CPU threads (0: all cores)")
      ->capture_default_str()
      ->check(ner::whole_number(0, "0: all cores"));
  ner::add_progress_option(app, options.progress, "a line every 10 s");
  app.add_flag("--json", options.json, "Print JSON instead of a table");
  return ner::run_command_line(app, argc, argv, [&] { return run_find_threshold(options); });
}
