#include "tools/corpus/dataset_stats.h"

#include <fmt/format.h>

#include <vector>

namespace ner {
namespace {

// Known labels only; unknown pieces are counted apart.
std::vector<std::size_t> label_counts(const DatasetSplit& split, std::size_t labels) {
  std::vector<std::size_t> counts(labels, 0);
  for (std::size_t p = 0; p < split.labels.size(); ++p) {
    if (split.unknown[p] == 0) ++counts[static_cast<std::size_t>(split.labels[p])];
  }
  return counts;
}

std::size_t unknown_pieces(const DatasetSplit& split) {
  std::size_t count = 0;
  for (const std::uint8_t unknown : split.unknown)
    count += unknown != 0 ? 1 : 0;
  return count;
}

nlohmann::json documents_per_corpus(const DatasetFile& dataset, const DatasetSplit& split) {
  nlohmann::json counts = nlohmann::json::object();
  for (const DatasetCorpus& corpus : dataset.corpora)
    counts[corpus.name] = 0;
  for (const std::int32_t corpus : split.document_corpus) {
    auto& count = counts[dataset.corpora[static_cast<std::size_t>(corpus)].name];
    count = count.get<std::size_t>() + 1;
  }
  return counts;
}

// Pieces in the documents, each counted once even where windows overlap.
std::size_t distinct_pieces(const DatasetSplit& split) {
  std::vector<std::size_t> per_document(split.document_names.size(), 0);
  for (std::size_t w = 0; w < split.window_count(); ++w) {
    const auto end = static_cast<std::size_t>(
        split.window_first_piece[w] + split.window_offsets[w + 1] - split.window_offsets[w]);
    auto& count = per_document[static_cast<std::size_t>(split.window_document[w])];
    count = std::max(count, end);
  }
  std::size_t total = 0;
  for (const std::size_t count : per_document)
    total += count;
  return total;
}

}  // namespace

nlohmann::json dataset_stats_to_json(const DatasetFile& dataset) {
  nlohmann::json splits = nlohmann::json::object();
  for (const Split split : kSplits) {
    const DatasetSplit& data = dataset.split(split);
    nlohmann::json labels = nlohmann::json::object();
    const auto counts = label_counts(data, dataset.label_names.size());
    for (std::size_t i = 0; i < counts.size(); ++i)
      labels[dataset.label_names[i]] = counts[i];
    splits[std::string(split_name(split))] = {
        {"label_source", data.label_source},
        {"documents", data.document_names.size()},
        {"windows", data.window_count()},
        {"pieces", distinct_pieces(data)},
        {"pieces_in_windows", data.piece_ids.size()},
        {"unknown_pieces_in_windows", unknown_pieces(data)},
        {"documents_per_corpus", documents_per_corpus(dataset, data)},
        {"labels", std::move(labels)}};
  }
  nlohmann::json report = dataset.report_json.empty()
                              ? nlohmann::json::object()
                              : nlohmann::json::parse(dataset.report_json, nullptr, false);
  nlohmann::json corpora = nlohmann::json::array();
  for (const DatasetCorpus& corpus : dataset.corpora) {
    corpora.push_back(
        {{"name", corpus.name}, {"weight", corpus.weight}, {"has_gold", corpus.has_gold}});
  }
  return {
      {"format_version", dataset.format_version},
      {"corpora", std::move(corpora)},
      {"tag_scheme", dataset.tag_scheme},
      {"labels", dataset.label_names.size()},
      {"splits", std::move(splits)},
      {"misaligned_boundaries", report.is_object() ? report.value("misaligned_boundaries", 0) : 0},
      {"boundaries", report.is_object() ? report.value("boundaries", 0) : 0},
      {"unrepresentable_spans", report.is_object() ? report.value("unrepresentable_spans", 0) : 0},
      {"repaired_spans", report.is_object() ? report.value("repaired_spans", 0) : 0}};
}

std::string dataset_stats_to_table(const DatasetFile& dataset) {
  const nlohmann::json json = dataset_stats_to_json(dataset);
  std::string out =
      fmt::format("format version {}, tag scheme {}, {} labels\n\n", dataset.format_version,
                  dataset.tag_scheme, dataset.label_names.size());
  out += fmt::format("{:<8}{:>8}{:>11}{:>10}{:>12}{:>12}{:>12}\n", "split", "labels", "documents",
                     "windows", "pieces", "entity B-", "unknown");
  out += std::string(73, '-') + "\n";
  for (const Split split : kSplits) {
    const DatasetSplit& data = dataset.split(split);
    const auto counts = label_counts(data, dataset.label_names.size());
    std::size_t begins = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const char prefix = dataset.label_names[i][0];
      if (prefix == 'B' || prefix == 'U') begins += counts[i];
    }
    out += fmt::format("{:<8}{:>8}{:>11}{:>10}{:>12}{:>12}{:>12}\n", split_name(split),
                       data.label_source, data.document_names.size(), data.window_count(),
                       distinct_pieces(data), begins, unknown_pieces(data));
  }
  out += "\nCorpora\n";
  for (std::size_t c = 0; c < dataset.corpora.size(); ++c) {
    const DatasetCorpus& corpus = dataset.corpora[c];
    out += fmt::format("  {:<20} weight {:<6g} {:<10}", corpus.name, corpus.weight,
                       corpus.has_gold ? "gold twin" : "weak only");
    for (const Split split : kSplits) {
      out += fmt::format(
          "  {} {}", split_name(split),
          json["splits"][std::string(split_name(split))]["documents_per_corpus"][corpus.name]
              .get<std::size_t>());
    }
    out += "\n";
  }
  out += "\nLabel distribution (pieces in windows)\n";
  out += fmt::format("  {:<14}{:>12}{:>12}{:>12}\n", "label", "train", "dev", "test");
  const auto train = label_counts(dataset.split(Split::kTrain), dataset.label_names.size());
  const auto dev = label_counts(dataset.split(Split::kDev), dataset.label_names.size());
  const auto test = label_counts(dataset.split(Split::kTest), dataset.label_names.size());
  for (std::size_t i = 0; i < dataset.label_names.size(); ++i) {
    out += fmt::format("  {:<14}{:>12}{:>12}{:>12}\n", dataset.label_names[i], train[i], dev[i],
                       test[i]);
  }
  out += fmt::format(
      "  {:<14}{:>12}{:>12}{:>12}\n", "(unknown)", unknown_pieces(dataset.split(Split::kTrain)),
      unknown_pieces(dataset.split(Split::kDev)), unknown_pieces(dataset.split(Split::kTest)));
  out += fmt::format("\nentity boundaries inside a piece: {} of {}\n",
                     json["misaligned_boundaries"].get<long>(), json["boundaries"].get<long>());
  out += fmt::format("spans not representable: {}\n", json["unrepresentable_spans"].get<long>());
  out += fmt::format("spans added by weak-label repair: {}\n", json["repaired_spans"].get<long>());
  return out;
}

}  // namespace ner
