// Threshold search: the best strict F1 over every distinct score, ties and
// equal scores, and per-type collection from scored documents.
#include "datasets/threshold_search.h"

#include <gtest/gtest.h>

namespace ner {
namespace {

TEST(BestThreshold, LiesBetweenTheLowestKeptAndTheHighestDropped) {
  const ThresholdChoice choice =
      best_threshold({{0.3, false}, {0.9, true}, {0.6, false}, {0.8, true}, {0.5, false}}, 3);
  EXPECT_DOUBLE_EQ(choice.threshold, 0.7);
  EXPECT_EQ(choice.kept_above.predicted, 2u);
  EXPECT_EQ(choice.kept_above.correct, 2u);
  EXPECT_EQ(choice.kept_above.gold, 3u);
  EXPECT_NEAR(choice.kept_above.f1(), 0.8, 1e-12);
  EXPECT_EQ(choice.kept_all.predicted, 5u);
  EXPECT_EQ(choice.kept_all.correct, 2u);
  EXPECT_NEAR(choice.kept_all.f1(), 0.5, 1e-12);
}

TEST(BestThreshold, TiesKeepMoreAndEqualScoresGoTogether) {
  // Keeping 2 or all 5 both give F1 4/6 and 6/9: equal, so all are kept.
  const ThresholdChoice tie =
      best_threshold({{0.9, true}, {0.8, true}, {0.6, false}, {0.5, false}, {0.3, true}}, 4);
  EXPECT_DOUBLE_EQ(tie.threshold, 0);
  EXPECT_EQ(tie.kept_above.predicted, 5u);
  // A wrong entity scored like a right one cannot be dropped alone.
  const ThresholdChoice same = best_threshold({{0.7, true}, {0.7, false}, {0.2, false}}, 1);
  EXPECT_DOUBLE_EQ(same.threshold, 0.45);
  EXPECT_EQ(same.kept_above.predicted, 2u);
}

TEST(BestThreshold, NothingRightKeepsNothing) {
  const ThresholdChoice wrong = best_threshold({{0.4, false}, {0.6, false}}, 2);
  EXPECT_DOUBLE_EQ(wrong.threshold, 0.8);
  EXPECT_EQ(wrong.kept_above.predicted, 0u);
  EXPECT_EQ(wrong.kept_all.predicted, 2u);
  const ThresholdChoice empty = best_threshold({}, 3);
  EXPECT_DOUBLE_EQ(empty.threshold, 0);
  EXPECT_EQ(empty.kept_all.gold, 3u);
}

Span span(EntityType type, std::size_t begin, std::size_t end) {
  return {type, begin, end, begin, end};
}

TEST(ThresholdSearch, CollectsPerTypeAndForAll) {
  ThresholdSearch search;
  search.add({span(EntityType::kModel, 0, 5), span(EntityType::kYear, 10, 14)},
             {span(EntityType::kModel, 0, 5), span(EntityType::kYear, 10, 13),
              span(EntityType::kParams, 20, 24)},
             {0.9, 0.7, 0.2});
  search.add({span(EntityType::kModel, 0, 4)},
             {span(EntityType::kModel, 0, 4), span(EntityType::kModel, 6, 9)}, {0.8, 0.3});
  EXPECT_EQ(search.gold(EntityType::kModel), 2u);
  const ThresholdChoice model = search.for_type(EntityType::kModel);
  EXPECT_DOUBLE_EQ(model.threshold, 0.55);
  EXPECT_NEAR(model.kept_above.f1(), 1.0, 1e-12);
  // The year's only prediction has the wrong span; params has no gold.
  EXPECT_EQ(search.for_type(EntityType::kYear).kept_above.predicted, 0u);
  EXPECT_EQ(search.for_type(EntityType::kParams).kept_above.predicted, 0u);
  const Counts micro = search.micro_with_type_thresholds();
  EXPECT_EQ(micro.gold, 3u);
  EXPECT_EQ(micro.predicted, 2u);
  EXPECT_EQ(micro.correct, 2u);
  const ThresholdChoice all = search.for_all();
  EXPECT_DOUBLE_EQ(all.threshold, 0.75);
  EXPECT_EQ(all.kept_above.correct, 2u);
  EXPECT_EQ(all.kept_all.predicted, 5u);
}

}  // namespace
}  // namespace ner
