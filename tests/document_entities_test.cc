// From decoded windows to a document's entities, the path held-out scoring and
// ner-tag share: where windows are cut, how they merge, how entity edges are read
// (whitespace, words, grapheme clusters).
#include "models/document_entities.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string_view>

#include "base/error.h"
#include "datasets/grapheme_clusters.h"

namespace ner {
namespace {

std::vector<std::pair<std::size_t, std::size_t>> ranges(const std::vector<Window>& windows) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const Window& window : windows)
    out.emplace_back(window.begin, window.end);
  return out;
}

// One piece per byte of `text`, each its own content.
std::vector<Piece> byte_pieces(std::string_view text) {
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < text.size(); ++i)
    pieces.push_back({0, i, i, i + 1});
  return pieces;
}

// A single window over the document that decodes to `labels`.
DocumentEntities entities_of(std::string_view text, const std::vector<int>& labels,
                             const std::vector<float>& confidence = {}) {
  const LabelSet label_set(TagScheme::kBio);
  DecodedWindow window{labels,
                       confidence.empty() ? std::vector<float>(labels.size(), 1.0f) : confidence};
  return document_entities(text, byte_pieces(text), {Window{0, labels.size()}}, {window},
                           label_set);
}

// Labels for `text` with [begin, end) of it tagged as `type`.
std::vector<int> tagged(std::string_view text, std::size_t begin, std::size_t end, EntityType type,
                        std::vector<int> labels = {}) {
  const LabelSet label_set(TagScheme::kBio);
  if (labels.empty()) labels.assign(text.size(), LabelSet::kOutside);
  for (std::size_t i = begin; i < end; ++i)
    labels[i] = i == begin ? label_set.begin(type) : label_set.inside(type);
  return labels;
}

// Overlaps are cut at their middle; together the ranges cover the document
// once, in order.
TEST(DecidedRanges, SplitOverlapsInTheMiddle) {
  const auto windows = make_windows(20, 8, 6);  // [0,8) [6,14) [12,20)
  EXPECT_EQ(ranges(decided_ranges(windows)),
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 7}, {7, 13}, {13, 20}}));
  for (const std::size_t length : {1u, 5u, 8u, 9u, 31u, 100u}) {
    for (const std::size_t stride : {1u, 3u, 6u, 8u}) {
      std::size_t next = 0;
      for (const Window& range : decided_ranges(make_windows(length, 8, stride))) {
        EXPECT_EQ(range.begin, next) << length << " " << stride;
        EXPECT_LE(range.begin, range.end);
        next = range.end;
      }
      EXPECT_EQ(next, length) << length << " " << stride;
    }
  }
}

// Windows that each see the truth within themselves (edges closed as training
// closes them) merge back into the truth, entities across every edge included.
TEST(MergeWindows, EntitiesAcrossWindowEdgesStayWhole) {
  const LabelSet label_set(TagScheme::kBio);
  constexpr std::size_t kMaxLen = 64, kStride = 48, kPieces = 10 * kMaxLen + 17;
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < kPieces; ++i)
    pieces.push_back({0, 2 * i, 2 * i, 2 * i + 1});
  const std::vector<Window> windows = make_windows(kPieces, kMaxLen, kStride);
  ASSERT_GE(windows.size(), 13u);
  // Entities of 1 to 9 pieces start just before, at and after every window
  // start and end, so they straddle edges and cut points.
  std::vector<int> truth(kPieces, LabelSet::kOutside);
  std::mt19937 random(3);
  std::size_t next_free = 0;
  for (const Window& window : windows) {
    for (const std::size_t anchor : {window.begin, window.end, (window.begin + window.end) / 2}) {
      const std::size_t start = anchor >= 3 ? anchor - 3 : 0;
      if (start < next_free || start >= kPieces) continue;
      const std::size_t length = 1 + random() % 9;
      const EntityType type = kEntityTypes[random() % kEntityTypeCount];
      for (std::size_t p = start; p < std::min(kPieces, start + length); ++p)
        truth[p] = p == start ? label_set.begin(type) : label_set.inside(type);
      next_free = start + length + 1;
    }
  }
  std::vector<DecodedWindow> decoded;
  for (const Window& window : windows) {
    DecodedWindow view;
    view.labels.assign(truth.begin() + static_cast<std::ptrdiff_t>(window.begin),
                       truth.begin() + static_cast<std::ptrdiff_t>(window.end));
    close_window_edges(view.labels, label_set);
    view.confidence.assign(view.labels.size(), 0.5f);
    decoded.push_back(std::move(view));
  }
  const DecodedWindow merged = merge_windows(windows, decoded, kPieces);
  EXPECT_EQ(merged.labels, truth);
  const auto spans = decode_labels(merged.labels, pieces, label_set);
  EXPECT_EQ(spans, decode_labels(truth, pieces, label_set));
  EXPECT_GE(spans.size(), windows.size());
  EXPECT_THROW(merge_windows(windows, {}, kPieces), Error);
  decoded.back().confidence.pop_back();
  EXPECT_THROW(merge_windows(windows, decoded, kPieces), Error);
}

