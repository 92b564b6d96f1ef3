#include "datasets/tagged_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "base/error.h"
#include "base/utf8.h"

namespace ner {
namespace {

// The longest tag name ("hardware", "training") has 8 letters.
constexpr std::size_t kMaxTagNameLength = 8;

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string tag_text(EntityType type, bool closing) {
  return fmt::format("<{}{}>", closing ? "/" : "", tag_name(type));
}

class TaggedTextParser {
 public:
  TaggedTextParser(std::string_view input, std::string_view source_name)
      : input_(input), source_name_(source_name) {
    document_.name = std::string(source_name);
    document_.text.reserve(input.size());
  }

  Document parse() && {
    std::size_t run_start = 0;
    while (pos_ < input_.size()) {
      const unsigned char byte = static_cast<unsigned char>(input_[pos_]);
      if (byte == '<') {
        if (const auto tag = match_entity_tag(input_, pos_)) {
          append_plain(run_start, pos_);
          handle_tag(*tag);
          pos_ += tag->length;
          column_ += tag->length;  // tags are ASCII: one column per byte
          run_start = pos_;
          continue;
        }
      }
      if (byte == 0) fail("NUL byte in text");
      if (byte == '\n') {
        ++line_;
        column_ = 1;
        ++pos_;
        continue;
      }
      const std::size_t length = utf8_sequence_length(input_, pos_);
      if (length == 0) fail(fmt::format("invalid UTF-8 (byte 0x{:02X})", byte));
      pos_ += length;
      ++column_;
    }
    append_plain(run_start, pos_);
    if (open_) {
      throw Error(fmt::format("unclosed tag {}: no {} before the end of the document",
                              tag_text(open_->type, false), tag_text(open_->type, true)),
                  open_->where);
    }
    return std::move(document_);
  }

 private:
  struct OpenTag {
    EntityType type;
    std::size_t begin;
    std::size_t char_begin;
    SourceLocation where;
  };

  SourceLocation here() const { return SourceLocation{std::string(source_name_), line_, column_}; }

  [[noreturn]] void fail(const std::string& message) const { throw Error(message, here()); }

  void append_plain(std::size_t from, std::size_t to) {
    const std::string_view run = input_.substr(from, to - from);
    document_.text.append(run);
    plain_code_points_ += count_code_points(run);
  }

  void handle_tag(const TagMatch& tag) {
    if (!tag.exact_case) {
      fail(fmt::format("entity tag '{}' must be written in lower case: {}",
                       input_.substr(pos_, tag.length), tag_text(tag.type, tag.closing)));
    }
    if (!tag.closing) {
      if (open_) {
        fail(
            fmt::format("nested entity tag {} inside {} opened at line {}, column {}; entities "
                        "cannot nest",
                        tag_text(tag.type, false), tag_text(open_->type, false), open_->where.line,
                        open_->where.column));
      }
      open_ = OpenTag{tag.type, document_.text.size(), plain_code_points_, here()};
      return;
    }
    if (!open_) {
      fail(fmt::format("stray closing tag {}: no {} is open", tag_text(tag.type, true),
                       tag_text(tag.type, false)));
    }
    if (open_->type != tag.type) {
      fail(fmt::format("closing tag {} does not match {} opened at line {}, column {}",
                       tag_text(tag.type, true), tag_text(open_->type, false), open_->where.line,
                       open_->where.column));
    }
    const std::string_view content =
        std::string_view(document_.text).substr(open_->begin, document_.text.size() - open_->begin);
    if (content.empty()) {
      throw Error(fmt::format("empty {} entity", tag_text(tag.type, false)), open_->where);
    }
    bool blank = true;
    for (const char c : content)
      blank = blank && is_blank(c);
    if (blank) {
      throw Error(fmt::format("{} entity contains only whitespace", tag_text(tag.type, false)),
                  open_->where);
    }
    document_.spans.push_back(
        Span{tag.type, open_->begin, document_.text.size(), open_->char_begin, plain_code_points_});
    open_.reset();
  }

