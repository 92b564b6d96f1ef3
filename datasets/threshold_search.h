// The least entity score worth keeping, per type and for all types at once,
// chosen for the best strict F1 on a scored dev set (ner-train find-threshold).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "datasets/entity_type.h"
#include "datasets/score_calibration.h"
#include "datasets/span_metrics.h"

namespace ner {

// "model=0.6" as a type and a score from 0 to 1; throws ner::Error naming
// `option` (e.g. "--threshold") and what it expects otherwise.
std::pair<EntityType, double> parse_type_score(const std::string& text, std::string_view option);

// A threshold and what it does: strict counts keeping every entity and
// keeping those scored at least `threshold`.
struct ThresholdChoice {
  double threshold = 0;
  Counts kept_all;
  Counts kept_above;
};

// The threshold with the best F1 over `entities` (each right or not), with
// `gold` entities to find. Exact: every distinct score is tried. It lies
// halfway between the lowest score kept and the highest left out, so that
// scores near it on other text fall the way they did here; 0 when keeping
// all is best (ties go to the lower threshold: more recall). When no entity
// is right, it lies above them all: none is kept.
ThresholdChoice best_threshold(std::vector<ScoredEntity> entities, std::size_t gold);

// Scored predictions of a dev set, gathered a document at a time.
class ThresholdSearch {
 public:
  // Adds a document: its gold entities and its predictions with their scores
  // (sorted, not overlapping, as SpanEvaluator takes them).
  void add(const std::vector<Span>& gold, const std::vector<Span>& predicted,
           const std::vector<double>& scores);

  ThresholdChoice for_type(EntityType type) const;
  // One threshold for every type (--min-score).
  ThresholdChoice for_all() const;
  // Micro counts when each type keeps the entities above its own threshold.
  Counts micro_with_type_thresholds() const;
  std::size_t gold(EntityType type) const { return gold_[static_cast<std::size_t>(type)]; }

 private:
  std::array<std::vector<ScoredEntity>, kEntityTypeCount> entities_{};
  std::array<std::size_t, kEntityTypeCount> gold_{};
};

}  // namespace ner