TEST(DocumentEntities, WhitespaceAtAnEdgeIsCutOff) {
  const std::string text = "trained on  A100 GPUs";
  const auto found = entities_of(text, tagged(text, 10, 16, EntityType::kHardware));
  ASSERT_EQ(found.spans.size(), 1u);
  EXPECT_EQ(text.substr(found.spans[0].begin, found.spans[0].end - found.spans[0].begin), "A100");
  // An entity of whitespace alone is none.
  EXPECT_TRUE(entities_of(text, tagged(text, 10, 12, EntityType::kHardware)).spans.empty());
  // Unicode spaces (no-break, thin) are whitespace too.
  const std::string unicode = "on\u00a0A100\u2009GPUs";  // 2 + 2 + 4 + 3 + 4 bytes
  const auto found_unicode = entities_of(unicode, tagged(unicode, 2, 11, EntityType::kHardware));
  ASSERT_EQ(found_unicode.spans.size(), 1u);
  EXPECT_EQ(found_unicode.spans[0].begin, 4u);
  EXPECT_EQ(found_unicode.spans[0].end, 8u);
  EXPECT_EQ(found_unicode.spans[0].char_begin, 3u);
}

TEST(DocumentEntities, EdgesInsideAWordMoveToTheWordsEdges) {
  const std::string text = "in 2015, GPT-3 ran";
  // "15" of 2015 is the year 2015; "PT" of GPT is the model GPT.
  auto labels = tagged(text, 5, 7, EntityType::kYear);
  labels = tagged(text, 10, 12, EntityType::kModel, labels);
  const auto found = entities_of(text, labels);
  ASSERT_EQ(found.spans.size(), 2u);
  EXPECT_EQ(found.spans[0].type, EntityType::kYear);
  EXPECT_EQ(text.substr(found.spans[0].begin, found.spans[0].end - found.spans[0].begin), "2015");
  EXPECT_EQ(text.substr(found.spans[1].begin, found.spans[1].end - found.spans[1].begin), "GPT");
}

TEST(DocumentEntities, TwoEntitiesMeetingInsideAWordBecomeTheFirst) {
  const std::string text = "a NeuraScale model";
  auto labels = tagged(text, 2, 7, EntityType::kModel);
  labels = tagged(text, 7, 11, EntityType::kCountry, labels);
  const auto found = entities_of(text, labels);
  ASSERT_EQ(found.spans.size(), 1u);
  EXPECT_EQ(found.spans[0].type, EntityType::kModel);
  EXPECT_EQ(text.substr(found.spans[0].begin, found.spans[0].end - found.spans[0].begin),
            "NeuraScale");
}

