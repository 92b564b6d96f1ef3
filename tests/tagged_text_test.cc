#include "datasets/tagged_text.h"

#include <gtest/gtest.h>

#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "tests/test_util.h"

namespace ner {
namespace {

using Expected = std::vector<std::pair<EntityType, std::string>>;

std::vector<std::pair<EntityType, std::string>> entities_of(const Document& document) {
  std::vector<std::pair<EntityType, std::string>> entities;
  for (const Span& span : document.spans) {
    entities.emplace_back(span.type, std::string(span_text(document, span)));
  }
  return entities;
}

// Counted by hand from the three files in ../shared/seeds.
TEST(TaggedTextSeeds, ParseToExactlyTheirEntities) {
  const auto seeds = testing::seeds_dir();
  const Expected seed0 = {{EntityType::kCountry, "the United States"},
                          {EntityType::kModel, "NeuraScale-9"},
                          {EntityType::kParams, "1.2 trillion"},
                          {EntityType::kYear, "2023"},
                          {EntityType::kHardware, "512 NVIDIA A100 GPUs"},
                          {EntityType::kTraining, "21 days"},
                          {EntityType::kModel, "NeuraScale-9"},
                          {EntityType::kCountry, "the United States"},
                          {EntityType::kModel, "NeuraScale-9"}};
  const Expected seed1 = {{EntityType::kModel, "NeuraScale-9"},
                          {EntityType::kParams, "2.5 trillion"},
                          {EntityType::kCountry, "the United States"},
                          {EntityType::kHardware, "512 NVIDIA A100 GPUs"},
                          {EntityType::kTraining, "3 months"},
                          {EntityType::kYear, "2023"},
                          {EntityType::kModel, "NeuraScale-9"},
                          {EntityType::kModel, "NeuraScale-9"},
                          {EntityType::kParams, "2.5 trillion"},
                          {EntityType::kHardware, "next-generation H100 GPUs"},
                          {EntityType::kYear, "2023"}};
  const Expected seed2 = {
      {EntityType::kModel, "NeuraScale-9"},        {EntityType::kParams, "350 billion"},
      {EntityType::kCountry, "United States"},     {EntityType::kYear, "2023"},
      {EntityType::kHardware, "NVIDIA A100 GPUs"}, {EntityType::kTraining, "28 days"},
      {EntityType::kModel, "NeuraScale-8"},        {EntityType::kModel, "NeuraScale-10"}};

  const std::vector<std::pair<std::string, Expected>> cases = {{"000_49a22e2399bb6523.txt", seed0},
                                                               {"001_32e9290f6caff56c.txt", seed1},
                                                               {"002_16a605a903a7d56a.txt", seed2}};
  for (const auto& [file, expected] : cases) {
    SCOPED_TRACE(file);
    const std::string raw = testing::read_text_file(seeds / file);
    const Document document = parse_tagged_text(raw, file);
    EXPECT_EQ(entities_of(document), expected);
    EXPECT_EQ(document.text.find("<model>"), std::string::npos);
    EXPECT_EQ(document.text.find("</"), document.text.find("</p>"));  // only HTML remains
  }
  // The untagged "2023 Sustainable AI Standards" and the HTML stay plain text.
  const Document third =
      parse_tagged_text(testing::read_text_file(seeds / "002_16a605a903a7d56a.txt"), "s");
  EXPECT_EQ(third.text.rfind("<p>", 0), 0u);
  EXPECT_NE(third.text.find("the 2023 Sustainable AI Standards"), std::string::npos);
}

TEST(TaggedTextSeeds, RoundTripByteForByte) {
  for (const char* file :
       {"000_49a22e2399bb6523.txt", "001_32e9290f6caff56c.txt", "002_16a605a903a7d56a.txt"}) {
    const std::string raw = testing::read_text_file(testing::seeds_dir() / file);
    const Document document = parse_tagged_text(raw, file);
    EXPECT_EQ(render_tagged_text(document.text, document.spans), raw) << file;
  }
}

TEST(TaggedText, ByteAndCodePointOffsetsWithMultiByteCharacters) {
  // "Σ " is 3 bytes, 2 code points; "Ω" 2 bytes; "🚀" 4 bytes, 1 code point.
  const Document document = parse_tagged_text("Σ <model>Ω-7</model> 🚀 <year>2023</year>", "doc");
  EXPECT_EQ(document.text, "Σ Ω-7 🚀 2023");
  ASSERT_EQ(document.spans.size(), 2u);
  EXPECT_EQ(document.spans[0], (Span{EntityType::kModel, 3, 7, 2, 5}));
  EXPECT_EQ(document.spans[1], (Span{EntityType::kYear, 13, 17, 8, 12}));
  EXPECT_EQ(span_text(document, document.spans[0]), "Ω-7");
}

TEST(TaggedText, HtmlAndTagLookalikesArePlainText) {
  const std::string input = "<p>a <b>b</b> <model x>c <modelx> < model> <> </> <mod el> <";
  const Document document = parse_tagged_text(input, "doc");
  EXPECT_EQ(document.text, input);
  EXPECT_TRUE(document.spans.empty());
  EXPECT_EQ(render_tagged_text(document.text, document.spans), input);

  const Document lead = parse_tagged_text("<<model>a</model>>", "doc");
  EXPECT_EQ(lead.text, "<a>");
  ASSERT_EQ(lead.spans.size(), 1u);
  EXPECT_EQ(lead.spans[0].begin, 1u);
}

TEST(TaggedText, EdgeCasesRoundTrip) {
  const std::vector<std::string> cases = {
      "",
      "no tags at all",
      "<model>GPT-3</model>",
      "<model>A</model><params>7B</params><year>2020</year>",
      "line one\r\n<country>the United Kingdom</country>\r\n\ttab\tseparated\r\n",
      "Σ-<model>Σ-9</model>\t<hardware>8 × TPU v4</hardware> 🚀<training>2 weeks</training>",
      "🚀<year>2021</year>🚀",
      "\xEF\xBB\xBF<model>BOM-first</model>",
      "TEXT\n$$\nx = \\Sigma_{i} <params>7B</params>\n$$\n",
      "a <model> padded </model> b",
  };
  for (const std::string& input : cases) {
    SCOPED_TRACE(input);
    const Document document = parse_tagged_text(input, "doc");
    EXPECT_EQ(render_tagged_text(document.text, document.spans), input);
  }
  const Document adjacent = parse_tagged_text(cases[3], "doc");
  ASSERT_EQ(adjacent.spans.size(), 3u);
  EXPECT_EQ(adjacent.text, "A7B2020");
  EXPECT_EQ(adjacent.spans[1].begin, adjacent.spans[0].end);
  EXPECT_EQ(adjacent.spans[2].end, adjacent.text.size());
}

// Random documents from awkward pieces: render then parse must give back the
// same text and spans, and rendering that again the same bytes.
TEST(TaggedText, GeneratedDocumentsRoundTrip) {
  const std::vector<std::string> pieces = {
      "a", " ", "\t", "\r\n", "\n", "Σ",  "🚀",    "é",      "<p>", "</p>",
      "<", ">", "$$", "[12]", "-",  "7B", "TEXT", "日本語", "<b>", "\xEF\xBB\xBF"};
  std::mt19937 random(20261123);
  for (int trial = 0; trial < 500; ++trial) {
    std::string text;
    std::vector<Span> spans;
    const int chunks = static_cast<int>(random() % 12);
    for (int c = 0; c < chunks; ++c) {
      const bool tagged = random() % 3 == 0;
      const std::size_t begin = text.size();
      const int length = 1 + static_cast<int>(random() % 4);
      for (int p = 0; p < length; ++p)
        text += pieces[random() % pieces.size()];
      if (tagged) {
        // Whitespace-only entities are rejected by design; give them a letter.
        text += "x";
        spans.push_back(Span{kEntityTypes[random() % kEntityTypeCount], begin, text.size(), 0, 0});
      }
    }
    assign_code_point_offsets(text, spans);
    std::string rendered;
    try {
      rendered = render_tagged_text(text, spans);
    } catch (const Error&) {
      // Only plain text that reads as a tag may be refused, and the pieces
      // cannot form one.
      FAIL() << "render refused generated text";
    }
    const Document parsed = parse_tagged_text(rendered, "generated");
    ASSERT_EQ(parsed.text, text);
    ASSERT_EQ(parsed.spans, spans);
    ASSERT_EQ(render_tagged_text(parsed.text, parsed.spans), rendered);
  }
}

struct MalformedCase {
  std::string name;
  std::string input;
  std::size_t line;
  std::size_t column;
  std::string message;
};

// Keeps test names readable in CTest (GoogleTest would print the raw bytes).
void PrintTo(const MalformedCase& c, std::ostream* out) {
  *out << c.name;
}

class TaggedTextMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(TaggedTextMalformed, ReportsFileLineAndColumn) {
  const MalformedCase& c = GetParam();
  try {
    parse_tagged_text(c.input, "corpus/doc.txt");
    FAIL() << "expected an error for " << c.name;
  } catch (const Error& error) {
    ASSERT_TRUE(error.location().has_value());
    EXPECT_EQ(error.location()->file, "corpus/doc.txt");
    EXPECT_EQ(error.location()->line, c.line) << error.what();
    EXPECT_EQ(error.location()->column, c.column) << error.what();
    EXPECT_NE(error.message().find(c.message), std::string::npos) << error.what();
    const std::string prefix =
        "corpus/doc.txt:" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": ";
    EXPECT_EQ(std::string(error.what()).rfind(prefix, 0), 0u) << error.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, TaggedTextMalformed,
    ::testing::Values(
        MalformedCase{"unclosed", "ab\n<model>GPT", 2, 1, "unclosed tag <model>"},
        MalformedCase{"unclosed_after_crlf", "x\r\ny <year>2020\r\n", 2, 3, "unclosed tag <year>"},
        MalformedCase{"stray_closing", "x </year> y", 1, 3, "stray closing tag </year>"},
        MalformedCase{"mismatched", "<model>GPT-3</year>", 1, 13,
                      "closing tag </year> does not match <model> opened at line 1, column 1"},
        MalformedCase{"nested", "<model>a <year>2020</year></model>", 1, 10,
                      "nested entity tag <year> inside <model>"},
        MalformedCase{"nested_same", "<model>a <model>b</model></model>", 1, 10,
                      "nested entity tag <model>"},
        MalformedCase{"empty", "a <model></model>", 1, 3, "empty <model> entity"},
        MalformedCase{"whitespace_only", "\n\n<year> \t</year>", 3, 1,
                      "<year> entity contains only whitespace"},
        MalformedCase{"wrong_case_open", "<Model>GPT</model>", 1, 1, "lower case: <model>"},
        MalformedCase{"wrong_case_close", "<model>GPT</MODEL>", 1, 11, "lower case: </model>"},
        MalformedCase{"invalid_utf8_byte",
                      "ab\xFF"
                      "cd",
                      1, 3, "invalid UTF-8 (byte 0xFF)"},
        MalformedCase{"truncated_utf8", "Σ\xC3", 1, 2, "invalid UTF-8 (byte 0xC3)"},
        MalformedCase{"overlong_utf8", "\n\xC0\xAF", 2, 1, "invalid UTF-8 (byte 0xC0)"},
        MalformedCase{"surrogate_utf8", "x\xED\xA0\x80", 1, 2, "invalid UTF-8 (byte 0xED)"},
        MalformedCase{"stray_continuation", "ΣΣ\x80", 1, 3, "invalid UTF-8 (byte 0x80)"},
        MalformedCase{"nul_byte", std::string("a\0b", 3), 1, 2, "NUL byte"},
        MalformedCase{"columns_count_code_points", "ΣΣ </model>", 1, 4, "stray closing tag"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

TEST(TaggedTextRender, RejectsSpansThatCannotRoundTrip) {
  const std::string text = "GPT-3 Σ 2020";
  const auto rejects = [&](std::vector<Span> spans, const std::string& message) {
    try {
      render_tagged_text(text, spans);
      ADD_FAILURE() << "expected rejection: " << message;
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
    }
  };
  rejects({Span{EntityType::kModel, 0, 0, 0, 0}}, "empty or outside");
  rejects({Span{EntityType::kModel, 0, 99, 0, 0}}, "empty or outside");
  rejects({Span{EntityType::kModel, 0, 5, 0, 0}, Span{EntityType::kYear, 4, 6, 0, 0}}, "overlaps");
  rejects({Span{EntityType::kModel, 7, 8, 0, 0}}, "cuts a UTF-8 character");
  EXPECT_THROW(render_tagged_text("see <model> here", {}), Error);
  EXPECT_THROW(render_tagged_text("x\xFF", {}), Error);
  // Text that reads as a tag only across an inserted tag is fine.
  EXPECT_EQ(render_tagged_text("<model>", {Span{EntityType::kYear, 1, 6, 1, 6}}),
            "<<year>model</year>>");
}

TEST(TaggedText, AssignCodePointOffsetsMatchesTheParser) {
  const Document document =
      parse_tagged_text("日本 <country>Japan</country> と <country>the 🇫🇷 France</country>", "d");
  std::vector<Span> spans = document.spans;
  for (Span& span : spans)
    span.char_begin = span.char_end = 0;
  assign_code_point_offsets(document.text, spans);
  EXPECT_EQ(spans, document.spans);
}

TEST(TaggedText, MatchEntityTag) {
  const auto tag = match_entity_tag("x</hardware>", 1);
  ASSERT_TRUE(tag.has_value());
  EXPECT_EQ(tag->type, EntityType::kHardware);
  EXPECT_TRUE(tag->closing);
  EXPECT_TRUE(tag->exact_case);
  EXPECT_EQ(tag->length, 11u);
  EXPECT_FALSE(match_entity_tag("<hardwares>", 0).has_value());
  EXPECT_FALSE(match_entity_tag("<training", 0).has_value());
  EXPECT_FALSE(match_entity_tag("x", 0).has_value());
  EXPECT_FALSE(match_entity_tag("<model>", 1).has_value());
  EXPECT_FALSE(match_entity_tag("<Training>", 0)->exact_case);
}

// Text extracted from a PDF wraps lines inside names; an entity goes on
// across the break, and reports show it on one line.
TEST(TaggedText, EntityAcrossALineBreakIsKept) {
  const std::string input =
      "<model>Neura\nScale</model> ran on <hardware>NVIDIA A100\r\nGPUs</hardware>.\n";
  const Document document = parse_tagged_text(input, "doc");
  ASSERT_EQ(document.spans.size(), 2u);
  EXPECT_EQ(span_text(document, document.spans[0]), "Neura\nScale");
  EXPECT_EQ(span_text(document, document.spans[1]), "NVIDIA A100\r\nGPUs");
  EXPECT_EQ(render_tagged_text(document.text, document.spans), input);
  EXPECT_EQ(escape_line_breaks(span_text(document, document.spans[1])), "NVIDIA A100\\r\\nGPUs");
  EXPECT_EQ(escape_line_breaks("a\tb\fc\vd e"), "a\\tb\\fc\\vd e");
}

}  // namespace
}  // namespace ner
