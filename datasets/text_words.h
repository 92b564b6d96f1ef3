// Words of plain text as the distant labeller and the unknown rules see them:
// runs between spaces with surrounding punctuation trimmed off.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ner {

struct Word {
  std::size_t begin = 0;  // bytes; the word without leading or trailing punctuation
  std::size_t end = 0;
  std::size_t run_end = 0;  // end of the untrimmed run (before the next space)
};

// Splits on ASCII and Unicode spaces and trims ( ) [ ] { } , ; : . ! ? " ' *
// and curly quotes from both ends; inner punctuation stays ("GPT-3.5",
// "1,408"), so "GPT-3." gives "GPT-3". Runs of punctuation alone give no word.
std::vector<Word> split_words(std::string_view text);

// A token of column formats (CoNLL), cut from the text alone so that files
// of different taggers line up token for token.
struct TextToken {
  std::size_t begin = 0;  // bytes
  std::size_t end = 0;
  bool starts_sentence = false;
};

// Each space-separated run as its leading marks, its word (as split_words
// trims it) and its trailing marks, one token per mark: "GPT-3." gives
// "GPT-3" ".", "(Falcon-40B)," gives "(" "Falcon-40B" ")" ",". A token starts
// a sentence at the start, after a blank line, and after a line break that
// follows a "." "!" or "?" token; a single line break inside a sentence (PDF
// text wraps lines) does not.
std::vector<TextToken> split_tokens(std::string_view text);

inline std::string_view word_text(std::string_view text, const Word& word) {
  return text.substr(word.begin, word.end - word.begin);
}

bool is_ascii_digit(char c);
bool is_ascii_upper(char c);
bool is_ascii_lower(char c);
bool is_ascii_letter(char c);
// A letter or digit of any script (bytes >= 0x80 count as letters).
bool is_word_character(char c);
// Digits with optional thousands commas and one decimal point: "1,408", "6.7".
bool is_number(std::string_view text);
// `text` with A-Z lowered; other bytes, UTF-8 included, unchanged.
std::string to_lower_ascii(std::string_view text);
// "hours", "days", "weeks", "months" and their singulars.
bool is_time_unit(std::string_view word);
// "one" to "twenty", "thirty", ... "hundred", "thousand", "several".
bool is_number_word(std::string_view text);
// "billion", "million", "trillion", "thousand" and the suffixes B, M, T, K, b, m, bn.
bool is_scale_word(std::string_view text);
// The length of the number in a number with a scale suffix ("7B", "1.5T",
// "340M": 1, 3, 3), or 0 when `word` is not one.
std::size_t scaled_number_digits(std::string_view word);
// Whether a scaled number followed by `next_word` counts something other
// than parameters: "300B tokens", "1e24 FLOPs", "2.8M GPU hours" (LABELS.md).
bool counts_no_parameters(std::string_view next_word);
// A four-digit year from `first` to `last`.
bool is_year_between(std::string_view word, int first, int last);
// Whether sentence punctuation or a blank line separates words[i] and
// words[i + 1] (true after the last word).
bool sentence_break_after(std::string_view text, const std::vector<Word>& words, std::size_t i);
// Whether the year in words[i] dates something LABELS.md leaves out: a
// licence, a data cut-off, a web post ("Posted on: January 7, 2022", "data up
// to July 2023", "added to Hugging Face on"), by a word among the six before
// it in its sentence.
bool dates_no_model(std::string_view text, const std::vector<Word>& words, std::size_t i);

// Whether `word` equals one item of `list`.
template <typename List>
bool is_one_of(std::string_view word, const List& list) {
  for (const auto& item : list) {
    if (word == item) return true;
  }
  return false;
}

}  // namespace ner
