#include "tests/test_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <gtest/gtest.h>

#include <memory>

namespace ner::testing {

void write_test_pdf(const std::filesystem::path& file,
                    const std::vector<std::vector<PdfLine>>& pages) {
  constexpr double kLetterWidth = 612;
  constexpr double kLetterHeight = 792;
  std::filesystem::create_directories(file.parent_path());
  const std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_pdf_surface_create(file.c_str(), kLetterWidth, kLetterHeight), cairo_surface_destroy);
  const std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cairo(cairo_create(surface.get()),
                                                                 cairo_destroy);
  cairo_select_font_face(cairo.get(), "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cairo.get(), 10);
  for (const std::vector<PdfLine>& page : pages) {
    for (const PdfLine& line : page) {
      cairo_move_to(cairo.get(), line.x, line.y);
      cairo_show_text(cairo.get(), line.text.c_str());
    }
    cairo_show_page(cairo.get());
  }
  cairo_surface_finish(surface.get());
  ASSERT_EQ(cairo_surface_status(surface.get()), CAIRO_STATUS_SUCCESS)
      << file << ": " << cairo_status_to_string(cairo_surface_status(surface.get()));
}

std::vector<PdfLine> column_lines(double x, double y, const std::vector<std::string>& column) {
  std::vector<PdfLine> lines;
  for (const std::string& text : column) {
    lines.push_back({x, y, text});
    y += 12;
  }
  return lines;
}

}  // namespace ner::testing
