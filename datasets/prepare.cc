#include "datasets/prepare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <stdexcept>

#include "base/error.h"
#include "base/file_io.h"
#include "datasets/dataset_file.h"
#include "datasets/labels.h"
#include "datasets/predictions.h"
#include "datasets/teacher_labels.h"
#include "datasets/tokenizer.h"
#include "datasets/unknown_ranges.h"
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

// A document's file under a corpus root; a root that is a file is the
// corpus of that one document.
std::filesystem::path document_file(const std::filesystem::path& root,
                                    const std::string& name_in_corpus) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(root, ignored) ? root : root / name_in_corpus;
}

// The spans of a document's gold twin, which must exist and share its plain
// text. Train documents keep their weak labels but are checked all the same:
// a gold corpus that drifted from its weak one is wrong for every split.
// Throws ner::Error naming both files.
// `document` is named as in its corpus.
std::vector<Span> gold_twin_spans(const PrepareCorpus& corpus, const Document& document) {
  const std::string data_file = document_file(corpus.data, document.name).string();
  const std::filesystem::path gold_file = document_file(corpus.gold, document.name);
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(gold_file, ignored)) {
    throw Error(fmt::format("{}: its gold twin {} is missing", data_file, gold_file.string()));
  }
  Document gold;
  try {
    gold = parse_tagged_text(read_file(gold_file), gold_file.string());
  } catch (const Error& error) {
    const std::string message = fmt::format("{} (gold twin of {})", error.message(), data_file);
    if (error.location()) throw Error(message, *error.location());
    throw Error(message);
  }
  require_same_plain_text(document, gold, data_file, gold_file.string());
  return std::move(gold.spans);
}

