// Strict UTF-8 decoding helpers: validation, code-point counting and boundaries.
// Used by the tagged-text reader and everything that reports code-point offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ner {

// Length in bytes of the well-formed UTF-8 sequence starting at `pos`, or 0 if
// the bytes there are not one (truncated, overlong, surrogate, above U+10FFFF,
// or a stray continuation byte). `pos` must be < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos);

// Offset of the first byte that breaks UTF-8 well-formedness, if any.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// Number of code points in valid UTF-8 (continuation bytes are not counted).
std::size_t count_code_points(std::string_view valid_utf8);

// True at 0, at text.size() and before any byte that is not a continuation byte.
bool is_code_point_boundary(std::string_view text, std::size_t pos);

// Bytes of the whitespace character at `pos` (0: none, or pos at the end):
// ASCII whitespace and the Unicode spaces PDF extraction leaves (no-break,
// en to hair, narrow no-break, medium mathematical, ideographic).
std::size_t space_length_at(std::string_view text, std::size_t pos);

// The same for the character that ends just before `pos` (0: none).
std::size_t space_length_before(std::string_view text, std::size_t pos);

// Appends the UTF-8 encoding of a code point (must be a valid scalar value).
void append_utf8(std::uint32_t code_point, std::string& out);

}  // namespace ner