// Quotes, emphasis, hedges and sentence punctuation around a name stay outside
// it; brackets only when the span does not close them.
TEST(DocumentEntities, QuotesEmphasisAndUnmatchedBracketsStayOutside) {
  const auto text_of = [](std::string_view text, std::size_t begin, std::size_t end,
                          EntityType type) {
    const auto found = entities_of(text, tagged(text, begin, end, type));
    return found.spans.size() == 1u
               ? std::string(
                     text.substr(found.spans[0].begin, found.spans[0].end - found.spans[0].begin))
               : std::string("<") + std::to_string(found.spans.size()) + " spans>";
  };
  const std::string quoted = "the paper \u201cLLaMA, Open\u201d";  // U+201C is 3 bytes
  EXPECT_EQ(text_of(quoted, 10, 19, EntityType::kModel), "LLaMA");
  EXPECT_EQ(text_of("see \"Llama-2: Open", 4, 13, EntityType::kModel), "Llama-2");
  EXPECT_EQ(text_of("**Llama 3** comes", 0, 11, EntityType::kModel), "Llama 3");
  EXPECT_EQ(text_of("as [GPT-NeoX](url)", 3, 12, EntityType::kModel), "GPT-NeoX");
  EXPECT_EQ(text_of("for ~33 days.", 4, 13, EntityType::kTraining), "33 days");
  EXPECT_EQ(text_of("`GPT2`", 0, 6, EntityType::kModel), "GPT2");
  // A bracket the span closes is part of it, one it leaves open is not.
  EXPECT_EQ(text_of("a A100 (40G * 8) server", 2, 16, EntityType::kHardware), "A100 (40G * 8)");
  EXPECT_EQ(text_of("(GPT-3) and", 0, 6, EntityType::kModel), "GPT-3");
  // Marks alone are no entity.
  EXPECT_EQ(text_of("a ** b", 2, 4, EntityType::kModel), "<0 spans>");
}

// A model name ends before an ordinary lowercase word, not before a variant
// word ("mini", "chat") or a word with capitals or digits; other types keep
// their words.
TEST(DocumentEntities, ModelNamesEndBeforeOrdinaryLowercaseWords) {
  const auto model_text = [](std::string_view text, EntityType type = EntityType::kModel) {
    const auto found = entities_of(text, tagged(text, 0, text.size(), type));
    return found.spans.size() == 1u
               ? std::string(
                     text.substr(found.spans[0].begin, found.spans[0].end - found.spans[0].begin))
               : std::string("<none>");
  };
  EXPECT_EQ(model_text("Llama 2 comes"), "Llama 2");
  EXPECT_EQ(model_text("TinyLlama project aims"), "TinyLlama");
  EXPECT_EQ(model_text("GPT-4o mini"), "GPT-4o mini");
  EXPECT_EQ(model_text("Llama 2 chat"), "Llama 2 chat");
  EXPECT_EQ(model_text("GPT-3 175B"), "GPT-3 175B");
  EXPECT_EQ(model_text("text-davinci-003"), "text-davinci-003");
  EXPECT_EQ(model_text("PaLM 2"), "PaLM 2");
  EXPECT_EQ(model_text("three weeks", EntityType::kTraining), "three weeks");
  // A name of lowercase words alone keeps its first word.
  EXPECT_EQ(model_text("davinci model"), "davinci");
}

// Hardware as LABELS.md draws it: the chip alone before "hours", a count
// range whole.
TEST(DocumentEntities, HardwareEdgesFollowTheLabelRules) {
  const auto hardware_text = [](std::string_view text, std::size_t begin, std::size_t end) {
    const auto found = entities_of(text, tagged(text, begin, end, EntityType::kHardware));
    return found.spans.size() == 1u
               ? std::string(
                     text.substr(found.spans[0].begin, found.spans[0].end - found.spans[0].begin))
               : std::string("<none>");
  };
  EXPECT_EQ(hardware_text("only 2.7M H800 GPU hours", 10, 18), "H800");
  EXPECT_EQ(hardware_text("used 1,000 A100 GPU-hours", 11, 19), "A100");
  EXPECT_EQ(hardware_text("on 512 A100 GPUs for", 3, 16), "512 A100 GPUs");
  EXPECT_EQ(hardware_text("days on 4 to 16 Cloud TPUs", 13, 26), "4 to 16 Cloud TPUs");
  EXPECT_EQ(hardware_text("up to 16 Cloud TPUs", 6, 19), "16 Cloud TPUs");
}

