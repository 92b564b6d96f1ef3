#include "datasets/knowledge_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"
#include "base/utf8.h"
#include "datasets/text_words.h"

namespace ner {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Trims ASCII and Unicode spaces: a header typed in a spreadsheet often
// carries a no-break space nobody can see.
std::string_view trim(std::string_view text) {
  while (std::size_t length = space_length_at(text, 0))
    text.remove_prefix(length);
  while (std::size_t length = space_length_before(text, text.size()))
    text.remove_suffix(length);
  return text;
}

// Invalid bytes and NULs are refused before parsing, so the parser and every
// later error may count code points.
void check_encoding(std::string_view text, const std::string& source) {
  if (const std::optional<std::size_t> bad = find_invalid_utf8(text)) {
    const std::size_t newline = *bad == 0 ? std::string_view::npos : text.rfind('\n', *bad - 1);
    const std::size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
    const std::size_t line =
        1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + *bad, '\n'));
    throw Error("invalid UTF-8", SourceLocation{source, line, *bad - line_start + 1});
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    throw Error("a NUL byte: this is not a text file (UTF-16?)", locate_byte(text, nul, source));
  }
}

struct Record {
  std::vector<std::string> fields;
  std::size_t line = 0;
};

class RecordReader {
 public:
  RecordReader(std::string_view text, const std::string& source, char delimiter)
      : text_(text), source_(source), delimiter_(delimiter) {}

  // The next record, skipping blank lines; nullopt at the end of the text.
  std::optional<Record> next() {
    skip_blank_lines();
    if (at_end()) return std::nullopt;
    Record record;
    record.line = line_;
    for (;;) {
      record.fields.push_back(!at_end() && peek() == '"' ? quoted_field() : plain_field());
      if (at_end()) return record;
      if (peek() == delimiter_) {
        ++pos_;
        continue;
      }
      end_line();
      return record;
    }
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  // A line end is LF or CRLF; a lone CR is data.
  bool at_line_end() const {
    return peek() == '\n' || (peek() == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n');
  }

  void end_line() {
    if (peek() == '\r') ++pos_;
    ++pos_;
    ++line_;
  }

  // Only spaces and tabs: nothing a row could mean.
  void skip_blank_lines() {
    while (!at_end()) {
      std::size_t end = pos_;
      while (end < text_.size() && (text_[end] == ' ' || text_[end] == '\t' || text_[end] == '\r'))
        ++end;
      if (end < text_.size() && text_[end] != '\n') return;
      pos_ = std::min(end + 1, text_.size());
      if (end < text_.size()) ++line_;
    }
  }

  std::string plain_field() {
    const std::size_t begin = pos_;
    while (!at_end() && peek() != delimiter_ && !at_line_end())
      ++pos_;
    return std::string(text_.substr(begin, pos_ - begin));
  }

  std::string quoted_field() {
    const std::size_t opened_on = line_;
    ++pos_;
    std::string field;
    for (;;) {
      if (at_end()) throw Error("quoted field never closed", SourceLocation{source_, opened_on, 0});
      const char c = text_[pos_++];
      if (c == '"') {
        if (at_end() || peek() != '"') break;
        ++pos_;
      } else if (c == '\n') {
        ++line_;
      }
      field += c;
    }
    if (!at_end() && peek() != delimiter_ && !at_line_end()) {
      throw Error("text after a closing quote (a quote inside a quoted field is written twice)",
                  locate_byte(text_, pos_, source_));
    }
    return field;
  }

  std::string_view text_;
  const std::string& source_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

std::vector<std::string> column_names(Record header, const std::string& source) {
  std::vector<std::string> names;
  names.reserve(header.fields.size());
  for (std::string& field : header.fields) {
    std::string name(trim(field));
    const std::size_t number = names.size() + 1;
    if (name.empty()) {
      throw Error(fmt::format("column {} has no name", number),
                  SourceLocation{source, header.line, 0});
    }
    const auto earlier = std::find(names.begin(), names.end(), name);
    if (earlier != names.end()) {
      throw Error(fmt::format("column '{}' appears twice (columns {} and {})", name,
                              earlier - names.begin() + 1, number),
                  SourceLocation{source, header.line, 0});
    }
    names.push_back(std::move(name));
  }
  return names;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) {
    if (!text.empty()) text += ", ";
    text += item;
  }
  return text;
}

}  // namespace

std::size_t KnowledgeTable::column(std::string_view name) const {
  const auto found = std::find(header.begin(), header.end(), name);
  if (found == header.end()) {
    throw Error(fmt::format("{}: no column '{}'; its columns are: {}", source, name, join(header)));
  }
  return static_cast<std::size_t>(found - header.begin());
}

KnowledgeTable parse_knowledge_table(std::string_view content, std::string_view source,
                                     char delimiter) {
  KnowledgeTable table;
  table.source = std::string(source);
  if (content.substr(0, kByteOrderMark.size()) == kByteOrderMark)
    content.remove_prefix(kByteOrderMark.size());
  check_encoding(content, table.source);

  RecordReader reader(content, table.source, delimiter);
  std::optional<Record> header = reader.next();
  if (!header) throw Error("empty: expected a header row", SourceLocation{table.source, 0, 0});
  table.header = column_names(std::move(*header), table.source);

  while (std::optional<Record> record = reader.next()) {
    if (record->fields.size() != table.header.size()) {
      const std::size_t count = record->fields.size();
      throw Error(fmt::format("{} {}, but the header has {}", count,
                              count == 1 ? "field" : "fields", table.header.size()),
                  SourceLocation{table.source, record->line, 0});
    }
    table.rows.push_back(std::move(record->fields));
    table.row_lines.push_back(record->line);
  }
  return table;
}

char knowledge_table_delimiter(const std::filesystem::path& path) {
  const std::string extension = to_lower_ascii(path.extension().string());
  return extension == ".tsv" || extension == ".tab" ? '\t' : ',';
}

KnowledgeTable read_knowledge_table(const std::filesystem::path& path) {
  return parse_knowledge_table(read_file(path), path.string(), knowledge_table_delimiter(path));
}

TableColumn parse_table_column(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    throw Error(fmt::format("'{}': expected FILE:COLUMN, e.g. models.csv:Model", text));
  return {text.substr(0, colon), text.substr(colon + 1)};
}

std::vector<std::string> split_knowledge_list(std::string_view field) {
  std::vector<std::string> items;
  while (true) {
    const std::size_t separator = field.find(kKnowledgeListSeparator);
    const std::string_view item = trim(field.substr(0, separator));
    if (!item.empty()) items.emplace_back(item);
    if (separator == std::string_view::npos) return items;
    field.remove_prefix(separator + 1);
  }
}

}  // namespace ner