// `teacher`: the entities a teacher found in the document, when one tagged it.
void add_document(DatasetSplit& split, const Document& document, std::int32_t corpus,
                  const UnknownRules* unknown_rules, const std::vector<Span>* teacher,
                  const Tokenizer& tokenizer, const LabelSet& label_set, const DataConfig& config,
                  PrepareReport& report, std::size_t split_index) {
  const std::vector<Piece> pieces = tokenizer.encode(document.text);
  const PieceLabels labelled = label_pieces(pieces, document.spans, label_set);
  std::vector<std::uint8_t> unknown(pieces.size(), 0);
  if (unknown_rules != nullptr) {
    UnknownRanges ranges = find_unknown_ranges(document, *unknown_rules);
    if (teacher != nullptr) {
      report.teacher_outside_ranges += drop_teacher_outside(ranges, *teacher);
      ++report.teacher_documents;
    }
    unknown = unknown_piece_mask(ranges.ranges, pieces);
    for (std::size_t r = 0; r < kUnknownRuleCount; ++r)
      report.unknown_ranges[r] += ranges.per_rule[r];
  }
  report.boundaries += labelled.boundaries;
  report.misaligned_boundaries += labelled.misaligned_boundaries;
  report.unrepresentable_spans += labelled.unrepresentable_spans;
  report.spans[split_index] += document.spans.size();
  const auto document_index = static_cast<std::int32_t>(split.document_names.size());
  split.document_names.push_back(document.name);
  split.document_corpus.push_back(corpus);
  split.add_document(document);
  for (const Window& window :
       make_windows(pieces.size(), config.max_len, config.effective_stride())) {
    for (std::size_t i = window.begin; i < window.end; ++i) {
      split.piece_ids.push_back(pieces[i].id);
      // A piece inside a known entity stays known even where it touches a range.
      const bool is_unknown = unknown[i] != 0 && labelled.labels[i] == LabelSet::kOutside;
      split.labels.push_back(static_cast<std::int8_t>(labelled.labels[i]));
      split.unknown.push_back(is_unknown ? 1 : 0);
      report.unknown_pieces[split_index] += is_unknown ? 1 : 0;
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
                                              {"unknown_pieces", unknown_pieces[i]},
                                              {"label_source", label_source[i]}};
  }
  nlohmann::json unknown = nlohmann::json::object();
  for (std::size_t r = 0; r < kUnknownRuleCount; ++r)
    unknown[std::string(unknown_rule_name(static_cast<UnknownRule>(r)))] = unknown_ranges[r];
  return {{"splits", splits},
          {"corpora", corpora},
          {"unknown_ranges", unknown},
          {"teacher_outside_ranges", teacher_outside_ranges},
          {"teacher_documents", teacher_documents},
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

PrepareCorpus parse_prepare_corpus(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    throw Error(fmt::format(
        "--corpus '{}': expected NAME=PATH[,weight=W][,gold=DIR][,teacher=PRED]", text));
  PrepareCorpus corpus;
  corpus.name = text.substr(0, equals);
  if (corpus.name.find('/') != std::string::npos)
    throw Error(fmt::format("--corpus '{}': a corpus name cannot hold '/'", text));
  std::vector<std::string> parts;
  std::size_t begin = equals + 1;
  for (;;) {
    const std::size_t comma = text.find(',', begin);
    parts.push_back(
        text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  corpus.data = parts.front();
  if (corpus.data.empty()) throw Error(fmt::format("--corpus '{}': no PATH", text));
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.rfind("weight=", 0) == 0) {
      try {
        std::size_t used = 0;
        corpus.weight = std::stod(part.substr(7), &used);
        if (used != part.size() - 7) throw std::invalid_argument("trailing text");
      } catch (const std::exception&) {
        throw Error(fmt::format("--corpus '{}': '{}' is not a number", text, part.substr(7)));
      }
      if (!(corpus.weight > 0) || !std::isfinite(corpus.weight))
        throw Error(fmt::format("--corpus '{}': the weight must be positive", text));
    } else if (part.rfind("gold=", 0) == 0) {
      corpus.gold = part.substr(5);
    } else if (part.rfind("teacher=", 0) == 0) {
      corpus.teacher = part.substr(8);
    } else {
      throw Error(fmt::format(
          "--corpus '{}': unknown part '{}' (use weight=W, gold=DIR or teacher=PRED)", text, part));
    }
  }
  return corpus;
}

PrepareReport prepare_dataset(const PrepareOptions& options) {
  const DataConfig& config = options.config;
  validate(config);
  PrepareReport report;

  std::vector<PrepareCorpus> corpora = options.corpora;
  if (corpora.empty()) {
    if (options.data.empty()) throw Error("prepare needs a corpus to read");
    corpora.push_back({"corpus", options.data, options.gold, 1.0, {}});
  }
  for (std::size_t c = 0; c < corpora.size(); ++c) {
    for (std::size_t other = 0; other < c; ++other) {
      if (corpora[other].name == corpora[c].name)
        throw Error(fmt::format("two corpora are named '{}'", corpora[c].name));
    }
  }
  const bool prefix_names = corpora.size() > 1;

  CorpusOptions corpus_options;
  corpus_options.on_error = options.on_error;
  corpus_options.on_skip = options.on_skip;
  // Per split, the documents with their corpus and the spans of their gold
  // twin, where the corpus has one.
  struct Entry {
    Document document;
    std::int32_t corpus;
    std::optional<std::vector<Span>> gold_spans;
    std::optional<std::vector<Span>> teacher_spans;
  };
  std::array<std::vector<Entry>, 3> by_split;
  std::set<std::string> split_methods;
  for (std::size_t c = 0; c < corpora.size(); ++c) {
    const PrepareCorpus& corpus = corpora[c];
    CorpusReport corpus_report;
    std::vector<Document> documents = read_corpus(corpus.data, corpus_options, &corpus_report);
    report.skipped_documents += corpus_report.skipped.size();
    std::vector<std::optional<std::vector<Span>>> gold_spans(documents.size());
    if (!corpus.gold.empty()) {
      std::size_t kept = 0;
      for (std::size_t d = 0; d < documents.size(); ++d) {
        try {
          gold_spans[kept] = gold_twin_spans(corpus, documents[d]);
        } catch (const Error& error) {
          if (options.on_error == OnError::kFail) throw;
          const SkippedDocument skipped{document_file(corpus.data, documents[d].name).string(),
                                        error.what()};
          if (options.on_skip) options.on_skip(skipped);
          ++report.skipped_documents;
          continue;
        }
        if (kept != d) documents[kept] = std::move(documents[d]);
        ++kept;
      }
      documents.resize(kept);
      gold_spans.resize(kept);
    }
    if (documents.empty())
      throw Error(fmt::format("{}: no documents to prepare", corpus.data.string()));
    std::size_t bytes = 0;
    for (const Document& document : documents)
      bytes += document.text.size();
    report.corpus_bytes += bytes;
    log_line(options,
             fmt::format("read {} documents ({:.1f} MB) from {}{}", documents.size(), bytes / 1e6,
                         corpus.data.string(), prefix_names ? " as corpus " + corpus.name : ""));
    std::string method = config.split;
    if (method == "auto") {
      const bool all_in_folders =
          std::all_of(documents.begin(), documents.end(),
                      [](const Document& d) { return split_from_folder(d.name).has_value(); });
      method = all_in_folders ? "folders" : "hash";
    }
    split_methods.insert(method);
    std::optional<Predictions> teacher;
    if (!corpus.teacher.empty()) {
      teacher = read_predictions(corpus.teacher);
      log_line(options, fmt::format("read the teacher's predictions for {} documents from {}",
                                    teacher->by_key.size(), corpus.teacher.string()));
    }
    std::array<std::size_t, 3> counts{};
    for (std::size_t d = 0; d < documents.size(); ++d) {
      Document& document = documents[d];
      std::optional<std::vector<Span>> teacher_spans;
      if (teacher) {
        if (auto found = teacher_entities(*teacher, document.name, document.text))
          teacher_spans = std::move(found->spans);
      }
      const Split split = choose_split(method, document, config);
      if (prefix_names) document.name = corpus.name + "/" + document.name;
      ++counts[static_cast<std::size_t>(split)];
      by_split[static_cast<std::size_t>(split)].push_back(
          {std::move(document), static_cast<std::int32_t>(c), std::move(gold_spans[d]),
           std::move(teacher_spans)});
    }
    report.corpora.push_back(
        {{"name", corpus.name},
         {"path", corpus.data.string()},
         {"weight", corpus.weight},
         {"gold", corpus.gold.empty() ? "" : corpus.gold.string()},
         {"teacher", corpus.teacher.string()},
         {"split_method", method},
         {"documents", {{"train", counts[0]}, {"dev", counts[1]}, {"test", counts[2]}}}});
  }
  report.split_method = split_methods.size() == 1 ? *split_methods.begin() : "folders+hash";

  // Held-out splits are scored on gold where a twin exists; train keeps the
  // weak labels it learns from.
  for (const Split split : kSplits) {
    const auto i = static_cast<std::size_t>(split);
    report.documents[i] = by_split[i].size();
    std::set<std::string> sources;
    for (Entry& entry : by_split[i]) {
      Document& document = entry.document;
      if (split != Split::kTrain && entry.gold_spans) {
        document.spans = std::move(*entry.gold_spans);
        sources.insert("gold");
      } else {
        if (config.weak_label_repair) report.repaired_spans += propagate_document_labels(document);
        sources.insert("weak");
      }
    }
    report.label_source[i] =
        sources.size() == 1 ? *sources.begin()
        : sources.empty()
            ? (split != Split::kTrain && !corpora.front().gold.empty() ? "gold" : "weak")
            : "mixed";
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
    tokenizer = reuse_tokenizer(options.tokenizer_model, options.log);
  } else {
    std::vector<std::string_view> texts;
    for (const Entry& entry : by_split[static_cast<std::size_t>(Split::kTrain)])
      texts.push_back(entry.document.text);
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
  for (const PrepareCorpus& corpus : corpora)
    dataset.corpora.push_back(
        {corpus.name, static_cast<float>(corpus.weight), !corpus.gold.empty()});
  std::optional<UnknownRules> unknown_rules;
  if (config.weak_unknown) {
    std::vector<const Document*> train;
    for (const Entry& entry : by_split[static_cast<std::size_t>(Split::kTrain)])
      train.push_back(&entry.document);
    unknown_rules = corpus_unknown_rules(train);
  }
  for (const Split split : kSplits) {
    const auto i = static_cast<std::size_t>(split);
    DatasetSplit& data = dataset.split(split);
    data.label_source = report.label_source[i];
    for (const Entry& entry : by_split[i]) {
      const bool weak =
          split == Split::kTrain || corpora[static_cast<std::size_t>(entry.corpus)].gold.empty();
      add_document(data, entry.document, entry.corpus,
                   weak && unknown_rules ? &*unknown_rules : nullptr,
                   entry.teacher_spans ? &*entry.teacher_spans : nullptr, *tokenizer, label_set,
                   config, report, i);
    }
    log_line(options, fmt::format("{}: {} documents, {} windows, {} pieces, labels: {}",
                                  split_name(split), report.documents[i], report.windows[i],
                                  report.pieces[i], report.label_source[i]));
  }
  dataset.report_json = report.to_json().dump();
  write_dataset_file(options.out, dataset);
  return report;
}

}  // namespace ner
