#include "datasets/error.h"

#include <utility>

namespace ner {

std::string format_location(const SourceLocation& where) {
  std::string text = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) {
    text += ':' + std::to_string(where.line);
    if (where.column > 0) text += ':' + std::to_string(where.column);
  }
  return text;
}

Error::Error(const std::string& message) : std::runtime_error(message), message_(message) {}

Error::Error(const std::string& message, SourceLocation where)
    : std::runtime_error(format_location(where) + ": " + message),
      message_(message),
      location_(std::move(where)) {}

}  // namespace ner