// Token counts, GPU hours and other quantities are no parameter counts.
TEST(DocumentEntities, ParamsBeforeOtherQuantitiesAreDropped) {
  const auto params_kept = [](std::string_view text, std::size_t begin, std::size_t end) {
    return entities_of(text, tagged(text, begin, end, EntityType::kParams)).spans.size();
  };
  EXPECT_EQ(params_kept("trained on 300B tokens.", 11, 15), 0u);
  EXPECT_EQ(params_kept("over 400 billion text tokens", 5, 16), 0u);
  EXPECT_EQ(params_kept("a 7.7M GPU hours budget", 2, 6), 0u);
  EXPECT_EQ(params_kept("a 7B model on 2T tokens", 2, 4), 1u);
  EXPECT_EQ(params_kept("with 175B parameters", 5, 9), 1u);
  EXPECT_EQ(params_kept("sizes 7B, 13B", 6, 8), 1u);
  EXPECT_EQ(params_kept("13B", 0, 3), 1u);
}

TEST(DocumentEntities, OffsetsInCodePointsAndScoresFromPieces) {
  const std::string text = "\xc3\xa9t\xc3\xa9 2021";  // "été 2021": 5 bytes before the year
  std::vector<float> confidence(text.size(), 1.0f);
  confidence[6] = 0.5f;
  confidence[7] = 0.7f;
  confidence[8] = 0.9f;
  confidence[9] = 0.9f;
  const auto found = entities_of(text, tagged(text, 6, 10, EntityType::kYear), confidence);
  ASSERT_EQ(found.spans.size(), 1u);
  EXPECT_EQ(found.spans[0].begin, 6u);
  EXPECT_EQ(found.spans[0].char_begin, 4u);
  EXPECT_EQ(found.spans[0].char_end, 8u);
  ASSERT_EQ(found.scores.size(), 1u);
  EXPECT_NEAR(found.scores[0], 0.75, 1e-6);
}

// Hand-written texts whose characters are several code points each.
constexpr std::string_view kCombiningAcute = "Cafe\u0301 2019";  // e + U+0301: bytes 3-6
constexpr std::string_view kZwjEmoji = "the \U0001F469\u200D\U0001F52C model";  // bytes 4-15
constexpr std::string_view kArabic = "\u0639\u064E\u0631\u064E\u0628\u0650 x";  // 3 letters
constexpr std::string_view kBomInside = "Neura\uFEFFScale-9";                   // BOM: bytes 5-8

std::string_view text_of(std::string_view text, const Span& span) {
  return text.substr(span.begin, span.end - span.begin);
}

Span span_at(std::size_t begin, std::size_t end, EntityType type = EntityType::kModel) {
  Span span;
  span.type = type;
  span.begin = begin;
  span.end = end;
  return span;
}

TEST(GraphemeClusters, BoundariesFollowUax29) {
  using Boundaries = std::vector<std::size_t>;
  EXPECT_EQ(grapheme_cluster_boundaries(""), Boundaries{0});
  EXPECT_EQ(grapheme_cluster_boundaries("e\u0301x"), (Boundaries{0, 3, 4}));
  // A ZWJ sequence (woman, ZWJ, microscope) is one character.
  EXPECT_EQ(grapheme_cluster_boundaries("\U0001F469\u200D\U0001F52C"), (Boundaries{0, 11}));
  // Each Arabic letter keeps its vowel mark.
  EXPECT_EQ(grapheme_cluster_boundaries(kArabic), (Boundaries{0, 4, 8, 12, 13, 14}));
  // A byte-order mark is a character of its own, wherever it is.
  EXPECT_EQ(grapheme_cluster_boundaries("a\uFEFFb"), (Boundaries{0, 1, 4, 5}));
  EXPECT_EQ(grapheme_cluster_boundaries("\r\n"), (Boundaries{0, 2}));
}

