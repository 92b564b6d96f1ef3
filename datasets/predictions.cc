#include "datasets/predictions.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"
#include "base/utf8.h"
#include "datasets/corpus.h"
#include "datasets/entity_type.h"

namespace ner {
namespace fs = std::filesystem;
namespace {

bool has_extension(const fs::path& path, std::string_view extension) {
  return path.extension() == extension;
}

// Byte offsets of each code point of `text`, and of its end.
std::vector<std::size_t> code_point_offsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  for (std::size_t at = 0; at < text.size();
       at += std::max<std::size_t>(1, utf8_sequence_length(text, at)))
    offsets.push_back(at);
  offsets.push_back(text.size());
  return offsets;
}

EntityType type_named(std::string_view label, const std::string& where) {
  const std::optional<EntityType> type = entity_type_from_tag(label);
  if (!type) {
    throw Error(fmt::format(
        "{}: unknown entity label '{}' (model, params, country, year, hardware, training)", where,
        label));
  }
  return *type;
}

// A JSON line of ner-tag's jsonl output (or a tagged JSON Lines input).
std::pair<std::string, Prediction> json_line_prediction(const std::string& line,
                                                        const std::string& where) {
  nlohmann::json record;
  try {
    record = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& error) {
    throw Error(fmt::format("{}: not JSON ({})", where, error.what()));
  }
  const auto string_field = [&](const char* key) -> std::optional<std::string> {
    if (!record.is_object() || !record.contains(key)) return std::nullopt;
    if (record[key].is_string()) return record[key].get<std::string>();
    if (record[key].is_number()) return record[key].dump();
    return std::nullopt;
  };
  const std::optional<std::string> text = string_field("text");
  std::optional<std::string> name = string_field("document");
  if (!name) name = string_field("id");
  if (!text || !name || !record.contains("entities") || !record["entities"].is_array()) {
    throw Error(fmt::format(
        "{}: expected {{\"document\" (or \"id\"), \"text\", \"entities\": [...]}}", where));
  }
  Document document;
  document.name = *name;
  document.text = *text;
  std::vector<std::pair<Span, double>> scored;
  bool every_score = true;
  const std::vector<std::size_t> offsets = code_point_offsets(document.text);
  const std::size_t characters = offsets.size() - 1;
  for (const nlohmann::json& entity : record["entities"]) {
    if (!entity.is_object() || !entity.contains("start") || !entity.contains("end") ||
        !entity["start"].is_number_unsigned() || !entity["end"].is_number_unsigned() ||
        !entity.contains("label") || !entity["label"].is_string()) {
      throw Error(
          fmt::format("{}: an entity needs \"start\", \"end\" (code points) and "
                      "\"label\": {}",
                      where, entity.dump()));
    }
    Span span;
    span.char_begin = entity["start"].get<std::size_t>();
    span.char_end = entity["end"].get<std::size_t>();
    if (span.char_begin >= span.char_end || span.char_end > characters) {
      throw Error(fmt::format("{}: entity {}..{} is not within the text's {} code points", where,
                              span.char_begin, span.char_end, characters));
    }
    span.begin = offsets[span.char_begin];
    span.end = offsets[span.char_end];
    span.type = type_named(entity["label"].get<std::string>(), where);
    const bool has_score = entity.contains("score") && entity["score"].is_number();
    every_score = every_score && has_score;
    scored.emplace_back(span, has_score ? entity["score"].get<double>() : 0.0);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first.begin < b.first.begin; });
  std::vector<double> scores;
  for (const auto& [span, score] : scored) {
    document.spans.push_back(span);
    scores.push_back(score);
  }
  if (!every_score) scores.clear();
  std::string key = document_key(document.name);
  Prediction prediction{where, std::move(document), std::nullopt, std::move(scores)};
  return {std::move(key), std::move(prediction)};
}

void add_keyed(Predictions& predictions, std::string key, Prediction prediction) {
  const auto [earlier, added] = predictions.by_key.emplace(key, prediction);
  if (!added) {
    throw Error(fmt::format("{}: a second prediction for document {} (the first: {})",
                            prediction.source, key, earlier->second.source));
  }
}

void read_json_lines(const fs::path& file, Predictions& predictions) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open", file.string()));
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto [key, prediction] =
        json_line_prediction(line, fmt::format("{}:{}", file.string(), number));
    add_keyed(predictions, std::move(key), std::move(prediction));
  }
}

