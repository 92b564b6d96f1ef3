#include "datasets/prepare.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "base/error.h"
#include "base/file_io.h"
#include "datasets/dataset_file.h"
#include "datasets/labels.h"
#include "datasets/tokenizer.h"
#include "datasets/weak_labels.h"
#include "datasets/windows.h"

namespace ner {
namespace {

void log_line(const PrepareOptions& options, const std::string& line) {
  if (options.log) options.log(line);
}

Split choose_split(const std::string& method, const Document& document, const DataConfig& config) {
  if (method == "folders") {
    const auto split = split_from_folder(document.name);
    if (!split) {
      throw Error(
          fmt::format("{}: data.split=folders needs every document under train/, dev/ or test/",
                      document.name));
    }
    return *split;
  }
  return split_by_hash(document.name, config.seed, config.split_fractions);
}

void add_document(DatasetSplit& split, const Document& document, const Tokenizer& tokenizer,
                  const LabelSet& label_set, const DataConfig& config, PrepareReport& report,
                  std::size_t split_index) {
  const std::vector<Piece> pieces = tokenizer.encode(document.text);
  const PieceLabels labelled = label_pieces(pieces, document.spans, label_set);
  report.boundaries += labelled.boundaries;
  report.misaligned_boundaries += labelled.misaligned_boundaries;
  report.unrepresentable_spans += labelled.unrepresentable_spans;
  report.spans[split_index] += document.spans.size();
  const auto document_index = static_cast<std::int32_t>(split.document_names.size());
  split.document_names.push_back(document.name);
  split.add_document(document);
  for (const Window& window :
       make_windows(pieces.size(), config.max_len, config.effective_stride())) {
    for (std::size_t i = window.begin; i < window.end; ++i) {
      split.piece_ids.push_back(pieces[i].id);
      split.labels.push_back(static_cast<std::int8_t>(labelled.labels[i]));
      split.piece_begin.push_back(static_cast<std::int64_t>(pieces[i].begin));
      split.piece_content_begin.push_back(static_cast<std::int64_t>(pieces[i].content_begin));
      split.piece_end.push_back(static_cast<std::int64_t>(pieces[i].end));
    }
    split.window_offsets.push_back(static_cast<std::int64_t>(split.piece_ids.size()));
    split.window_document.push_back(document_index);
    split.window_first_piece.push_back(static_cast<std::int64_t>(window.begin));
    ++report.windows[split_index];
  }
  report.pieces[split_index] += pieces.size();
}

}  // namespace

nlohmann::json PrepareReport::to_json() const {
  nlohmann::json splits = nlohmann::json::object();
  for (const Split split : kSplits) {
    const auto i = static_cast<std::size_t>(split);
    splits[std::string(split_name(split))] = {{"documents", documents[i]},
                                              {"windows", windows[i]},
                                              {"pieces", pieces[i]},
                                              {"spans", spans[i]},
                                              {"label_source", label_source[i]}};
  }
  return {{"splits", splits},
          {"split_method", split_method},
          {"boundaries", boundaries},
          {"misaligned_boundaries", misaligned_boundaries},
          {"unrepresentable_spans", unrepresentable_spans},
          {"repaired_spans", repaired_spans},
          {"skipped_documents", skipped_documents},
          {"tokenizer_trained", tokenizer_trained},
          {"vocab_size", vocab_size},
          {"corpus_bytes", corpus_bytes}};
}

PrepareReport prepare_dataset(const PrepareOptions& options) {
  const DataConfig& config = options.config;
  validate(config);
  PrepareReport report;

  CorpusOptions corpus_options;
  corpus_options.on_error = options.on_error;
  corpus_options.on_skip = options.on_skip;
  CorpusReport corpus_report;
  std::vector<Document> documents = read_corpus(options.data, corpus_options, &corpus_report);
  report.skipped_documents = corpus_report.skipped.size();
  if (documents.empty())
    throw Error(fmt::format("{}: no documents to prepare", options.data.string()));
  for (const Document& document : documents)
    report.corpus_bytes += document.text.size();
  log_line(options, fmt::format("read {} documents ({:.1f} MB) from {}", documents.size(),
                                report.corpus_bytes / 1e6, options.data.string()));

  report.split_method = config.split;
  if (report.split_method == "auto") {
    const bool all_in_folders =
        std::all_of(documents.begin(), documents.end(),
                    [](const Document& d) { return split_from_folder(d.name).has_value(); });
    report.split_method = all_in_folders ? "folders" : "hash";
  }
  std::array<std::vector<Document>, 3> by_split;
  for (Document& document : documents) {
    const Split split = choose_split(report.split_method, document, config);
    by_split[static_cast<std::size_t>(split)].push_back(std::move(document));
  }

  // Held-out splits are scored on gold where a twin exists; train keeps the
  // weak labels it learns from.
  const bool have_gold = !options.gold.empty();
  for (const Split split : kSplits) {
    const auto i = static_cast<std::size_t>(split);
    report.documents[i] = by_split[i].size();
    report.label_source[i] = (have_gold && split != Split::kTrain) ? "gold" : "weak";
    for (Document& document : by_split[i]) {
      if (report.label_source[i] == "gold") {
        const std::filesystem::path gold_file = options.gold / document.name;
        Document gold = parse_tagged_text(read_file(gold_file), gold_file.string());
        require_same_plain_text(document, gold, (options.data / document.name).string(),
                                gold_file.string());
        document.spans = std::move(gold.spans);
      } else if (config.weak_label_repair) {
        report.repaired_spans += propagate_document_labels(document);
      }
    }
  }
  // A dataset only to evaluate on (every document under test/, an existing
  // tokenizer) needs no train split; training a tokenizer does.
  if (report.documents[static_cast<std::size_t>(Split::kTrain)] == 0 &&
      options.tokenizer_model.empty()) {
    throw Error(
        "the train split is empty: add documents, change data.split_fractions, or give "
        "--tokenizer to prepare an evaluation-only dataset");
  }

  std::optional<Tokenizer> tokenizer;
  if (!options.tokenizer_model.empty()) {
    tokenizer = Tokenizer::load(read_file(options.tokenizer_model));
    log_line(options, fmt::format("reusing tokenizer {} ({} pieces)",
                                  options.tokenizer_model.string(), tokenizer->vocab_size()));
  } else {
    std::vector<std::string_view> texts;
    for (const Document& document : by_split[static_cast<std::size_t>(Split::kTrain)])
      texts.push_back(document.text);
    log_line(options,
             fmt::format("training a {} tokenizer ({} pieces) on {} train documents",
                         config.tokenizer.model_type, config.tokenizer.vocab_size, texts.size()));
    tokenizer = Tokenizer::train(texts, config.tokenizer);
    report.tokenizer_trained = true;
  }
  report.vocab_size = tokenizer->vocab_size();

  const LabelSet label_set(parse_tag_scheme(config.tag_scheme));
  DatasetFile dataset;
  dataset.config_yaml = to_yaml(config);
  dataset.tokenizer_model = tokenizer->serialized_model();
  dataset.vocab_size = tokenizer->vocab_size();
  dataset.tag_scheme = config.tag_scheme;
  dataset.label_names = label_set.names();
  for (const Split split : kSplits) {
    const auto i = static_cast<std::size_t>(split);
    DatasetSplit& data = dataset.split(split);
    data.label_source = report.label_source[i];
    for (const Document& document : by_split[i])
      add_document(data, document, *tokenizer, label_set, config, report, i);
    log_line(options, fmt::format("{}: {} documents, {} windows, {} pieces, labels: {}",
                                  split_name(split), report.documents[i], report.windows[i],
                                  report.pieces[i], report.label_source[i]));
  }
  dataset.report_json = report.to_json().dump();
  write_dataset_file(options.out, dataset);
  return report;
}

}  // namespace ner
