#include "infer/output_formats.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/utf8.h"
#include "datasets/entity_type.h"
#include "datasets/text_words.h"

namespace ner {
namespace {

// Scores with four decimals: enough to rank, short to read.
double rounded(double score) {
  return std::round(score * 1e4) / 1e4;
}

// Entities as JSON keeps them: fields in the order written.
nlohmann::ordered_json entities_json(std::string_view text, const TaggedDocument& tagged,
                                     const std::vector<PageRange>& pages = {}) {
  nlohmann::ordered_json entities = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < tagged.spans.size(); ++i) {
    const Span& span = tagged.spans[i];
    nlohmann::ordered_json entity = {{"start", span.char_begin},
                                     {"end", span.char_end},
                                     {"label", tag_name(span.type)},
                                     {"text", text.substr(span.begin, span.end - span.begin)},
                                     {"score", rounded(tagged.scores[i])}};
    if (!pages.empty()) entity["page"] = page_at(pages, span.begin);
    entities.push_back(std::move(entity));
  }
  return entities;
}

// A PDF's pages as code-point ranges of its text, as entity offsets are.
nlohmann::ordered_json pages_json(std::string_view text, const std::vector<PageRange>& pages) {
  nlohmann::ordered_json ranges = nlohmann::ordered_json::array();
  std::size_t byte = 0;
  std::size_t code_point = 0;
  const auto code_point_at = [&](std::size_t offset) {
    code_point += count_code_points(text.substr(byte, offset - byte));
    byte = offset;
    return code_point;
  };
  for (const PageRange& page : pages) {
    const std::size_t start = code_point_at(page.begin);
    ranges.push_back({{"page", page.number}, {"start", start}, {"end", code_point_at(page.end)}});
  }
  return ranges;
}

std::string jsonl_document(const std::string& name, std::string_view text,
                           const TaggedDocument& tagged, const std::vector<PageRange>& pages) {
  nlohmann::ordered_json document = {{"document", name}, {"text", text}};
  if (!pages.empty()) document["pages"] = pages_json(text, pages);
  document["entities"] = entities_json(text, tagged, pages);
  // A file name need not be UTF-8; JSON must be.
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Tokens come from the text alone (split_tokens), so files of two taggers
// line up for conlleval or seqeval. A token takes the type of the first
// entity it overlaps: B- where that entity (or a sentence) starts, I- on the
// tokens after; an entity edge inside a token widens it to the whole token.
std::string conll_document(std::string_view text, const TaggedDocument& tagged) {
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::string out = "-DOCSTART- O\n\n";
  std::size_t span = 0;
  std::size_t previous_span = kNone;
  bool sentence_open = false;
  for (const TextToken& token : split_tokens(text)) {
    if (token.starts_sentence && sentence_open) out += '\n';
    sentence_open = true;
    while (span < tagged.spans.size() && tagged.spans[span].end <= token.begin)
      ++span;
    std::string tag = "O";
    std::size_t token_span = kNone;
    if (span < tagged.spans.size() && tagged.spans[span].begin < token.end) {
      token_span = span;
      const bool continues = previous_span == span && !token.starts_sentence;
      tag = fmt::format("{}-{}", continues ? 'I' : 'B', tag_name(tagged.spans[span].type));
    }
    previous_span = token_span;
    fmt::format_to(std::back_inserter(out), "{} {}\n",
                   text.substr(token.begin, token.end - token.begin), tag);
  }
  if (sentence_open) out += '\n';
  return out;
}

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string html_document(const std::string& name, std::string_view text,
                          const TaggedDocument& tagged) {
  std::string out = fmt::format("<section>\n<h2>{}</h2>\n<p class=\"count\">{} entities</p>\n<pre>",
                                html_escaped(name), tagged.spans.size());
  std::size_t position = 0;
  for (std::size_t i = 0; i < tagged.spans.size(); ++i) {
    const Span& span = tagged.spans[i];
    out += html_escaped(text.substr(position, span.begin - position));
    // The label and score are attributes that the style sheet shows, so
    // copying the text copies the document's words alone.
    fmt::format_to(std::back_inserter(out),
                   "<mark class=\"{0}\" data-label=\"{0}\" data-score=\"{1:.2f}\">{2}</mark>",
                   tag_name(span.type), tagged.scores[i],
                   html_escaped(text.substr(span.begin, span.end - span.begin)));
    position = span.end;
  }
  out += html_escaped(text.substr(position));
  out += "</pre>\n</section>\n";
  return out;
}

// One colour per type, readable on white and of six clearly different hues
// (orange, blue, green, yellow, violet, pink), lightened so text stays black.
constexpr std::pair<EntityType, const char*> kColours[] = {
    {EntityType::kModel, "#f6a945"},    {EntityType::kParams, "#86bdf2"},
    {EntityType::kCountry, "#7fd6a4"},  {EntityType::kYear, "#f2e46a"},
    {EntityType::kHardware, "#c7a4f2"}, {EntityType::kTraining, "#f28fb6"}};

// A relative path as a link target: bytes outside letters, digits and
// "-._~/" percent-encoded.
std::string url_path(std::string_view path) {
  std::string out;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || std::string_view("-._~/").find(c) != std::string_view::npos) {
      out += c;
    } else {
      fmt::format_to(std::back_inserter(out), "%{:02X}", byte);
    }
  }
  return out;
}

}  // namespace

OutputFormat parse_output_format(std::string_view name) {
  if (name == "inline") return OutputFormat::kInline;
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "conll") return OutputFormat::kConll;
  if (name == "html") return OutputFormat::kHtml;
  throw Error(fmt::format("unknown output format '{}': use inline, jsonl, conll or html", name));
}