TEST(GraphemeClusters, SnappedEdgesTakeTheWholeCluster) {
  const std::string_view text = kCombiningAcute;
  // An end between "e" and its accent moves past the accent.
  auto snapped = snap_spans_to_grapheme_clusters(text, {span_at(0, 4)});
  ASSERT_EQ(snapped.size(), 1u);
  EXPECT_EQ(text_of(text, snapped[0]), "Cafe\u0301");
  // A begin on the accent (or inside its bytes) moves back to the "e".
  snapped = snap_spans_to_grapheme_clusters(text, {span_at(4, 6), span_at(7, 11)});
  ASSERT_EQ(snapped.size(), 2u);
  EXPECT_EQ(text_of(text, snapped[0]), "e\u0301");
  EXPECT_EQ(text_of(text, snapped[1]), "2019");
  snapped = snap_spans_to_grapheme_clusters(text, {span_at(5, 6)});
  ASSERT_EQ(snapped.size(), 1u);
  EXPECT_EQ(text_of(text, snapped[0]), "e\u0301");
  // Edges already on boundaries stay; spans that only touch stay apart.
  snapped = snap_spans_to_grapheme_clusters(text, {span_at(0, 3), span_at(3, 6)});
  ASSERT_EQ(snapped.size(), 2u);
  EXPECT_EQ(snapped[0].end, 3u);
  EXPECT_EQ(snapped[1].begin, 3u);
  // Two spans meeting inside one cluster become one, of the first one's type.
  snapped = snap_spans_to_grapheme_clusters(
      kZwjEmoji, {span_at(4, 8, EntityType::kCountry), span_at(11, 15, EntityType::kModel)});
  ASSERT_EQ(snapped.size(), 1u);
  EXPECT_EQ(snapped[0].type, EntityType::kCountry);
  EXPECT_EQ(text_of(kZwjEmoji, snapped[0]), "\U0001F469\u200D\U0001F52C");
  EXPECT_TRUE(snap_spans_to_grapheme_clusters(text, {}).empty());
}

// Every edge of every entity falls on a grapheme-cluster boundary, whichever
// byte the decoded labels start or stop at.
TEST(DocumentEntities, EdgesFallOnGraphemeClusterBoundaries) {
  for (const std::string_view text : {kCombiningAcute, kZwjEmoji, kArabic, kBomInside}) {
    const std::vector<std::size_t> boundaries = grapheme_cluster_boundaries(text);
    const auto on_boundary = [&](std::size_t at) {
      return std::find(boundaries.begin(), boundaries.end(), at) != boundaries.end();
    };
    for (std::size_t begin = 0; begin < text.size(); ++begin) {
      for (std::size_t end = begin + 1; end <= text.size(); ++end) {
        const auto found = entities_of(text, tagged(text, begin, end, EntityType::kModel));
        for (const Span& span : found.spans) {
          ASSERT_LT(span.begin, span.end);
          ASSERT_TRUE(on_boundary(span.begin) && on_boundary(span.end))
              << text << " labels [" << begin << ", " << end << ") gave [" << span.begin << ", "
              << span.end << ")";
        }
      }
    }
  }
  // The accent stays with its letter; a BOM inside a name stays inside it,
  // and one cut through its bytes is taken whole.
  auto found = entities_of(kCombiningAcute, tagged(kCombiningAcute, 0, 4, EntityType::kModel));
  ASSERT_EQ(found.spans.size(), 1u);
  EXPECT_EQ(text_of(kCombiningAcute, found.spans[0]), "Cafe\u0301");
  EXPECT_EQ(found.spans[0].char_end, 5u);
  found = entities_of(kBomInside, tagged(kBomInside, 2, 12, EntityType::kModel));
  ASSERT_EQ(found.spans.size(), 1u);
  EXPECT_EQ(text_of(kBomInside, found.spans[0]), "Neura\uFEFFScale");
  found = entities_of(kBomInside, tagged(kBomInside, 0, 7, EntityType::kModel));
  ASSERT_EQ(found.spans.size(), 1u);
  EXPECT_EQ(text_of(kBomInside, found.spans[0]), "Neura\uFEFF");
  found = entities_of(kArabic, tagged(kArabic, 2, 10, EntityType::kModel));
  ASSERT_EQ(found.spans.size(), 1u);
  EXPECT_EQ(text_of(kArabic, found.spans[0]), kArabic.substr(0, 12));
}

}  // namespace
}  // namespace ner
