// The one error type the project throws, carrying file:line:column where known.
// Every library throws it; every main catches it, prints one line and exits 2.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ner {

// Line and column are 1-based; the column counts Unicode code points, the way
// editors show it. A line of 0 means only the file is known.
struct SourceLocation {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
};

std::string format_location(const SourceLocation& where);

// Where byte `offset` of `text` is, as line and column (code points); the
// bytes before it must be valid UTF-8.
SourceLocation locate_byte(std::string_view text, std::size_t offset, std::string file);

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
  Error(const std::string& message, SourceLocation where);

  // The message without the location prefix.
  const std::string& message() const { return message_; }
  const std::optional<SourceLocation>& location() const { return location_; }

 private:
  std::string message_;
  std::optional<SourceLocation> location_;
};

}  // namespace ner
