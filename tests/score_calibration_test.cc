// Entity-score calibration on hand-made scores: the isotonic fit, the
// expected calibration error, the reliability table and the stored form.
#include "datasets/score_calibration.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/error.h"

namespace ner {
namespace {

TEST(ScoreCalibration, IsotonicFitPoolsWhatWouldDecrease) {
  const ScoreCalibration fit = fit_isotonic({{0.4, true}, {0.1, false}, {0.3, false}, {0.2, true}});
  EXPECT_EQ(fit.scores, (std::vector<double>{0.1, 0.25, 0.4}));
  EXPECT_EQ(fit.probabilities, (std::vector<double>{0.0, 0.5, 1.0}));
  EXPECT_DOUBLE_EQ(fit(0.05), 0.0);
  EXPECT_DOUBLE_EQ(fit(0.175), 0.25);
  EXPECT_DOUBLE_EQ(fit(0.325), 0.75);
  EXPECT_DOUBLE_EQ(fit(0.9), 1.0);
  EXPECT_DOUBLE_EQ(ScoreCalibration{}(0.37), 0.37) << "empty: the identity";
  EXPECT_TRUE(fit_isotonic({}).empty());
}

TEST(ScoreCalibration, OverconfidentScoresAreCorrectedAndTheErrorSaysBy) {
  // Scored 0.9, right half the time: an error of 0.4 that the fit removes.
  std::vector<ScoredEntity> entities;
  for (int i = 0; i < 10; ++i)
    entities.push_back({0.9, i % 2 == 0});
  EXPECT_NEAR(expected_calibration_error(entities), 0.4, 1e-12);
  const ScoreCalibration fit = fit_isotonic(entities);
  EXPECT_NEAR(fit(0.9), 0.5, 1e-12);
  EXPECT_NEAR(expected_calibration_error(calibrated(entities, fit)), 0.0, 1e-12);
  const nlohmann::json table = reliability_table(entities);
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0]["entities"], 10);
  EXPECT_NEAR(table[0]["right"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(table[0]["from"].get<double>(), 0.9, 1e-12);
}

TEST(ScoreCalibration, StoredFormReadsBackAndBadOnesAreRefused) {
  const ScoreCalibration fit = fit_isotonic({{0.2, false}, {0.8, true}});
  const ScoreCalibration back = ScoreCalibration::from_json(fit.to_json());
  EXPECT_EQ(back.scores, fit.scores);
  EXPECT_EQ(back.probabilities, fit.probabilities);
  EXPECT_THROW(ScoreCalibration::from_json({{"scores", {0.5, 0.2}}, {"probabilities", {0.1, 0.2}}}),
               Error);
  EXPECT_THROW(ScoreCalibration::from_json({{"scores", {0.2}}, {"probabilities", {1.5}}}), Error);
  EXPECT_THROW(ScoreCalibration::from_json({{"scores", {0.2}}}), Error);
  // A score a float rounding put just above 1 reads as 1; one further out is refused.
  const ScoreCalibration rounded =
      ScoreCalibration::from_json({{"scores", {0.4, 1.0011}}, {"probabilities", {0.3, 1.0}}});
  EXPECT_EQ(rounded.scores.back(), 1.0);
  EXPECT_THROW(
      ScoreCalibration::from_json({{"scores", {0.4, 1.02}}, {"probabilities", {0.3, 1.0}}}), Error);
  EXPECT_LE(fit_isotonic({{1.0007, true}, {0.5, false}}).scores.back(), 1.0);
}

TEST(ScoreCalibration, EntitiesAreRightOnlyWithTypeAndExactSpan) {
  Span gold;
  gold.type = EntityType::kModel;
  gold.begin = 0;
  gold.end = 5;
  Span exact = gold;
  Span shorter = gold;
  shorter.end = 4;
  Span other_type = gold;
  other_type.type = EntityType::kHardware;
  const std::vector<ScoredEntity> entities =
      scored_entities({gold}, {exact, shorter, other_type}, {0.9, 0.8, 0.7});
  ASSERT_EQ(entities.size(), 3u);
  EXPECT_TRUE(entities[0].correct);
  EXPECT_FALSE(entities[1].correct);
  EXPECT_FALSE(entities[2].correct);
  EXPECT_DOUBLE_EQ(entities[1].score, 0.8);
}

}  // namespace
}  // namespace ner
