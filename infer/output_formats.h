// What ner-tag writes: the input with inline tags, JSON lines with code-point
// offsets, CoNLL (IOB2) columns, or one self-contained HTML page.
#pragma once

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/entity_type.h"
#include "infer/pdf_text.h"
#include "infer/tagger.h"

namespace ner {

enum class OutputFormat { kInline, kJsonl, kConll, kHtml };

// "inline", "jsonl", "conll" or "html"; throws ner::Error otherwise.
OutputFormat parse_output_format(std::string_view name);
std::string_view output_format_name(OutputFormat format);

// The file name a document's output gets under --out: inline keeps the
// input's name (a PDF's text gets ".txt" for ".pdf"), the others replace a
// ".txt", ".jsonl" or ".pdf" extension with their own.
std::string output_file_name(OutputFormat format, const std::string& document_name);

// Text before the first document and after the last (the HTML page's head
// and tail; empty for the other formats).
std::string format_header(OutputFormat format, std::string_view title);
std::string format_footer(OutputFormat format);

// A line of the index page of a directory of HTML pages: the document, its
// page (relative to the index) and its entities per type (kEntityTypes order).
struct HtmlIndexEntry {
  std::string document;
  std::string file;
  std::array<std::size_t, kEntityTypes.size()> entities{};
};
// The index page: a table linking every page, with counts per type.
std::string html_index(const std::vector<HtmlIndexEntry>& entries);

// A line of a JSON Lines input tagged: the record as it was (every field
// kept) with "entities" set to the document's entities, as --format jsonl
// writes them (code-point offsets, label, text, score), and a newline.
std::string jsonl_record(const nlohmann::ordered_json& record, std::string_view text,
                         const TaggedDocument& tagged);

// One document in the format. Inline output is the input with tags inserted
// and every other byte unchanged; it throws ner::Error when the text itself
// contains something that reads as an entity tag. `pages` (a PDF's) add
// "pages" (code-point ranges) to the JSON line and a "page" to each entity.
std::string format_document(OutputFormat format, const std::string& name, std::string_view text,
                            const TaggedDocument& tagged, const std::vector<PageRange>& pages = {});

}  // namespace ner
