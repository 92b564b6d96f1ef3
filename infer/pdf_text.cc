#include "infer/pdf_text.h"

#include <fmt/format.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <unordered_map>
#ifdef NER_WITH_PDF
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>
#endif

#include "base/error.h"

namespace ner {
namespace {

constexpr std::string_view kSoftHyphen = "\xC2\xAD";
// A line whose top lies more than this many of its heights below the end of
// the line above starts a new block (paragraph spacing, a heading).
constexpr double kBlockGapInLineHeights = 0.7;

bool is_word_byte(unsigned char c) {
  return std::isalnum(c) != 0 || c >= 0x80 || c == '-' || c == '\'';
}

bool is_ascii_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string lower_ascii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string_view trim_word(std::string_view word) {
  while (!word.empty() && (word.front() == '-' || word.front() == '\''))
    word.remove_prefix(1);
  while (!word.empty() && (word.back() == '-' || word.back() == '\''))
    word.remove_suffix(1);
  return word;
}

// How often each word form (lower case) occurs in the document.
using WordCounts = std::unordered_map<std::string, std::size_t>;

WordCounts count_words(const std::vector<std::string>& pages) {
  WordCounts counts;
  for (const std::string& page : pages) {
    std::size_t i = 0;
    while (i < page.size()) {
      if (!is_word_byte(static_cast<unsigned char>(page[i]))) {
        ++i;
        continue;
      }
      const std::size_t begin = i;
      while (i < page.size() && is_word_byte(static_cast<unsigned char>(page[i])))
        ++i;
      const std::string_view word = trim_word(std::string_view(page).substr(begin, i - begin));
      if (!word.empty()) ++counts[lower_ascii(word)];
    }
  }
  return counts;
}

std::size_t count_of(const WordCounts& counts, const std::string& word) {
  const auto found = counts.find(lower_ascii(word));
  return found == counts.end() ? 0 : found->second;
}

// GPT-3, NeuraScale-9, BERT-Large, LLaMA-2, 8-bit.
bool looks_like_name_or_number(std::string_view before, std::string_view after) {
  if (!after.empty() && (is_ascii_digit(after.front()) || is_ascii_upper(after.front())))
    return true;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (is_ascii_digit(before[i]) || (i > 0 && is_ascii_upper(before[i]))) return true;
  }
  return false;
}

bool keeps_hyphen(std::string_view before, std::string_view after, const WordCounts& counts) {
  const std::size_t joined = count_of(counts, std::string(before) + std::string(after));
  const std::size_t hyphenated = count_of(counts, std::string(before) + "-" + std::string(after));
  if (joined > 0 || hyphenated > 0) return hyphenated > joined;
  if (looks_like_name_or_number(before, after)) return true;
  // The halves of this break count once each already.
  return before.size() >= 2 && after.size() >= 2 && count_of(counts, std::string(before)) > 1 &&
         count_of(counts, std::string(after)) > 1;
}

std::string resolve_page(const std::string& page, const WordCounts& counts) {
  std::string out;
  out.reserve(page.size());
  std::size_t i = 0;
  while (i < page.size()) {
    const bool line_end = page[i] == '\n' && i + 1 < page.size() &&
                          is_word_byte(static_cast<unsigned char>(page[i + 1])) &&
                          page[i + 1] != '-';
    if (line_end && out.size() >= kSoftHyphen.size() + 1 &&
        std::string_view(out).substr(out.size() - kSoftHyphen.size()) == kSoftHyphen) {
      out.resize(out.size() - kSoftHyphen.size());
      ++i;
      continue;
    }
    if (line_end && out.size() >= 2 && out.back() == '-' &&
        is_word_byte(static_cast<unsigned char>(out[out.size() - 2])) &&
        out[out.size() - 2] != '-') {
      std::size_t word_begin = out.size() - 1;
      while (word_begin > 0 && is_word_byte(static_cast<unsigned char>(out[word_begin - 1])))
        --word_begin;
      const std::string_view before =
          trim_word(std::string_view(out).substr(word_begin, out.size() - 1 - word_begin));
      std::size_t after_end = i + 1;
      while (after_end < page.size() && is_word_byte(static_cast<unsigned char>(page[after_end])))
        ++after_end;
      const std::string_view after =
          trim_word(std::string_view(page).substr(i + 1, after_end - i - 1));
      if (!before.empty() && !after.empty()) {
        if (!keeps_hyphen(before, after, counts)) out.pop_back();
        ++i;  // the line break
        continue;
      }
    }
    out += page[i];
    ++i;
  }
  return out;
}

// "ﬁ" -> "fi" and the other Latin ligatures of U+FB00 to U+FB06 (UTF-8
// EF AC 80 to EF AC 86), by their compatibility decomposition.
std::string expand_ligatures(std::string_view text) {
  if (text.find("\xEF\xAC") == std::string_view::npos) return std::string(text);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
    if (U_SUCCESS(status) && i + 2 < text.size() && byte(i) == 0xEF && byte(i + 1) == 0xAC &&
        byte(i + 2) >= 0x80 && byte(i + 2) <= 0x86) {
      const icu::UnicodeString ligature(static_cast<UChar32>(0xFB00 + (byte(i + 2) - 0x80)));
      UErrorCode normalized = U_ZERO_ERROR;
      const icu::UnicodeString letters = nfkc->normalize(ligature, normalized);
      if (U_SUCCESS(normalized)) {
        letters.toUTF8String(out);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace

bool looks_like_pdf(std::string_view bytes) {
  return bytes.substr(0, 5) == "%PDF-";
}

int page_at(const std::vector<PageRange>& pages, std::size_t offset) {
  for (const PageRange& page : pages) {
    if (offset < page.end || (offset == page.end && &page == &pages.back())) return page.number;
  }
  return pages.empty() ? 0 : pages.back().number;
}

std::string page_text_from_words(const std::vector<PdfWord>& words) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const PdfWord& word = words[i];
    text += expand_ligatures(word.text);
    if (i + 1 == words.size()) break;
    const PdfWord& next = words[i + 1];
    const double next_middle = next.y + next.height / 2;
    const bool same_line =
        next_middle >= word.y && next_middle <= word.y + word.height && next.x > word.x;
    if (same_line) {
      if (word.space_after) text += ' ';
    } else if (next.y < word.y ||
               next.y - (word.y + word.height) > kBlockGapInLineHeights * word.height) {
      text += "\n\n";
    } else {
      text += '\n';
    }
  }
  return text;
}

void resolve_line_end_hyphens(std::vector<std::string>& pages) {
  const WordCounts counts = count_words(pages);
  for (std::string& page : pages)
    page = resolve_page(page, counts);
}

#ifdef NER_WITH_PDF
namespace {
// Poppler reports damaged files on stderr itself; ner-tag says what it
// skipped in its own words instead.
void quiet_poppler(const std::string& /*message*/, void* /*closure*/) {}
}  // namespace

ExtractedText extract_pdf_text(std::string_view bytes, const std::string& shown) {
  poppler::set_debug_error_function(quiet_poppler, nullptr);
  poppler::byte_array data(bytes.begin(), bytes.end());
  const std::unique_ptr<poppler::document> document(poppler::document::load_from_data(&data));
  if (!document) throw Error(fmt::format("{}: not a PDF that can be read (damaged?)", shown));
  if (document->is_locked()) throw Error(fmt::format("{}: the PDF is password-protected", shown));
  std::vector<std::string> pages;
  for (int number = 0; number < document->pages(); ++number) {
    const std::unique_ptr<poppler::page> page(document->create_page(number));
    std::vector<PdfWord> words;
    if (page) {
      for (const poppler::text_box& box : page->text_list()) {
        const poppler::byte_array utf8 = box.text().to_utf8();
        const poppler::rectf where = box.bbox();
        words.push_back({std::string(utf8.begin(), utf8.end()), where.x(), where.y(), where.width(),
                         where.height(), box.has_space_after()});
      }
    }
    pages.push_back(page_text_from_words(words));
  }
  resolve_line_end_hyphens(pages);
  ExtractedText extracted;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (i > 0) extracted.text += "\n\n";
    const std::size_t begin = extracted.text.size();
    // A NUL is never text; the engine and the output formats need none.
    pages[i].erase(std::remove(pages[i].begin(), pages[i].end(), '\0'), pages[i].end());
    extracted.text += pages[i];
    extracted.pages.push_back({static_cast<int>(i + 1), begin, extracted.text.size()});
  }
  if (extracted.text.find_first_not_of(" \n") == std::string::npos) {
    throw Error(fmt::format("{}: no text on any of its {} page{} (a scanned paper needs OCR first)",
                            shown, pages.size(), pages.size() == 1 ? "" : "s"));
  }
  return extracted;
}
#else
ExtractedText extract_pdf_text(std::string_view /*bytes*/, const std::string& shown) {
  throw Error(
      fmt::format("{}: a PDF, and this build reads none (configured with NER_WITH_PDF=OFF; install "
                  "libpoppler-cpp-dev and build again)",
                  shown));
}
#endif

}  // namespace ner