  std::string_view input_;
  std::string_view source_name_;
  Document document_;
  std::optional<OpenTag> open_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t column_ = 1;
  std::size_t plain_code_points_ = 0;
};

// Plain text between inserted tags must not read as a tag itself, or the
// rendered document would parse differently. A tag cannot straddle an
// inserted tag (tags contain no '<' after the first byte), so checking each
// segment on its own is enough.
void check_plain_segment(std::string_view text, std::size_t from, std::size_t to) {
  for (std::size_t pos = from; pos < to; ++pos) {
    if (text[pos] != '<') continue;
    const std::string_view segment = text.substr(0, to);
    if (const auto tag = match_entity_tag(segment, pos)) {
      throw Error(fmt::format(
          "plain text at byte {} reads as an entity tag '{}'; it cannot be written unambiguously",
          pos, segment.substr(pos, tag->length)));
    }
  }
}

}  // namespace

std::optional<TagMatch> match_entity_tag(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || text[pos] != '<') return std::nullopt;
  std::size_t i = pos + 1;
  const bool closing = i < text.size() && text[i] == '/';
  if (closing) ++i;
  const std::size_t name_begin = i;
  while (i < text.size() && i - name_begin <= kMaxTagNameLength && is_ascii_letter(text[i]))
    ++i;
  if (i >= text.size() || text[i] != '>' || i == name_begin) return std::nullopt;
  const std::string_view name = text.substr(name_begin, i - name_begin);
  const auto type = entity_type_from_tag_ignoring_case(name);
  if (!type) return std::nullopt;
  TagMatch match;
  match.type = *type;
  match.closing = closing;
  match.exact_case = name == tag_name(*type);
  match.length = i + 1 - pos;
  return match;
}

Document parse_tagged_text(std::string_view input, std::string_view source_name) {
  return TaggedTextParser(input, source_name).parse();
}

std::string render_tagged_text(std::string_view text, const std::vector<Span>& spans) {
  if (const auto bad = find_invalid_utf8(text)) {
    throw Error(fmt::format("text is not valid UTF-8 at byte {}", *bad));
  }
  if (text.find('\0') != std::string_view::npos) {
    throw Error(fmt::format("text contains a NUL byte at byte {}", text.find('\0')));
  }
  std::size_t previous_end = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Span& span = spans[i];
    if (span.begin >= span.end || span.end > text.size()) {
      throw Error(fmt::format("span {} [{}, {}) is empty or outside the text of {} bytes", i,
                              span.begin, span.end, text.size()));
    }
    if (span.begin < previous_end) {
      throw Error(fmt::format("span {} [{}, {}) overlaps or precedes the span before it", i,
                              span.begin, span.end));
    }
    if (!is_code_point_boundary(text, span.begin) || !is_code_point_boundary(text, span.end)) {
      throw Error(fmt::format("span {} [{}, {}) cuts a UTF-8 character", i, span.begin, span.end));
    }
    previous_end = span.end;
  }

  std::string out;
  out.reserve(text.size() + spans.size() * 24);
  std::size_t cursor = 0;
  for (const Span& span : spans) {
    check_plain_segment(text, cursor, span.begin);
    check_plain_segment(text, span.begin, span.end);
    out.append(text.substr(cursor, span.begin - cursor));
    out += tag_text(span.type, false);
    out.append(text.substr(span.begin, span.end - span.begin));
    out += tag_text(span.type, true);
    cursor = span.end;
  }
  check_plain_segment(text, cursor, text.size());
  out.append(text.substr(cursor));
  return out;
}

void require_same_plain_text(const Document& reference, const Document& other,
                             std::string_view reference_name, std::string_view other_name) {
  const std::string& a = reference.text;
  const std::string& b = other.text;
  if (a == b) return;
  std::size_t offset = 0;
  while (offset < a.size() && offset < b.size() && a[offset] == b[offset])
    ++offset;
  while (offset > 0 && !is_code_point_boundary(a, offset))
    --offset;
  const SourceLocation where = locate_byte(a, offset, "");
  throw Error(fmt::format(
      "{}: plain text differs from {} at line {}, column {} of the plain text (byte {})",
      other_name, reference_name, where.line, where.column, offset));
}

std::string escape_line_breaks(std::string_view text) {
  static constexpr std::array<std::pair<char, std::string_view>, 5> kEscapes = {
      {{'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}, {'\f', "\\f"}, {'\v', "\\v"}}};
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto escape = std::find_if(kEscapes.begin(), kEscapes.end(),
                                     [c](const auto& entry) { return entry.first == c; });
    if (escape == kEscapes.end()) {
      out += c;
    } else {
      out += escape->second;
    }
  }
  return out;
}

void assign_code_point_offsets(std::string_view text, std::vector<Span>& spans) {
  std::size_t byte = 0;
  std::size_t code_points = 0;
  const auto code_points_at = [&](std::size_t target) {
    if (target < byte) {
      byte = 0;
      code_points = 0;
    }
    code_points += count_code_points(text.substr(byte, target - byte));
    byte = target;
    return code_points;
  };
  for (Span& span : spans) {
    span.char_begin = code_points_at(span.begin);
    span.char_end = code_points_at(span.end);
  }
}

}  // namespace ner
