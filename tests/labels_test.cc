#include "datasets/labels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"

namespace ner {
namespace {

// Pieces by hand for "the GPT-3 model on 512 A100s": "▁the", "▁GPT", "-", "3",
// "▁model", "▁on", "▁5", "1", "2", "▁A", "100", "s".
std::vector<Piece> hand_pieces() {
  const std::vector<std::pair<std::size_t, std::size_t>> ranges = {
      {0, 3},   {3, 7},   {7, 8},   {8, 9},   {9, 15},  {15, 18},
      {18, 20}, {20, 21}, {21, 22}, {22, 24}, {24, 27}, {27, 28}};
  const std::string text = "the GPT-3 model on 512 A100s";
  std::vector<Piece> pieces;
  for (const auto& [begin, end] : ranges) {
    Piece piece{static_cast<int>(pieces.size()), begin, begin, end};
    if (text[begin] == ' ') piece.content_begin = begin + 1;
    pieces.push_back(piece);
  }
  return pieces;
}

TEST(LabelSet, Names) {
  const LabelSet bio(TagScheme::kBio);
  EXPECT_EQ(bio.size(), 13u);
  EXPECT_EQ(bio.names()[0], "O");
  EXPECT_EQ(bio.names()[static_cast<std::size_t>(bio.begin(EntityType::kHardware))], "B-hardware");
  EXPECT_EQ(bio.unit(EntityType::kYear), bio.begin(EntityType::kYear));
  const LabelSet bilou(TagScheme::kBilou);
  EXPECT_EQ(bilou.size(), 25u);
  EXPECT_EQ(bilou.names()[static_cast<std::size_t>(bilou.last(EntityType::kTraining))],
            "L-training");
  EXPECT_EQ(bilou.type_of(bilou.unit(EntityType::kParams)), EntityType::kParams);
  EXPECT_EQ(bilou.prefix_of(bilou.unit(EntityType::kParams)), 'U');
  EXPECT_THROW(parse_tag_scheme("bioes"), Error);
}

TEST(Labels, BioEncodeAndDecode) {
  const LabelSet set(TagScheme::kBio);
  const auto pieces = hand_pieces();
  const std::vector<Span> spans = {{EntityType::kModel, 4, 9, 0, 0},
                                   {EntityType::kHardware, 19, 28, 0, 0}};
  const PieceLabels labelled = label_pieces(pieces, spans, set);
  const std::vector<int> expected = {0,
                                     set.begin(EntityType::kModel),
                                     set.inside(EntityType::kModel),
                                     set.inside(EntityType::kModel),
                                     0,
                                     0,
                                     set.begin(EntityType::kHardware),
                                     set.inside(EntityType::kHardware),
                                     set.inside(EntityType::kHardware),
                                     set.inside(EntityType::kHardware),
                                     set.inside(EntityType::kHardware),
                                     set.inside(EntityType::kHardware)};
  EXPECT_EQ(labelled.labels, expected);
  EXPECT_EQ(labelled.boundaries, 4u);
  EXPECT_EQ(labelled.misaligned_boundaries, 0u);
  EXPECT_EQ(decode_labels(labelled.labels, pieces, set), spans);
}

TEST(Labels, BilouEncodeAndDecode) {
  const LabelSet set(TagScheme::kBilou);
  const auto pieces = hand_pieces();
  const std::vector<Span> spans = {{EntityType::kModel, 4, 9, 0, 0},
                                   {EntityType::kParams, 8, 9, 0, 0}};
  // Overlapping spans are not allowed; use a single-piece span alone.
  const PieceLabels one = label_pieces(pieces, {spans[1]}, set);
  EXPECT_EQ(one.labels[3], set.unit(EntityType::kParams));
  const PieceLabels model = label_pieces(pieces, {spans[0]}, set);
  EXPECT_EQ(model.labels[1], set.begin(EntityType::kModel));
  EXPECT_EQ(model.labels[2], set.inside(EntityType::kModel));
  EXPECT_EQ(model.labels[3], set.last(EntityType::kModel));
  EXPECT_EQ(decode_labels(model.labels, pieces, set), std::vector<Span>{spans[0]});
}

TEST(Labels, BoundaryInsideAPieceIsCountedAndWidened) {
  const LabelSet set(TagScheme::kBio);
  const auto pieces = hand_pieces();
  // "PT-3": starts inside the piece "▁GPT".
  const PieceLabels labelled = label_pieces(pieces, {{EntityType::kModel, 5, 9, 0, 0}}, set);
  EXPECT_EQ(labelled.misaligned_boundaries, 1u);
  const auto decoded = decode_labels(labelled.labels, pieces, set);
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].begin, 4u);
  EXPECT_EQ(decoded[0].end, 9u);
}

