// Inline-tagged text (`<model>GPT-3</model>`) <-> plain text plus entity spans.
// The entry point of every corpus; the writers of the tagger render spans back with it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/entity_type.h"

namespace ner {

// An entity in the plain text: [begin, end) in bytes and [char_begin, char_end)
// in Unicode code points. Both are kept because SentencePiece speaks bytes and
// users (JSONL, Python) speak code points.
struct Span {
  EntityType type = EntityType::kModel;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t char_begin = 0;
  std::size_t char_end = 0;

  bool operator==(const Span& other) const {
    return type == other.type && begin == other.begin && end == other.end &&
           char_begin == other.char_begin && char_end == other.char_end;
  }
  bool operator!=(const Span& other) const { return !(*this == other); }
};

// A document: its name (the corpus-relative path), plain text and spans
// sorted by position, never overlapping.
struct Document {
  std::string name;
  std::string text;
  std::vector<Span> spans;
};

inline std::string_view span_text(const Document& doc, const Span& span) {
  return std::string_view(doc.text).substr(span.begin, span.end - span.begin);
}

// A well-formed entity tag found at some position of a text.
struct TagMatch {
  EntityType type = EntityType::kModel;
  bool closing = false;
  bool exact_case = true;  // false: `<Model>`, a tag name in the wrong case
  std::size_t length = 0;  // bytes, from '<' to '>' inclusive
};

// Recognises `<name>` or `</name>` at `pos` for the six tag names, in any case.
// Anything else (`<p>`, `<model x>`, a lone '<') is plain text.
std::optional<TagMatch> match_entity_tag(std::string_view text, std::size_t pos);

// Parses a document. Throws ner::Error at `source_name:line:column` for an
// unclosed tag, a stray or mismatched closing tag, nested entity tags, an
// empty (or whitespace-only) entity, a tag name in the wrong case, invalid
// UTF-8 or a NUL byte.
Document parse_tagged_text(std::string_view input, std::string_view source_name);

// Inserts tags for `spans` (byte offsets; sorted, non-overlapping, non-empty,
// on code-point boundaries) into `text`. parse_tagged_text of the result gives
// back `text` and `spans`. Throws ner::Error when that cannot hold: bad spans,
// or plain text that itself reads as an entity tag.
std::string render_tagged_text(std::string_view text, const std::vector<Span>& spans);

// Twins (gold and weak versions, gold and predictions) must share their plain
// text. Throws ner::Error naming `other_name` and `reference_name` and the
// first differing line, column (code points) and byte of the plain text.
void require_same_plain_text(const Document& reference, const Document& other,
                             std::string_view reference_name, std::string_view other_name);

// `text` with line breaks and tabs written as \n, \r, \t, \f and \v, for reports
// that show one entity per line: an entity may go on across a line break
// where text extraction wrapped a name ("NVIDIA A100\nGPUs").
std::string escape_line_breaks(std::string_view text);

// Fills char_begin/char_end from begin/end for spans sorted by begin.
void assign_code_point_offsets(std::string_view text, std::vector<Span>& spans);

}  // namespace ner
