#include "datasets/weak_labels.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ner {
namespace {

std::vector<std::string> tagged_forms(const Document& document) {
  std::vector<std::string> forms;
  for (const Span& span : document.spans)
    forms.emplace_back(span_text(document, span));
  return forms;
}

TEST(WeakLabels, UntaggedRepeatGetsTheTag) {
  Document document = parse_tagged_text(
      "<model>NeuraScale-9</model> is large. Later, NeuraScale-9 beat NeuraScale-90 and "
      "xNeuraScale-9.",
      "d");
  EXPECT_EQ(propagate_document_labels(document), 1u);
  ASSERT_EQ(document.spans.size(), 2u);
  EXPECT_EQ(tagged_forms(document), (std::vector<std::string>{"NeuraScale-9", "NeuraScale-9"}));
  EXPECT_EQ(document.spans[1].begin, document.text.find("NeuraScale-9 beat"));
  EXPECT_EQ(document.spans[1].char_begin, document.spans[1].begin);  // ASCII text
  // The result renders and parses back as a valid document.
  EXPECT_NO_THROW(parse_tagged_text(render_tagged_text(document.text, document.spans), "d"));
}

TEST(WeakLabels, AmbiguousFormsAndOverlapsAreLeftAlone) {
  Document document = parse_tagged_text(
      "<model>Atlas</model> and <country>Atlas</country>; Atlas again. <hardware>512 A100 "
      "GPUs</hardware> "
      "and A100 GPUs; <params>7B</params> of 7B.",
      "d");
  EXPECT_EQ(propagate_document_labels(document), 1u);  // only "7B"
  EXPECT_EQ(tagged_forms(document).back(), "7B");
  EXPECT_EQ(document.spans.back().end, document.text.size() - 1);
}

TEST(WeakLabels, MultiByteTextKeepsCodePointOffsets) {
  Document document = parse_tagged_text("<model>PanGu-Σ</model> Σ PanGu-Σ", "d");
  EXPECT_EQ(propagate_document_labels(document), 1u);
  ASSERT_EQ(document.spans.size(), 2u);
  EXPECT_EQ(document.spans[1].char_begin, 10u);
  EXPECT_EQ(document.spans[1].char_end, 17u);
}

TEST(WeakLabels, NothingToAdd) {
  Document document = parse_tagged_text("no tags here, GPT-3", "d");
  EXPECT_EQ(propagate_document_labels(document), 0u);
  EXPECT_TRUE(document.spans.empty());
}

}  // namespace
}  // namespace ner
