#include "tools/corpus/label_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <string_view>

#include "base/error.h"
#include "base/file_io.h"
#include "base/output_paths.h"
#include "base/utf8.h"
#include "datasets/corpus.h"
#include "datasets/knowledge_table.h"
#include "datasets/predictions.h"
#include "datasets/span_metrics.h"
#include "datasets/teacher_labels.h"
#include "datasets/text_words.h"
#include "datasets/unknown_ranges.h"

namespace ner::corpus {
namespace {

struct RawDocument {
  std::string name;  // where the tagged version goes, relative to --out
  std::string text;
};

// "arxiv:2507.20987" -> "arxiv_2507.20987": a safe file name from a document id.
std::string file_name_of(std::string_view id) {
  std::string name;
  for (const char c : id) {
    const bool safe = is_word_character(c) || c == '.' || c == '-' || c == '_';
    name += safe ? c : '_';
  }
  if (name.empty() || name.front() == '.') name.insert(0, "doc");
  return name;
}

// Where `text` is no plain text (an invalid UTF-8 or a NUL byte), and why.
std::optional<std::pair<std::size_t, std::string_view>> text_problem(const std::string& text) {
  if (const auto bad = find_invalid_utf8(text)) return {{*bad, "invalid UTF-8"}};
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos)
    return {{nul, "a NUL byte: not a text document"}};
  return std::nullopt;
}

void read_jsonl(const std::filesystem::path& path, std::vector<RawDocument>& documents) {
  const std::string content = read_file(path);
  const std::string folder = path.stem().string();
  std::size_t line_number = 0, begin = 0;
  while (begin < content.size()) {
    const std::size_t end = std::min(content.find('\n', begin), content.size());
    ++line_number;
    const std::string_view line = std::string_view(content).substr(begin, end - begin);
    begin = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = fmt::format("{}:{}", path.string(), line_number);
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& error) {
      throw Error(fmt::format("{}: not JSON: {}", where, error.what()));
    }
    if (!json.is_object() || !json.contains("text") || !json["text"].is_string())
      throw Error(fmt::format("{}: expected an object with a string \"text\"", where));
    std::string id = json.contains("id") && json["id"].is_string()
                         ? json["id"].get<std::string>()
                         : fmt::format("line-{}", line_number);
    RawDocument document{folder + "/" + file_name_of(id) + ".txt", json["text"].get<std::string>()};
    if (const auto problem = text_problem(document.text))
      throw Error(
          fmt::format("{}: {} at byte {} of \"text\"", where, problem->second, problem->first));
    documents.push_back(std::move(document));
  }
}

std::vector<RawDocument> read_inputs(const std::vector<std::filesystem::path>& inputs) {
  std::vector<RawDocument> documents;
  for (const auto& input : inputs) {
    if (!std::filesystem::exists(input))
      throw Error(fmt::format("{}: no such file or directory", input.string()));
    if (std::filesystem::is_regular_file(input) && input.extension() == ".jsonl") {
      read_jsonl(input, documents);
      continue;
    }
    for (const auto& file : list_corpus_files(input)) {
      RawDocument document{corpus_document_name(input, file), read_file(file)};
      if (const auto problem = text_problem(document.text)) {
        throw Error(fmt::format(
            "{}: {}", format_location(locate_byte(document.text, problem->first, file.string())),
            problem->second));
      }
      documents.push_back(std::move(document));
    }
  }
  std::vector<std::string> names;
  for (const RawDocument& document : documents)
    names.push_back(document.name);
  std::sort(names.begin(), names.end());
  if (const auto twin = std::adjacent_find(names.begin(), names.end()); twin != names.end())
    throw Error(fmt::format("two input documents would both be written as '{}'", *twin));
  return documents;
}

// The function's spans alone, overlaps inside it resolved the same way.
std::vector<Span> spans_of(std::string_view text, const std::vector<LabelledSpan>& candidates,
                           LabellingFunction function) {
  std::vector<LabelledSpan> chosen;
  for (const LabelledSpan& candidate : candidates) {
    if (candidate.source == function) chosen.push_back(candidate);
  }
  std::vector<Span> spans;
  for (const LabelledSpan& labelled : resolve_labels(text, chosen))
    spans.push_back(labelled.span);
  return spans;
}

