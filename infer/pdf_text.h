// The text of a PDF paper for tagging: Poppler's words in reading order, lines
// and blocks rebuilt, ligatures expanded and line-end hyphens resolved.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ner {

// A page's part of the extracted text: bytes [begin, end), page numbers from 1.
struct PageRange {
  int number = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The text tagged in place of a PDF: pages in order, separated by a blank
// line; every entity offset is an offset into this text.
struct ExtractedText {
  std::string text;
  std::vector<PageRange> pages;
};

// True when the bytes start as a PDF file does ("%PDF-").
bool looks_like_pdf(std::string_view bytes);

// Extracts the text of a PDF held in memory. `shown` names the file in
// errors: not a PDF Poppler can read, password-protected, or no text on any
// page (a scanned paper needs OCR first).
ExtractedText extract_pdf_text(std::string_view bytes, const std::string& shown);

// The page holding byte `offset` of the text (the last page at its end).
int page_at(const std::vector<PageRange>& pages, std::size_t offset);

// A word as Poppler places it: its box (points, y down) and whether a space
// follows it on its line.
struct PdfWord {
  std::string text;
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  bool space_after = false;
};

// One page's text from its words in reading order: words of a line joined
// by their spaces, a line break where the next word starts a new line, a
// blank line where it starts a new block (a wider gap, or back up the page
// into the next column). Ligature characters (U+FB00 to U+FB06) are spelt
// out, so that "ﬁne" is "fine".
std::string page_text_from_words(const std::vector<PdfWord>& words);

// Resolves each hyphen at a line end ("NeuraScale-\n9", "trans-\nformer")
// across all pages of a document. The hyphen and the line break go where
// the joined word is more common in the document than the hyphenated one,
// or where neither is attested and the hyphen is not a known kind: a name
// or number (a digit on either side, a capital after the break or inside the
// first part) or two words each attested on their own ("Transformer-based").
// Otherwise only the line break goes. A soft hyphen at a line end always goes.
void resolve_line_end_hyphens(std::vector<std::string>& pages);

}  // namespace ner
