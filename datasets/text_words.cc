#include "datasets/text_words.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "base/utf8.h"

namespace ner {
namespace {

bool is_trimmed_ascii(char c) {
  return std::string_view("()[]{},;:.!?\"'*~<>").find(c) != std::string_view::npos;
}

// Curly quotes and similar marks that PDF text puts around words.
std::size_t trimmed_mark_at(std::string_view text, std::size_t pos) {
  static constexpr std::array<std::string_view, 6> kMarks = {"\u201c", "\u201d", "\u2018",
                                                             "\u2019", "\u00ab", "\u00bb"};
  for (const std::string_view mark : kMarks) {
    if (text.substr(pos, mark.size()) == mark) return mark.size();
  }
  return 0;
}

std::size_t trimmed_mark_before(std::string_view text, std::size_t end) {
  for (std::size_t length = 2; length <= 3 && length <= end; ++length) {
    if (trimmed_mark_at(text, end - length) == length) return length;
  }
  return 0;
}

}  // namespace

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ascii_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_ascii_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_ascii_letter(char c) {
  return is_ascii_upper(c) || is_ascii_lower(c);
}
bool is_word_character(char c) {
  return is_ascii_letter(c) || is_ascii_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}

bool is_number(std::string_view text) {
  if (text.empty() || !is_ascii_digit(text.front()) || !is_ascii_digit(text.back())) return false;
  bool point = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_ascii_digit(c)) continue;
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    // A thousands comma is followed by exactly three digits.
    if (c == ',' && !point && i + 3 < text.size() && is_ascii_digit(text[i + 1]) &&
        is_ascii_digit(text[i + 2]) && is_ascii_digit(text[i + 3]) &&
        (i + 4 == text.size() || !is_ascii_digit(text[i + 4])))
      continue;
    return false;
  }
  return true;
}

std::string to_lower_ascii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (is_ascii_upper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

bool is_time_unit(std::string_view word) {
  static constexpr std::array<std::string_view, 8> kUnits = {"hours", "days", "weeks", "months",
                                                             "hour",  "day",  "week",  "month"};
  return is_one_of(word, kUnits);
}

bool is_number_word(std::string_view text) {
  static constexpr std::array<std::string_view, 30> kWords = {
      "one",       "two",      "three",    "four",    "five",     "six",      "seven",   "eight",
      "nine",      "ten",      "eleven",   "twelve",  "thirteen", "fourteen", "fifteen", "sixteen",
      "seventeen", "eighteen", "nineteen", "twenty",  "thirty",   "forty",    "fifty",   "sixty",
      "seventy",   "eighty",   "ninety",   "hundred", "thousand", "several"};
  return is_one_of(to_lower_ascii(text), kWords);
}

bool is_scale_word(std::string_view text) {
  static constexpr std::array<std::string_view, 13> kScales = {
      "billion", "million", "trillion", "thousand", "B",  "M",  "T",
      "K",       "b",       "m",        "bn",       "Bn", "mln"};
  return is_one_of(text, kScales);
}

std::size_t scaled_number_digits(std::string_view word) {
  std::size_t digits = 0;
  while (digits < word.size() &&
         (is_ascii_digit(word[digits]) || word[digits] == '.' || word[digits] == ','))
    ++digits;
  if (digits == 0 || digits == word.size() || !is_number(word.substr(0, digits))) return 0;
  return is_scale_word(word.substr(digits)) ? digits : 0;
}

bool counts_no_parameters(std::string_view next_word) {
  static constexpr std::array<std::string_view, 30> kQuantities = {
      "tokens",    "token",   "FLOPs",   "FLOP",      "flops",        "bytes",
      "words",     "images",  "samples", "examples",  "steps",        "GB",
      "TB",        "dollars", "USD",     "documents", "GPU",          "GPUs",
      "GPU-hours", "hours",   "pairs",   "sentences", "instructions", "lines",
      "rows",      "files",   "users",   "queries",   "pages",        "characters"};
  return is_one_of(next_word, kQuantities);
}

bool is_year_between(std::string_view word, int first, int last) {
  if (word.size() != 4 || !std::all_of(word.begin(), word.end(), is_ascii_digit)) return false;
  const int year = std::stoi(std::string(word));
  return year >= first && year <= last;
}

bool sentence_break_after(std::string_view text, const std::vector<Word>& words, std::size_t i) {
  if (i + 1 >= words.size()) return true;
  const std::string_view gap = text.substr(words[i].end, words[i + 1].begin - words[i].end);
  return gap.find_first_of(".;!?") != std::string_view::npos ||
         gap.find("\n\n") != std::string_view::npos;
}

bool dates_no_model(std::string_view text, const std::vector<Word>& words, std::size_t i) {
  static constexpr std::array<std::string_view, 12> kNegatives = {
      "cutoff", "cut-off", "cuts",    "license", "licence", "copyright",
      "©",      "until",   "through", "added",   "posted",  "updated"};
  for (std::size_t back = 1; back <= 6 && back <= i; ++back) {
    if (sentence_break_after(text, words, i - back)) return false;
    const std::string word = to_lower_ascii(word_text(text, words[i - back]));
    if (is_one_of(word, kNegatives)) return true;
    if (word == "to" && back < i && to_lower_ascii(word_text(text, words[i - back - 1])) == "up")
      return true;
  }
  return false;
}

namespace {

// The space-separated runs of `text`, each with its word: the run without
// the leading and trailing marks split_words trims (begin == end when the
// run is marks alone).
template <typename Visit>
void for_each_run(std::string_view text, Visit visit) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (const std::size_t space = space_length_at(text, pos)) {
      pos += space;
      continue;
    }
    std::size_t run_end = pos;
    while (run_end < text.size() && space_length_at(text, run_end) == 0)
      run_end += std::max<std::size_t>(1, utf8_sequence_length(text, run_end));
    run_end = std::min(run_end, text.size());
    std::size_t begin = pos, end = run_end;
    for (;;) {
      if (begin < end && is_trimmed_ascii(text[begin])) {
        ++begin;
      } else if (const std::size_t mark = begin < end ? trimmed_mark_at(text, begin) : 0) {
        begin += mark;
      } else {
        break;
      }
    }
    for (;;) {
      if (end > begin && is_trimmed_ascii(text[end - 1])) {
        --end;
      } else if (const std::size_t mark = end > begin ? trimmed_mark_before(text, end) : 0) {
        end -= mark;
      } else {
        break;
      }
    }
    visit(pos, begin, end, run_end);
    pos = run_end;
  }
}

