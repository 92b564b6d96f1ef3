#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace ner {
namespace {

TEST(Utf8, SequenceLengths) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("Σ", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("日", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("🚀", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xF4\x8F\xBF\xBF", 0), 4u);  // U+10FFFF
}

TEST(Utf8, RejectsIllFormedSequences) {
  EXPECT_EQ(utf8_sequence_length("\x80", 0), 0u);              // continuation first
  EXPECT_EQ(utf8_sequence_length("\xC1\xBF", 0), 0u);          // overlong 2-byte
  EXPECT_EQ(utf8_sequence_length("\xE0\x80\xAF", 0), 0u);      // overlong 3-byte
  EXPECT_EQ(utf8_sequence_length("\xF0\x8F\xBF\xBF", 0), 0u);  // overlong 4-byte
  EXPECT_EQ(utf8_sequence_length("\xED\xA0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xF5\x80\x80\x80", 0), 0u);
  EXPECT_EQ(utf8_sequence_length("\xE6\x97", 0), 0u);  // truncated
  EXPECT_EQ(utf8_sequence_length("\xE6"
                                 "a"
                                 "\x97",
                                 0),
            0u);
}

TEST(Utf8, FindInvalid) {
  EXPECT_FALSE(find_invalid_utf8("plain ascii, Σ and 🚀").has_value());
  EXPECT_EQ(find_invalid_utf8("ok Σ \xFF").value(), 6u);
}

TEST(Utf8, CountsAndBoundaries) {
  const std::string text = "aΣ🚀b";
  EXPECT_EQ(count_code_points(text), 4u);
  EXPECT_TRUE(is_code_point_boundary(text, 0));
  EXPECT_TRUE(is_code_point_boundary(text, 1));
  EXPECT_FALSE(is_code_point_boundary(text, 2));
  EXPECT_TRUE(is_code_point_boundary(text, 3));
  EXPECT_FALSE(is_code_point_boundary(text, 5));
  EXPECT_TRUE(is_code_point_boundary(text, text.size()));
  EXPECT_FALSE(is_code_point_boundary(text, text.size() + 1));
}

TEST(Utf8, AppendEncodesEveryLength) {
  std::string out;
  for (const std::uint32_t code_point : {0x41u, 0x3A3u, 0x65E5u, 0x1F680u})
    append_utf8(code_point, out);
  EXPECT_EQ(out, "AΣ日🚀");
}

TEST(Utf8, SpacesAreFoundForwardAndBackward) {
  const std::string text = "a b\u00a0c\u2009d\u3000e\u2019";
  EXPECT_EQ(space_length_at(text, 1), 1u);
  EXPECT_EQ(space_length_at(text, 3), 2u);
  EXPECT_EQ(space_length_at(text, 6), 3u);
  EXPECT_EQ(space_length_at(text, 10), 3u);
  EXPECT_EQ(space_length_at(text, 14), 0u);  // a right quotation mark is no space
  EXPECT_EQ(space_length_at(text, 0), 0u);
  EXPECT_EQ(space_length_at(text, text.size()), 0u);
  EXPECT_EQ(space_length_before(text, 2), 1u);
  EXPECT_EQ(space_length_before(text, 5), 2u);
  EXPECT_EQ(space_length_before(text, 9), 3u);
  EXPECT_EQ(space_length_before(text, 13), 3u);
  EXPECT_EQ(space_length_before(text, text.size()), 0u);
  EXPECT_EQ(space_length_before(text, 0), 0u);
}

}  // namespace
}  // namespace ner
