// PDF text for tagging: lines and blocks from word boxes, line-end hyphens
// resolved by what the document attests, and PDFs drawn with cairo read back
// in reading order with their pages.
#include "infer/pdf_text.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/file_io.h"
#include "tests/test_util.h"
#ifdef NER_TEST_HAS_CAIRO
#include "tests/test_pdf.h"
#endif

namespace ner {
namespace {

std::string resolved(std::vector<std::string> pages) {
  resolve_line_end_hyphens(pages);
  std::string joined;
  for (const std::string& page : pages)
    joined += page + "|";
  return joined;
}

TEST(LineEndHyphens, NamesAndNumbersKeepTheirHyphen) {
  EXPECT_EQ(resolved({"We trained NeuraScale-\n9 on TPUs."}), "We trained NeuraScale-9 on TPUs.|");
  EXPECT_EQ(resolved({"as GPT-\n3 did"}), "as GPT-3 did|");
  EXPECT_EQ(resolved({"the BERT-\nLarge model"}), "the BERT-Large model|");
  EXPECT_EQ(resolved({"an 8-\nbit optimizer"}), "an 8-bit optimizer|");
}

TEST(LineEndHyphens, TheFormTheDocumentUsesWins) {
  // Attested joined (on another page, too): the hyphen was the typesetter's.
  EXPECT_EQ(resolved({"a trans-\nformer", "every transformer"}),
            "a transformer|every transformer|");
  // Attested hyphenated: the hyphen belongs to the word.
  EXPECT_EQ(resolved({"is pre-\ntrained; pre-trained weights"}),
            "is pre-trained; pre-trained weights|");
  // Both attested: the commoner form.
  EXPECT_EQ(resolved({"pre-\ntraining, pretraining and pretraining but pre-training"}),
            "pretraining, pretraining and pretraining but pre-training|");
  EXPECT_EQ(resolved({"pre-\ntraining, pre-training, pre-training and pretraining"}),
            "pre-training, pre-training, pre-training and pretraining|");
}

TEST(LineEndHyphens, UnattestedWordsAreJoinedUnlessBothHalvesAreWords) {
  EXPECT_EQ(resolved({"a represen-\ntation."}), "a representation.|");
  EXPECT_EQ(resolved({"Transformer-\nbased, as a Transformer based on"}),
            "Transformer-based, as a Transformer based on|");
}

TEST(LineEndHyphens, OnlyLineEndsInsideABlockAreTouched) {
  EXPECT_EQ(resolved({"the end-\n\nNext block"}), "the end-\n\nNext block|");
  EXPECT_EQ(resolved({"no hyphen\nhere - \nor here"}), "no hyphen\nhere - \nor here|");
  EXPECT_EQ(resolved({"a list:\n- item"}), "a list:\n- item|");
  // A soft hyphen marks a break the typesetter chose: always joined.
  EXPECT_EQ(resolved({"compu\xC2\xAD\ntation"}), "computation|");
}

TEST(PageText, WordsMakeLinesAndBlocks) {
  const std::vector<PdfWord> words = {
      {"Left", 50, 90, 20, 11, true},  {"column", 72, 90, 30, 11, false},
      {"goes", 50, 102, 20, 11, true}, {"on.", 72, 102, 15, 11, false},
      {"New", 50, 130, 20, 11, true},  {"para\xEF\xAC\x81", 72, 130, 20, 11, false},
      {"GPT", 320, 90, 20, 11, false}, {"-3", 340, 90, 10, 11, false}};
  EXPECT_EQ(page_text_from_words(words), "Left column\ngoes on.\n\nNew parafi\n\nGPT-3");
  EXPECT_EQ(page_text_from_words({}), "");
}

TEST(PageText, PagesOfOffsets) {
  const std::vector<PageRange> pages = {{1, 0, 10}, {2, 12, 20}, {3, 22, 22}};
  EXPECT_EQ(page_at(pages, 0), 1);
  EXPECT_EQ(page_at(pages, 9), 1);
  EXPECT_EQ(page_at(pages, 12), 2);
  EXPECT_EQ(page_at(pages, 22), 3);
  EXPECT_TRUE(looks_like_pdf("%PDF-1.5\n"));
  EXPECT_FALSE(looks_like_pdf("PDF-1.5"));
}

TEST(PdfText, DamagedFilesAreErrorsNamingThem) {
  try {
    extract_pdf_text("%PDF-1.4\nnot really a PDF\n", "paper.pdf");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("paper.pdf: "), std::string::npos) << error.what();
  }
}

#ifdef NER_TEST_HAS_CAIRO
TEST(PdfText, TwoColumnsHyphensLigaturesAndPages) {
  const testing::TempDir dir;
  const std::filesystem::path pdf = dir.path() / "paper.pdf";
  std::vector<testing::PdfLine> first = testing::column_lines(
      50, 100,
      {"We trained NeuraScale-", "9 on 512 TPU v4 chips for", "three weeks; the trans-",
       "former has 7B parameters", "and was \xEF\xAC\x81ne-tuned on a represen-", "tative set."});
  for (const testing::PdfLine& line :
       testing::column_lines(320, 100, {"The right column comes", "after the left one."}))
    first.push_back(line);
  testing::write_test_pdf(pdf, {first, {}, testing::column_lines(50, 100, {"A transformer."})});
  const ExtractedText extracted = extract_pdf_text(read_file(pdf), pdf.string());
  EXPECT_EQ(extracted.text,
            "We trained NeuraScale-9 on 512 TPU v4 chips for\n"
            "three weeks; the transformer has 7B parameters\n"
            "and was fine-tuned on a representative set.\n\n"
            "The right column comes\nafter the left one.\n\n\n\nA transformer.");
  ASSERT_EQ(extracted.pages.size(), 3u);
  EXPECT_EQ(extracted.text.substr(extracted.pages[2].begin,
                                  extracted.pages[2].end - extracted.pages[2].begin),
            "A transformer.");
  EXPECT_EQ(extracted.pages[1].begin, extracted.pages[1].end);
  EXPECT_EQ(page_at(extracted.pages, extracted.text.find("right")), 1);
  EXPECT_EQ(page_at(extracted.pages, extracted.text.rfind("transformer")), 3);
}

TEST(PdfText, APdfWithoutTextSaysSo) {
  const testing::TempDir dir;
  const std::filesystem::path pdf = dir.path() / "scan.pdf";
  testing::write_test_pdf(pdf, {{}, {}});
  try {
    extract_pdf_text(read_file(pdf), "scan.pdf");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(),
                 "scan.pdf: no text on any of its 2 pages (a scanned paper needs OCR first)");
  }
}
#endif

}  // namespace
}  // namespace ner