// Adds one token per mark of [begin, end): an ASCII mark or a curly quote.
void add_mark_tokens(std::string_view text, std::size_t begin, std::size_t end,
                     std::vector<TextToken>& tokens) {
  while (begin < end) {
    const std::size_t mark = trimmed_mark_at(text, begin);
    const std::size_t length =
        mark > 0 ? mark : std::max<std::size_t>(1, utf8_sequence_length(text, begin));
    tokens.push_back({begin, std::min(begin + length, end), false});
    begin += length;
  }
}

}  // namespace

std::vector<Word> split_words(std::string_view text) {
  std::vector<Word> words;
  for_each_run(text, [&](std::size_t, std::size_t begin, std::size_t end, std::size_t run_end) {
    if (begin < end) words.push_back({begin, end, run_end});
  });
  return words;
}

std::vector<TextToken> split_tokens(std::string_view text) {
  std::vector<TextToken> tokens;
  for_each_run(text, [&](std::size_t run_begin, std::size_t begin, std::size_t end,
                         std::size_t run_end) {
    const std::size_t first = tokens.size();
    if (begin < end) {
      add_mark_tokens(text, run_begin, begin, tokens);
      tokens.push_back({begin, end, false});
      add_mark_tokens(text, end, run_end, tokens);
    } else {
      add_mark_tokens(text, run_begin, run_end, tokens);
    }
    if (first == 0) {
      tokens.front().starts_sentence = true;
      return;
    }
    const TextToken& previous = tokens[first - 1];
    const std::string_view gap = text.substr(previous.end, run_begin - previous.end);
    const std::string_view before = text.substr(previous.begin, previous.end - previous.begin);
    const auto line_breaks = std::count(gap.begin(), gap.end(), '\n');
    tokens[first].starts_sentence =
        line_breaks >= 2 || (line_breaks == 1 && (before == "." || before == "!" || before == "?"));
  });
  return tokens;
}

}  // namespace ner
