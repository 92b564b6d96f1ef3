#include "base/error.h"

#include <algorithm>
#include <utility>

#include "base/utf8.h"

namespace ner {

std::string format_location(const SourceLocation& where) {
  std::string text = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) {
    text += ':' + std::to_string(where.line);
    if (where.column > 0) text += ':' + std::to_string(where.column);
  }
  return text;
}

SourceLocation locate_byte(std::string_view text, std::size_t offset, std::string file) {
  offset = std::min(offset, text.size());
  const std::size_t line_start =
      offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  const std::size_t column_from = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset; ++i)
    line += text[i] == '\n';
  const std::size_t column = count_code_points(text.substr(column_from, offset - column_from)) + 1;
  return SourceLocation{std::move(file), line, column};
}

Error::Error(const std::string& message) : std::runtime_error(message), message_(message) {}

Error::Error(const std::string& message, SourceLocation where)
    : std::runtime_error(format_location(where) + ": " + message),
      message_(message),
      location_(std::move(where)) {}

}  // namespace ner
