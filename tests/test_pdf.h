// Small PDFs drawn with cairo for the PDF tests: lines of text placed on
// pages, as a paper's columns, hyphenated breaks and ligatures come out.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ner::testing {

// A line of text whose baseline starts at (x, y), in points from the top
// left of a US Letter page, in 10-point DejaVu Sans.
struct PdfLine {
  double x = 0;
  double y = 0;
  std::string text;
};

// Writes a PDF (and its folder) with one page per entry of `pages` (an
// empty entry: a page without text); fails the test when cairo cannot.
void write_test_pdf(const std::filesystem::path& file,
                    const std::vector<std::vector<PdfLine>>& pages);

// Lines of `column` one under the other from (x, y), 12 points apart.
std::vector<PdfLine> column_lines(double x, double y, const std::vector<std::string>& column);

}  // namespace ner::testing