// The documents of a CoNLL file: "-DOCSTART-" lines separate them, blank
// lines separate sentences, other lines are "TOKEN ... TAG".
std::vector<ConllDocument> read_conll(const fs::path& file) {
  const std::string content = read_file(file);
  std::vector<ConllDocument> documents;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string line = content.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.rfind("-DOCSTART-", 0) == 0) {
      documents.push_back({file.string(), {}});
      continue;
    }
    const std::size_t space = line.find_last_of(" \t");
    if (space == std::string::npos || space == 0) {
      throw Error(
          fmt::format("{}:{}: expected \"TOKEN TAG\", got '{}'", file.string(), number, line));
    }
    const std::size_t token_end = line.find_first_of(" \t");
    if (documents.empty()) documents.push_back({file.string(), {}});
    documents.back().rows.push_back({line.substr(0, token_end), line.substr(space + 1), number});
  }
  return documents;
}

}  // namespace

std::string document_key(std::string_view name) {
  for (const std::string_view extension : {".txt", ".jsonl", ".conll"}) {
    if (name.size() > extension.size() && name.substr(name.size() - extension.size()) == extension)
      return std::string(name.substr(0, name.size() - extension.size()));
  }
  return std::string(name);
}

Predictions read_predictions(const fs::path& path) {
  Predictions predictions;
  const bool directory = fs::is_directory(path);
  const std::vector<fs::path> files = directory
                                          ? list_corpus(path, {"*.txt", "*.jsonl", "*.conll"}).files
                                          : std::vector<fs::path>{path};
  for (const fs::path& file : files) {
    const std::string name = directory ? corpus_document_name(path, file) : file.string();
    if (has_extension(file, ".jsonl")) {
      read_json_lines(file, predictions);
    } else if (has_extension(file, ".conll")) {
      std::vector<ConllDocument> documents = read_conll(file);
      if (directory && documents.size() > 1) {
        throw Error(fmt::format("{}: holds {} documents; in a directory each CoNLL file is one",
                                file.string(), documents.size()));
      }
      for (ConllDocument& conll : documents) {
        Prediction prediction{file.string(), std::nullopt, std::move(conll), {}};
        if (directory) {
          add_keyed(predictions, document_key(name), std::move(prediction));
        } else {
          predictions.in_order.push_back(std::move(prediction));
        }
      }
    } else {
      Document document = parse_tagged_text(read_file(file), file.string());
      document.name = name;
      Prediction prediction{file.string(), std::move(document), std::nullopt, {}};
      if (directory) {
        add_keyed(predictions, document_key(name), std::move(prediction));
      } else {
        predictions.in_order.push_back(std::move(prediction));
      }
    }
  }
  return predictions;
}

Document place_conll(const ConllDocument& conll, const std::string& text) {
  Document document;
  document.text = text;
  std::size_t position = 0;
  std::optional<Span> open;
  const auto close = [&] {
    if (!open) return;
    document.spans.push_back(*open);
    open.reset();
  };
  for (const ConllDocument::Row& row : conll.rows) {
    while (position < text.size()) {
      const std::size_t space = space_length_at(text, position);
      if (space == 0) break;
      position += space;
    }
    if (text.compare(position, row.token.size(), row.token) != 0) {
      throw Error(fmt::format(
          "{}:{}: the token '{}' is not next in the gold text (at byte {}); a tagger must not "
          "change the text",
          conll.source, row.line, row.token, position));
    }
    const std::size_t begin = position;
    position += row.token.size();
    if (row.tag == "O") {
      close();
      continue;
    }
    if (row.tag.size() < 3 || row.tag[1] != '-' || (row.tag[0] != 'B' && row.tag[0] != 'I')) {
      throw Error(fmt::format("{}:{}: tag '{}' is not O, B-TYPE or I-TYPE", conll.source, row.line,
                              row.tag));
    }
    const EntityType type =
        type_named(row.tag.substr(2), fmt::format("{}:{}", conll.source, row.line));
    if (row.tag[0] == 'B' || !open || open->type != type) {
      close();
      open = Span{};
      open->type = type;
      open->begin = begin;
    }
    open->end = position;
  }
  close();
  assign_code_point_offsets(document.text, document.spans);
  return document;
}

}  // namespace ner