struct FunctionStats {
  std::size_t spans = 0;      // candidate spans
  std::size_t documents = 0;  // documents with at least one
  std::size_t overlaps = 0;   // spans overlapping another function's span of the same type
  std::size_t conflicts = 0;  // spans overlapping another function's span of another type
  std::size_t kept = 0;       // spans in the output
  SpanEvaluator gold;         // against gold spans of the function's type
};

bool overlap(const Span& a, const Span& b) {
  return a.begin < b.end && b.begin < a.end;
}

std::vector<Span> of_type(const std::vector<Span>& spans, EntityType type) {
  std::vector<Span> out;
  for (const Span& span : spans) {
    if (span.type == type) out.push_back(span);
  }
  return out;
}

// The functions that name known facts (not patterns): a teacher entity that
// one of them knows as another type contradicts the knowledge tables.
bool names_known_facts(LabellingFunction function) {
  return function == LabellingFunction::kChipNames || function == LabellingFunction::kModelNames ||
         function == LabellingFunction::kCountryNames;
}

}  // namespace

KnowledgeColumn parse_knowledge_column(KnowledgeKind kind, const std::string& text) {
  TableColumn column = parse_table_column(text);
  return {kind, std::move(column.file), std::move(column.column)};
}

namespace {

std::string knowledge_option(KnowledgeKind kind) {
  switch (kind) {
    case KnowledgeKind::kChips:
      return "--chips";
    case KnowledgeKind::kCountries:
      return "--countries";
    default:
      return "--models";
  }
}

// Nothing written may replace, hold or lie inside what is read, and the
// corpus folder is new or empty unless --force.
void check_outputs(const LabelOptions& options) {
  std::vector<CommandPath> inputs = {{"--gold", options.gold}, {"--teacher", options.teacher}};
  for (const std::filesystem::path& input : options.inputs)
    inputs.push_back({"input", input});
  for (const KnowledgeColumn& column : options.knowledge)
    inputs.push_back({knowledge_option(column.kind), column.file});
  refuse_output_over_inputs({"--out", options.out}, inputs);
  for (const CommandPath& file :
       {CommandPath{"--jsonl", options.jsonl}, CommandPath{"--report", options.report}}) {
    if (!file.path.empty()) refuse_output_over_inputs(file, inputs);
  }
  refuse_used_output_folder({"--out", options.out}, options.force);
}

}  // namespace