TEST(Labels, SpansSharingTheirOnlyPieceAreReported) {
  const LabelSet set(TagScheme::kBio);
  const auto pieces = hand_pieces();
  // "1" and "00" both live in the piece "100".
  const PieceLabels labelled = label_pieces(
      pieces, {{EntityType::kYear, 24, 25, 0, 0}, {EntityType::kYear, 25, 27, 0, 0}}, set);
  EXPECT_EQ(labelled.unrepresentable_spans, 1u);
  EXPECT_EQ(labelled.misaligned_boundaries, 2u);
}

TEST(Labels, StrayInsideStartsAnEntity) {
  const LabelSet set(TagScheme::kBio);
  const auto pieces = hand_pieces();
  std::vector<int> labels(pieces.size(), 0);
  labels[5] = set.inside(EntityType::kCountry);
  labels[6] = set.inside(EntityType::kYear);
  const auto spans = decode_labels(labels, pieces, set);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].type, EntityType::kCountry);
  EXPECT_EQ(spans[1].type, EntityType::kYear);
  EXPECT_THROW(decode_labels({0}, pieces, set), Error);
}

TEST(TransitionRules, BioAndBilou) {
  const LabelSet bio(TagScheme::kBio);
  const auto rules = transition_rules(bio);
  const int b_model = bio.begin(EntityType::kModel), i_model = bio.inside(EntityType::kModel);
  const int i_year = bio.inside(EntityType::kYear);
  EXPECT_TRUE(is_valid_sequence({0, b_model, i_model, i_model, 0}, rules));
  EXPECT_FALSE(is_valid_sequence({0, i_model}, rules));       // I after O
  EXPECT_FALSE(is_valid_sequence({i_model}, rules));          // I at the start
  EXPECT_FALSE(is_valid_sequence({b_model, i_year}, rules));  // I of another type
  EXPECT_TRUE(is_valid_sequence({b_model, bio.begin(EntityType::kYear)}, rules));
  const LabelSet bilou(TagScheme::kBilou);
  const auto strict = transition_rules(bilou);
  const int b = bilou.begin(EntityType::kHardware), i = bilou.inside(EntityType::kHardware),
            l = bilou.last(EntityType::kHardware), u = bilou.unit(EntityType::kHardware);
  EXPECT_TRUE(is_valid_sequence({b, i, l, 0, u}, strict));
  EXPECT_FALSE(is_valid_sequence({b, 0}, strict));  // B must be continued
  EXPECT_FALSE(is_valid_sequence({b, i}, strict));  // nor end open
  EXPECT_FALSE(is_valid_sequence({u, l}, strict));
}

TEST(Labels, WindowEdgesAreClosedSoTheWindowIsValid) {
  for (const TagScheme scheme : {TagScheme::kBio, TagScheme::kBilou}) {
    const LabelSet set(scheme);
    const auto rules = transition_rules(set);
    const int i = set.inside(EntityType::kHardware);
    const int second = scheme == TagScheme::kBilou ? set.last(EntityType::kHardware) : i;
    std::vector<int> cut = {i, second, 0, set.begin(EntityType::kModel),
                            set.inside(EntityType::kModel)};
    close_window_edges(cut, set);
    EXPECT_EQ(cut[0], set.begin(EntityType::kHardware));
    if (scheme == TagScheme::kBilou) {
      EXPECT_EQ(cut.back(), set.last(EntityType::kModel));
      EXPECT_TRUE(is_valid_sequence(cut, rules));
      std::vector<int> single = {set.inside(EntityType::kYear)};
      close_window_edges(single, set);
      EXPECT_EQ(single[0], set.unit(EntityType::kYear));
    } else {
      EXPECT_TRUE(is_valid_sequence(cut, rules));
    }
    std::vector<int> whole = {0, set.begin(EntityType::kYear), 0};
    const auto before = whole;
    close_window_edges(whole, set);
    EXPECT_EQ(whole, before);
  }
}

TEST(Labels, SpanConfidenceIsTheMeanOverItsPieces) {
  const auto pieces = hand_pieces();
  std::vector<float> confidence(pieces.size(), 1.0f);
  confidence[1] = 0.5f;  // "▁GPT"
  confidence[2] = 0.8f;  // "-"
  confidence[3] = 0.9f;  // "3"
  const std::vector<Span> spans = {{EntityType::kModel, 4, 9, 0, 0},
                                   {EntityType::kHardware, 23, 28, 0, 0}};
  const auto result = span_confidences(spans, pieces, confidence);
  ASSERT_EQ(result.size(), 2u);
  EXPECT_NEAR(result[0], (0.5 + 0.8 + 0.9) / 3, 1e-6);
  EXPECT_NEAR(result[1], 1.0, 1e-6);
}

}  // namespace
}  // namespace ner
