// Entity scores as probabilities: isotonic regression of "was this entity
// right" on its raw score, and the expected calibration error that measures it.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "datasets/tagged_text.h"

namespace ner {

// A raw entity score and whether the entity was right (same type, exact span).
struct ScoredEntity {
  double score = 0;
  bool correct = false;
};

// A non-decreasing map from raw score to the share of entities that were
// right, as points between which it interpolates linearly (constant beyond
// the ends). Empty: the identity.
struct ScoreCalibration {
  std::vector<double> scores;
  std::vector<double> probabilities;

  bool empty() const { return scores.empty(); }
  double operator()(double score) const;

  nlohmann::json to_json() const;
  // Throws ner::Error when `json` is not a calibration (unsorted, out of [0, 1]).
  static ScoreCalibration from_json(const nlohmann::json& json);
};

// A document's predicted entities with their scores, each marked right when
// `gold` holds an entity of its type and exact span.
std::vector<ScoredEntity> scored_entities(const std::vector<Span>& gold,
                                          const std::vector<Span>& predicted,
                                          const std::vector<double>& scores);

// Isotonic regression by pool-adjacent-violators; an empty calibration when
// there are no entities.
ScoreCalibration fit_isotonic(std::vector<ScoredEntity> entities);

// Expected calibration error over `bins` equal-width score bins: the mean,
// weighted by entity count, of |share right - mean score| per bin.
double expected_calibration_error(const std::vector<ScoredEntity>& entities, std::size_t bins = 10);

// Per equal-width score bin: how many entities, their mean score and the
// share that was right, as JSON rows {"from", "to", "entities", "mean_score",
// "right"} (bins without entities left out).
nlohmann::json reliability_table(const std::vector<ScoredEntity>& entities, std::size_t bins = 10);

// The same entities with calibrated scores.
std::vector<ScoredEntity> calibrated(const std::vector<ScoredEntity>& entities,
                                     const ScoreCalibration& calibration);

}  // namespace ner