LabelResult run_label(const LabelOptions& options) {
  check_outputs(options);
  std::vector<RawDocument> documents = read_inputs(options.inputs);
  if (documents.empty()) throw Error("no input documents (*.txt files or *.jsonl lines)");
  if (options.max_documents > 0 && documents.size() > options.max_documents)
    documents.resize(options.max_documents);

  DistantKnowledge knowledge =
      options.builtin_knowledge ? builtin_distant_knowledge() : DistantKnowledge{};
  std::array<std::size_t, 3> user_entries{};
  for (const KnowledgeColumn& column : options.knowledge) {
    const KnowledgeTable table = read_knowledge_table(column.file);
    if (table.rows.empty())
      throw Error(fmt::format("{}: a header but no rows", column.file.string()));
    const std::size_t index = table.column(column.column);
    std::vector<std::string> values;
    for (const auto& row : table.rows) {
      if (!row[index].empty()) values.push_back(row[index]);
    }
    user_entries[static_cast<std::size_t>(column.kind)] += values.size();
    add_knowledge_column(knowledge, column.kind, values);
  }
  std::vector<std::string_view> texts;
  for (const RawDocument& document : documents)
    texts.push_back(document.text);
  const auto ordinary =
      ordinary_lowercase_words(texts, std::max<std::size_t>(3, documents.size() / 2000));
  const DistantLabeller labeller(knowledge, ordinary);

  LabelResult result;
  std::array<FunctionStats, kLabellingFunctionCount> stats;
  SpanEvaluator whole;
  std::vector<Document> labelled;
  if (options.force) remove_corpus_files(options.out);
  std::optional<TemporaryFile> jsonl;
  std::ofstream jsonl_file;
  if (!options.jsonl.empty()) {
    jsonl.emplace(options.jsonl);
    jsonl_file.open(jsonl->path(), std::ios::binary);
  }
  std::optional<Predictions> teacher;
  if (!options.teacher.empty()) teacher = read_predictions(options.teacher);
  const UnknownRules known_outside = default_unknown_rules();
  TeacherCounts teacher_counts;
  std::size_t without_teacher = 0;
  std::size_t done = 0;
  for (RawDocument& raw : documents) {
    const std::vector<LabelledSpan> candidates = labeller.candidates(raw.text);
    const std::vector<LabelledSpan> kept = resolve_labels(raw.text, candidates);
    std::optional<Document> gold;
    if (!options.gold.empty()) {
      const auto gold_file = options.gold / raw.name;
      gold = parse_tagged_text(read_file(gold_file), gold_file.string());
      Document plain{raw.name, raw.text, {}};
      require_same_plain_text(*gold, plain, gold_file.string(), raw.name);
    }
    for (std::size_t f = 0; f < kLabellingFunctionCount; ++f) {
      const auto function = static_cast<LabellingFunction>(f);
      FunctionStats& s = stats[f];
      std::size_t own = 0;
      for (const LabelledSpan& candidate : candidates) {
        if (candidate.source != function) continue;
        ++own;
        bool same = false, other = false;
        for (const LabelledSpan& rival : candidates) {
          if (rival.source == function || !overlap(candidate.span, rival.span)) continue;
          (rival.span.type == candidate.span.type ? same : other) = true;
        }
        s.overlaps += same ? 1 : 0;
        s.conflicts += other ? 1 : 0;
      }
      s.spans += own;
      s.documents += own > 0 ? 1 : 0;
      for (const LabelledSpan& span : kept)
        s.kept += span.source == function ? 1 : 0;
      if (gold) {
        const EntityType type = labelling_function_type(function);
        s.gold.add(of_type(gold->spans, type), spans_of(raw.text, candidates, function));
      }
    }
    Document document{raw.name, std::move(raw.text), {}};
    for (const LabelledSpan& span : kept)
      document.spans.push_back(span.span);
    if (teacher) {
      if (const auto entities = teacher_entities(*teacher, raw.name, document.text)) {
        const std::string_view text = document.text;
        const auto contradicted = [&](const Span& entity) {
          for (const LabelledSpan& candidate : candidates) {
            if (names_known_facts(candidate.source) && candidate.span.type != entity.type &&
                candidate.span.begin < entity.end && entity.begin < candidate.span.end)
              return true;
          }
          return known_outside.outside_forms.count(
                     std::string(text.substr(entity.begin, entity.end - entity.begin))) > 0;
        };
        document.spans =
            merge_teacher_entities(document.spans, entities->spans, entities->scores,
                                   options.teacher_least_score, contradicted, teacher_counts);
      } else {
        ++without_teacher;
      }
    }
    if (gold) whole.add(gold->spans, document.spans);
    // Text that itself reads as an entity tag ("<model>") cannot be written
    // inline; such a document is reported and left out, the rest goes on.
    std::string rendered;
    try {
      rendered = render_tagged_text(document.text, document.spans);
    } catch (const Error& error) {
      result.skipped.push_back(fmt::format("{}: {}", document.name, error.what()));
      if (options.progress) options.progress(++done, documents.size());
      continue;
    }
    write_file_atomically(options.out / document.name, rendered);
    if (jsonl) {
      nlohmann::json line = {{"id", document.name}, {"text", document.text}};
      line["entities"] = nlohmann::json::array();
      for (const LabelledSpan& span : kept) {
        line["entities"].push_back({{"start", span.span.char_begin},
                                    {"end", span.span.char_end},
                                    {"label", tag_name(span.span.type)},
                                    {"function", labelling_function_name(span.source)}});
      }
      jsonl_file << line.dump() << '\n';
    }
    labelled.push_back(std::move(document));
    if (options.progress) options.progress(++done, documents.size());
  }
  if (jsonl) {
    jsonl_file.close();
    if (!jsonl_file) throw Error(fmt::format("{}: could not write", options.jsonl.string()));
    jsonl->commit();
  }

  // What the unknown rules would leave undecided in this output.
  std::vector<const Document*> output;
  for (const Document& document : labelled)
    output.push_back(&document);
  const UnknownRules rules = corpus_unknown_rules(output);
  std::array<std::size_t, kUnknownRuleCount> unknown{};
  for (const Document& document : labelled) {
    const UnknownRanges ranges = find_unknown_ranges(document, rules);
    for (std::size_t r = 0; r < kUnknownRuleCount; ++r)
      unknown[r] += ranges.per_rule[r];
  }

  result.documents = labelled.size();
  nlohmann::json functions = nlohmann::json::object();
  std::string table = fmt::format("{:<20}{:<10}{:>8}{:>10}{:>10}{:>11}{:>8}", "function", "type",
                                  "spans", "coverage", "overlaps", "conflicts", "kept");
  if (!options.gold.empty()) table += fmt::format("{:>11}{:>9}", "precision", "recall");
  table += "\n" + std::string(options.gold.empty() ? 77 : 97, '-') + "\n";
  for (std::size_t f = 0; f < kLabellingFunctionCount; ++f) {
    const auto function = static_cast<LabellingFunction>(f);
    const FunctionStats& s = stats[f];
    const double coverage = static_cast<double>(s.documents) / static_cast<double>(labelled.size());
    nlohmann::json entry = {{"type", tag_name(labelling_function_type(function))},
                            {"spans", s.spans},
                            {"documents", s.documents},
                            {"coverage", coverage},
                            {"overlaps", s.overlaps},
                            {"conflicts", s.conflicts},
                            {"kept", s.kept}};
    table +=
        fmt::format("{:<20}{:<10}{:>8}{:>9.1f}%{:>10}{:>11}{:>8}",
                    labelling_function_name(function), tag_name(labelling_function_type(function)),
                    s.spans, 100.0 * coverage, s.overlaps, s.conflicts, s.kept);
    if (!options.gold.empty()) {
      const Counts& counts = s.gold.scores().strict[index_of(labelling_function_type(function))];
      entry["gold_strict"] = counts.to_json();
      table += fmt::format("{:>11.3f}{:>9.3f}", counts.precision(), counts.recall());
    }
    table += "\n";
    functions[std::string(labelling_function_name(function))] = entry;
  }
  nlohmann::json unknown_json = nlohmann::json::object();
  table += "\nunknown (left undecided for training):";
  for (std::size_t r = 0; r < kUnknownRuleCount; ++r) {
    const auto name = unknown_rule_name(static_cast<UnknownRule>(r));
    unknown_json[std::string(name)] = unknown[r];
    table += fmt::format(" {} {}", name, unknown[r]);
  }
  table += "\n";
  if (teacher) {
    table += fmt::format(
        "\nteacher {}: {} entities, {} added, {} agreed with a distant label, {} below their "
        "type's least score, {} contradicting the knowledge tables, {} overlapping a distant "
        "label; {} documents without teacher entities\n",
        options.teacher.string(), teacher_counts.offered(),
        teacher_counts.total(TeacherVerdict::kAdded), teacher_counts.total(TeacherVerdict::kAgreed),
        teacher_counts.total(TeacherVerdict::kBelowThreshold),
        teacher_counts.total(TeacherVerdict::kContradictsKnowledge),
        teacher_counts.total(TeacherVerdict::kOverlapsLabel), without_teacher);
  }
  result.report = {{"documents", labelled.size()},
                   {"skipped", result.skipped},
                   {"knowledge",
                    {{"builtin", options.builtin_knowledge},
                     {"model_names", labeller.model_name_count()},
                     {"user_models", user_entries[0]},
                     {"user_chips", user_entries[1]},
                     {"user_countries", user_entries[2]}}},
                   {"functions", functions},
                   {"unknown_ranges", unknown_json}};
  if (teacher) {
    nlohmann::json least = nlohmann::json::object();
    for (const EntityType type : kEntityTypes)
      least[std::string(tag_name(type))] = options.teacher_least_score[index_of(type)];
    nlohmann::json teacher_json = teacher_counts.to_json();
    teacher_json["source"] = options.teacher.string();
    teacher_json["least_score"] = least;
    teacher_json["documents_without_entities"] = without_teacher;
    result.report["teacher"] = teacher_json;
  }
  if (!options.gold.empty()) {
    const Scores& scores = whole.scores();
    result.report["labeller"] = scores.to_json();
    table += fmt::format(
        "\nlabeller against {}: strict precision {:.3f} recall {:.3f} F1 {:.3f} (partial "
        "precision {:.3f} recall {:.3f})\n\n{}",
        options.gold.string(), scores.micro_strict().precision(), scores.micro_strict().recall(),
        scores.micro_strict().f1(), scores.micro_partial().precision(),
        scores.micro_partial().recall(), scores.to_table());
  }
  result.table = table;
  if (!options.report.empty()) write_file_atomically(options.report, result.report.dump(2) + "\n");
  return result;
}

}  // namespace ner::corpus
