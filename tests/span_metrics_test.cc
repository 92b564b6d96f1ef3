#include "datasets/span_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "datasets/labels.h"

namespace ner {
namespace {

Span span(EntityType type, std::size_t begin, std::size_t end) {
  return Span{type, begin, end, begin, end};
}

constexpr EntityType kModel = EntityType::kModel;
constexpr EntityType kYear = EntityType::kYear;
constexpr EntityType kHardware = EntityType::kHardware;
constexpr EntityType kCountry = EntityType::kCountry;

Scores evaluate(const std::vector<std::vector<Span>>& gold,
                const std::vector<std::vector<Span>>& predicted) {
  SpanEvaluator evaluator;
  for (std::size_t d = 0; d < gold.size(); ++d)
    evaluator.add(gold[d], predicted[d]);
  return evaluator.scores();
}

TEST(SpanMetrics, PerfectPrediction) {
  const std::vector<Span> gold = {span(kModel, 0, 5), span(kYear, 10, 14), span(kModel, 20, 25)};
  const Scores scores = evaluate({gold}, {gold});
  EXPECT_EQ(scores.strict[index_of(kModel)].gold, 2u);
  EXPECT_EQ(scores.strict[index_of(kModel)].correct, 2u);
  EXPECT_DOUBLE_EQ(scores.micro_strict().f1(), 1.0);
  EXPECT_DOUBLE_EQ(scores.micro_partial().f1(), 1.0);
  EXPECT_DOUBLE_EQ(scores.macro_f1(false), 1.0);
  EXPECT_DOUBLE_EQ(scores.boundary.f1(), 1.0);
  EXPECT_EQ(scores.confusion[index_of(kModel)][index_of(kModel)], 2u);
}

TEST(SpanMetrics, EmptyPredictionReportsZeroNotNaN) {
  const Scores scores = evaluate({{span(kModel, 0, 5), span(kYear, 6, 10)}}, {{}});
  const Counts micro = scores.micro_strict();
  EXPECT_EQ(micro.gold, 2u);
  EXPECT_EQ(micro.predicted, 0u);
  EXPECT_EQ(micro.precision(), 0.0);  // undefined: reported as 0
  EXPECT_EQ(micro.recall(), 0.0);
  EXPECT_EQ(micro.f1(), 0.0);
  EXPECT_FALSE(std::isnan(scores.macro_f1(false)));
  const auto json = scores.to_json();
  EXPECT_EQ(json["micro"]["strict"]["precision"], 0.0);
}

TEST(SpanMetrics, AllWrongTypes) {
  const std::vector<Span> gold = {span(kModel, 0, 5), span(kYear, 10, 14)};
  const std::vector<Span> predicted = {span(kCountry, 0, 5), span(kModel, 10, 14)};
  const Scores scores = evaluate({gold}, {predicted});
  EXPECT_EQ(scores.micro_strict().correct, 0u);
  EXPECT_EQ(scores.micro_strict().f1(), 0.0);
  EXPECT_EQ(scores.micro_partial().f1(), 0.0);
  EXPECT_DOUBLE_EQ(scores.boundary.f1(), 1.0);  // spans right, types wrong
  EXPECT_EQ(scores.confusion[index_of(kModel)][index_of(kCountry)], 1u);
  EXPECT_EQ(scores.confusion[index_of(kYear)][index_of(kModel)], 1u);
  EXPECT_EQ(scores.confusion[index_of(kModel)][index_of(kModel)], 0u);
}

TEST(SpanMetrics, OffByOneBoundariesAreStrictZeroPartialOne) {
  const std::vector<Span> gold = {span(kHardware, 10, 30), span(kModel, 40, 45)};
  const std::vector<Span> predicted = {span(kHardware, 11, 30), span(kModel, 40, 46)};
  const Scores scores = evaluate({gold}, {predicted});
  EXPECT_EQ(scores.micro_strict().f1(), 0.0);
  EXPECT_DOUBLE_EQ(scores.micro_partial().precision(), 1.0);
  EXPECT_DOUBLE_EQ(scores.micro_partial().recall(), 1.0);
  EXPECT_DOUBLE_EQ(scores.micro_partial().f1(), 1.0);
  EXPECT_EQ(scores.boundary.correct, 0u);
}

TEST(SpanMetrics, OnePredictionOverlappingTwoGoldEntities) {
  // Gold "GPT-3" and "GPT-4" as two models; one prediction covers both.
  const Scores scores =
      evaluate({{span(kModel, 0, 5), span(kModel, 10, 15)}}, {{span(kModel, 0, 15)}});
  const Counts partial = scores.micro_partial();
  EXPECT_EQ(partial.correct, 1u);  // each gold entity matched at most once
  EXPECT_DOUBLE_EQ(partial.precision(), 1.0);
  EXPECT_DOUBLE_EQ(partial.recall(), 0.5);
  EXPECT_DOUBLE_EQ(partial.f1(), 2 * 1.0 * 0.5 / 1.5);
  EXPECT_EQ(scores.micro_strict().correct, 0u);
}

TEST(SpanMetrics, DuplicatePredictions) {
  const Scores scores = evaluate({{span(kYear, 0, 4)}}, {{span(kYear, 0, 4), span(kYear, 0, 4)}});
  const Counts strict = scores.micro_strict();
  EXPECT_EQ(strict.predicted, 2u);
  EXPECT_EQ(strict.correct, 1u);
  EXPECT_DOUBLE_EQ(strict.precision(), 0.5);
  EXPECT_DOUBLE_EQ(strict.recall(), 1.0);
  EXPECT_DOUBLE_EQ(strict.f1(), 2 * 0.5 * 1.0 / 1.5);
  EXPECT_EQ(scores.boundary.correct, 1u);
}

TEST(SpanMetrics, DocumentsWithoutEntities) {
  const Scores none = evaluate({{}, {}}, {{}, {}});
  EXPECT_EQ(none.micro_strict().f1(), 0.0);
  EXPECT_EQ(none.macro_f1(false), 0.0);
  // An empty document does not change the scores of the others.
  const Scores mixed = evaluate({{}, {span(kModel, 0, 3)}}, {{}, {span(kModel, 0, 3)}});
  EXPECT_DOUBLE_EQ(mixed.micro_strict().f1(), 1.0);
  // A spurious entity in an empty document costs precision only.
  const Scores spurious =
      evaluate({{}, {span(kModel, 0, 3)}}, {{span(kYear, 5, 9)}, {span(kModel, 0, 3)}});
  EXPECT_DOUBLE_EQ(spurious.micro_strict().precision(), 0.5);
  EXPECT_DOUBLE_EQ(spurious.micro_strict().recall(), 1.0);
  // Macro: model F1 1, year F1 0 (predicted only) -> 0.5.
  EXPECT_DOUBLE_EQ(spurious.macro_f1(false), 0.5);
}

// Token-level IOB2 sequences as pieces, one token per piece.
std::vector<Span> iob2_spans(const std::vector<std::string>& tags, DecodeMode mode) {
  const LabelSet set(TagScheme::kBio);
  std::vector<Piece> pieces;
  std::vector<int> labels;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    pieces.push_back(Piece{0, 2 * i, 2 * i, 2 * i + 1});
    const auto& names = set.names();
    labels.push_back(
        static_cast<int>(std::find(names.begin(), names.end(), tags[i]) - names.begin()));
  }
  return decode_labels(labels, pieces, set, mode);
}

// The cases of seqeval's documentation, with its labels renamed to ours
// (MISC -> hardware, PER -> country, NP -> model). Expected values by hand.
TEST(SpanMetrics, SeqevalStrictModeIob2Cases) {
  // y_true = [[O O O B-MISC I-MISC I-MISC O], [B-PER I-PER O]]
  // y_pred = [[O O B-MISC I-MISC I-MISC I-MISC O], [B-PER I-PER O]]
  // Hardware: gold 1, predicted 1 with other boundaries -> P = R = F1 = 0.
  // Country: exact -> 1. Micro: 1 correct of 2 predicted, 2 gold -> 0.5.
  // Macro: (0 + 1) / 2 = 0.5.
  SpanEvaluator evaluator;
  evaluator.add(iob2_spans({"O", "O", "O", "B-hardware", "I-hardware", "I-hardware", "O"},
                           DecodeMode::kStrict),
                iob2_spans({"O", "O", "B-hardware", "I-hardware", "I-hardware", "I-hardware", "O"},
                           DecodeMode::kStrict));
  evaluator.add(iob2_spans({"B-country", "I-country", "O"}, DecodeMode::kStrict),
                iob2_spans({"B-country", "I-country", "O"}, DecodeMode::kStrict));
  const Scores& scores = evaluator.scores();
  EXPECT_EQ(scores.strict[index_of(kHardware)].f1(), 0.0);
  EXPECT_DOUBLE_EQ(scores.strict[index_of(kCountry)].f1(), 1.0);
  EXPECT_DOUBLE_EQ(scores.micro_strict().precision(), 0.5);
  EXPECT_DOUBLE_EQ(scores.micro_strict().recall(), 0.5);
  EXPECT_DOUBLE_EQ(scores.micro_strict().f1(), 0.5);
  EXPECT_DOUBLE_EQ(scores.macro_precision(false), 0.5);
  EXPECT_DOUBLE_EQ(scores.macro_recall(false), 0.5);
  EXPECT_DOUBLE_EQ(scores.macro_f1(false), 0.5);

  // y_true = [[B-NP I-NP O]], y_pred = [[I-NP I-NP O]]: the default mode reads
  // the prediction as one NP (F1 1.0); strict IOB2 finds no chunk (F1 0.0).
  const auto gold = iob2_spans({"B-model", "I-model", "O"}, DecodeMode::kStrict);
  SpanEvaluator lenient;
  lenient.add(gold, iob2_spans({"I-model", "I-model", "O"}, DecodeMode::kLenient));
  EXPECT_DOUBLE_EQ(lenient.scores().micro_strict().f1(), 1.0);
  SpanEvaluator strict;
  strict.add(gold, iob2_spans({"I-model", "I-model", "O"}, DecodeMode::kStrict));
  EXPECT_EQ(strict.scores().micro_strict().predicted, 0u);
  EXPECT_EQ(strict.scores().micro_strict().f1(), 0.0);
}

TEST(SpanMetrics, ErrorsAreClassified) {
  const std::string text = "GPT-3 in 2020 on 8 V100 GPUs from France";
  const std::vector<Span> gold = {span(kModel, 0, 5), span(kYear, 9, 13), span(kHardware, 17, 28),
                                  span(kCountry, 34, 40)};
  const std::vector<Span> predicted = {span(kCountry, 0, 5), span(kHardware, 19, 28),
                                       span(kModel, 29, 33)};
  const auto errors = find_errors("doc.txt", gold, predicted);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].kind, ErrorKind::kWrongType);
  EXPECT_EQ(errors[1].kind, ErrorKind::kMissed);  // 2020
  EXPECT_EQ(errors[2].kind, ErrorKind::kWrongBoundary);
  EXPECT_EQ(errors[3].kind, ErrorKind::kSpurious);  // "from"
  EXPECT_EQ(errors[4].kind, ErrorKind::kMissed);    // France
  EXPECT_NE(describe_error(errors[1], text).find("missed <year>2020</year>"), std::string::npos);
  EXPECT_NE(describe_error(errors[2], text)
                .find("gold <hardware>8 V100 GPUs</hardware>, predicted "
                      "<hardware>V100 GPUs</hardware>"),
            std::string::npos);
}

TEST(SpanMetrics, TableAndJsonCarryEveryRow) {
  const Scores scores = evaluate({{span(kModel, 0, 5)}}, {{span(kModel, 0, 5)}});
  const std::string table = scores.to_table();
  for (const char* row : {"model", "training", "micro", "macro", "boundary", "Confusion"}) {
    EXPECT_NE(table.find(row), std::string::npos) << row;
  }
  const auto json = scores.to_json();
  EXPECT_EQ(json["types"]["model"]["strict"]["f1"], 1.0);
  EXPECT_EQ(json["confusion"]["model"]["model"], 1);
}

TEST(SpanMetrics, AnErrorAcrossALineBreakIsDescribedOnOneLine) {
  const std::string text = "We train NVIDIA A100\nGPUs today";
  const auto errors = find_errors("doc.txt", {span(kHardware, 9, 25)}, {});
  ASSERT_EQ(errors.size(), 1u);
  const std::string line = describe_error(errors[0], text);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_NE(line.find("missed <hardware>NVIDIA A100\\nGPUs</hardware>"), std::string::npos) << line;
}

}  // namespace
}  // namespace ner