std::string_view output_format_name(OutputFormat format) {
  switch (format) {
    case OutputFormat::kJsonl:
      return "jsonl";
    case OutputFormat::kConll:
      return "conll";
    case OutputFormat::kHtml:
      return "html";
    default:
      return "inline";
  }
}

std::string jsonl_record(const nlohmann::ordered_json& record, std::string_view text,
                         const TaggedDocument& tagged) {
  nlohmann::ordered_json tagged_record = record;
  tagged_record["entities"] = entities_json(text, tagged);
  return tagged_record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string output_file_name(OutputFormat format, const std::string& document_name) {
  const auto has_extension = [&](std::string_view extension) {
    return document_name.size() > extension.size() &&
           document_name.compare(document_name.size() - extension.size(), extension.size(),
                                 extension) == 0;
  };
  const bool pdf = has_extension(".pdf");
  if (format == OutputFormat::kInline && !pdf) return document_name;
  std::string stem = document_name;
  for (const std::string_view extension : {".txt", ".jsonl", ".pdf"}) {
    if (has_extension(extension)) {
      stem.resize(stem.size() - extension.size());
      break;
    }
  }
  switch (format) {
    case OutputFormat::kInline:
      return stem + ".txt";
    case OutputFormat::kJsonl:
      return stem + ".jsonl";
    case OutputFormat::kConll:
      return stem + ".conll";
    default:
      return stem + ".html";
  }
}

std::string format_header(OutputFormat format, std::string_view title) {
  if (format != OutputFormat::kHtml) return "";
  std::string styles;
  std::string legend;
  for (const auto& [type, colour] : kColours) {
    fmt::format_to(std::back_inserter(styles), "mark.{0} {{ background: {1}; }}\n", tag_name(type),
                   colour);
    fmt::format_to(std::back_inserter(legend), "<mark class=\"{0}\">{0}</mark> ", tag_name(type));
  }
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>{0}</title>\n<style>\n"
      "body {{ font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }}\n"
      "pre {{ white-space: pre-wrap; font-family: inherit; line-height: 1.6; }}\n"
      "mark {{ padding: 0 0.15em; border-radius: 0.2em; position: relative; }}\n"
      "mark[data-label]::after {{ content: attr(data-label); font-size: 0.65em; font-weight: "
      "bold; text-transform: uppercase; margin-left: 0.35em; vertical-align: middle; opacity: "
      "0.75; }}\n"
      "mark[data-label]:hover::after {{ content: attr(data-label) \" \" attr(data-score); "
      "opacity: 1; }}\n"
      ".legend {{ position: sticky; top: 0; background: #fff; padding: 0.5em 0; "
      "border-bottom: 1px solid #ccc; }}\n.count {{ color: #666; }}\n"
      "table {{ border-collapse: collapse; }}\n"
      "td, th {{ padding: 0.2em 0.8em; text-align: right; border-bottom: 1px solid #eee; }}\n"
      "td:first-child, th:first-child {{ text-align: left; }}\n{1}</style>\n</head>\n"
      "<body>\n<h1>{0}</h1>\n<p class=\"legend\">{2}&mdash; hover over an entity for its "
      "score (the mean label probability of its pieces)</p>\n",
      html_escaped(title), styles, legend);
}

std::string html_index(const std::vector<HtmlIndexEntry>& entries) {
  std::string rows;
  std::array<std::size_t, kEntityTypes.size()> totals{};
  std::size_t total = 0;
  for (const HtmlIndexEntry& entry : entries) {
    fmt::format_to(std::back_inserter(rows), "<tr><td><a href=\"{}\">{}</a></td>",
                   html_escaped(url_path(entry.file)), html_escaped(entry.document));
    std::size_t entities = 0;
    for (std::size_t t = 0; t < kEntityTypes.size(); ++t) {
      fmt::format_to(std::back_inserter(rows), "<td>{}</td>", entry.entities[t]);
      entities += entry.entities[t];
      totals[t] += entry.entities[t];
    }
    fmt::format_to(std::back_inserter(rows), "<td>{}</td></tr>\n", entities);
    total += entities;
  }
  std::string head = "<tr><th>document</th>";
  std::string foot = fmt::format("<tr><th>{} documents</th>", entries.size());
  for (std::size_t t = 0; t < kEntityTypes.size(); ++t) {
    fmt::format_to(std::back_inserter(head), "<th><mark class=\"{0}\">{0}</mark></th>",
                   tag_name(kEntityTypes[t]));
    fmt::format_to(std::back_inserter(foot), "<th>{}</th>", totals[t]);
  }
  head += "<th>entities</th></tr>\n";
  foot += fmt::format("<th>{}</th></tr>\n", total);
  return format_header(OutputFormat::kHtml, "Tagged documents") + "<table>\n" + head + rows + foot +
         "</table>\n" + format_footer(OutputFormat::kHtml);
}

std::string format_footer(OutputFormat format) {
  return format == OutputFormat::kHtml ? "</body>\n</html>\n" : "";
}

std::string format_document(OutputFormat format, const std::string& name, std::string_view text,
                            const TaggedDocument& tagged, const std::vector<PageRange>& pages) {
  switch (format) {
    case OutputFormat::kInline:
      return render_tagged_text(text, tagged.spans);
    case OutputFormat::kJsonl:
      return jsonl_document(name, text, tagged, pages);
    case OutputFormat::kConll:
      return conll_document(text, tagged);
    case OutputFormat::kHtml:
      return html_document(name, text, tagged);
  }
  return "";
}

}  // namespace ner
