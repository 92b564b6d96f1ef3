#include "base/utf8.h"

#include <string>

namespace ner {
namespace {

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0u) == 0x80u;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte_at(pos);
  if (lead < 0x80u) return 1;
  const std::size_t left = text.size() - pos;
  // Ranges of the second byte follow the Unicode standard's table of
  // well-formed sequences, which rules out overlongs and surrogates.
  unsigned char second_min = 0x80u;
  unsigned char second_max = 0xBFu;
  std::size_t length = 0;
  if (lead >= 0xC2u && lead <= 0xDFu) {
    length = 2;
  } else if (lead >= 0xE0u && lead <= 0xEFu) {
    length = 3;
    if (lead == 0xE0u) second_min = 0xA0u;
    if (lead == 0xEDu) second_max = 0x9Fu;
  } else if (lead >= 0xF0u && lead <= 0xF4u) {
    length = 4;
    if (lead == 0xF0u) second_min = 0x90u;
    if (lead == 0xF4u) second_max = 0x8Fu;
  } else {
    return 0;
  }
  if (left < length) return 0;
  const unsigned char second = byte_at(pos + 1);
  if (second < second_min || second > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!is_continuation(byte_at(pos + i))) return 0;
  }
  return length;
}

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return pos;
    pos += length;
  }
  return std::nullopt;
}

std::size_t count_code_points(std::string_view valid_utf8) {
  std::size_t count = 0;
  for (const char c : valid_utf8) {
    if (!is_continuation(static_cast<unsigned char>(c))) ++count;
  }
  return count;
}

bool is_code_point_boundary(std::string_view text, std::size_t pos) {
  if (pos == 0 || pos == text.size()) return true;
  if (pos > text.size()) return false;
  return !is_continuation(static_cast<unsigned char>(text[pos]));
}

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80u) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800u) {
    out += static_cast<char>(0xC0u | (code_point >> 6));
    out += static_cast<char>(0x80u | (code_point & 0x3Fu));
  } else if (code_point < 0x10000u) {
    out += static_cast<char>(0xE0u | (code_point >> 12));
    out += static_cast<char>(0x80u | ((code_point >> 6) & 0x3Fu));
    out += static_cast<char>(0x80u | (code_point & 0x3Fu));
  } else {
    out += static_cast<char>(0xF0u | (code_point >> 18));
    out += static_cast<char>(0x80u | ((code_point >> 12) & 0x3Fu));
    out += static_cast<char>(0x80u | ((code_point >> 6) & 0x3Fu));
    out += static_cast<char>(0x80u | (code_point & 0x3Fu));
  }
}

std::size_t space_length_at(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) {
    return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u;
  };
  const unsigned first = byte(pos);
  if (first == ' ' || (first >= '\t' && first <= '\r')) return 1;
  if (first == 0xC2 && byte(pos + 1) == 0xA0) return 2;
  if (first == 0xE2 && byte(pos + 1) == 0x80 && (byte(pos + 2) <= 0x8A || byte(pos + 2) == 0xAF))
    return byte(pos + 2) >= 0x80 ? 3 : 0;
  if (first == 0xE2 && byte(pos + 1) == 0x81 && byte(pos + 2) == 0x9F) return 3;
  if (first == 0xE3 && byte(pos + 1) == 0x80 && byte(pos + 2) == 0x80) return 3;
  return 0;
}

std::size_t space_length_before(std::string_view text, std::size_t pos) {
  // The spaces are at most three bytes long.
  for (std::size_t length = 1; length <= 3 && length <= pos; ++length) {
    if (space_length_at(text, pos - length) == length) return length;
  }
  return 0;
}

}  // namespace ner
