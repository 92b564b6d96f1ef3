#include "datasets/threshold_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "base/error.h"

namespace ner {

std::pair<EntityType, double> parse_type_score(const std::string& text, std::string_view option) {
  const std::size_t equals = text.find('=');
  const std::optional<EntityType> type =
      equals == std::string::npos ? std::nullopt : entity_type_from_tag(text.substr(0, equals));
  double score = -1;
  if (equals != std::string::npos) {
    const std::string value = text.substr(equals + 1);
    char* end = nullptr;
    score = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0') score = -1;
  }
  if (!type || !(score >= 0 && score <= 1)) {
    throw Error(fmt::format(
        "{} {}: expected TYPE=SCORE, a type of model, params, country, year, hardware, training "
        "and a score from 0 to 1",
        option, text));
  }
  return {*type, score};
}

ThresholdChoice best_threshold(std::vector<ScoredEntity> entities, std::size_t gold) {
  std::sort(entities.begin(), entities.end(),
            [](const ScoredEntity& a, const ScoredEntity& b) { return a.score > b.score; });
  ThresholdChoice choice;
  choice.kept_all.gold = gold;
  choice.kept_all.predicted = entities.size();
  for (const ScoredEntity& entity : entities)
    choice.kept_all.correct += entity.correct ? 1 : 0;
  // Keeping nothing is the start; each group of equal scores is kept or not together.
  Counts best{gold, 0, 0};
  std::size_t best_kept = 0;
  Counts running{gold, 0, 0};
  for (std::size_t i = 0; i < entities.size();) {
    std::size_t j = i;
    while (j < entities.size() && entities[j].score == entities[i].score) {
      ++running.predicted;
      running.correct += entities[j].correct ? 1 : 0;
      ++j;
    }
    // Equal F1 in other words (4/6 and 6/9) may differ in the last bit.
    if (running.f1() >= best.f1() - 1e-12) {
      best = running;
      best_kept = j;
    }
    i = j;
  }
  choice.kept_above = best;
  if (best.correct == 0) {
    // Nothing kept is ever right: keep none, above the highest score seen.
    choice.kept_above = {gold, 0, 0};
    choice.threshold = entities.empty() ? 0 : (entities.front().score + 1) / 2;
  } else {
    choice.threshold = best_kept == entities.size()
                           ? 0
                           : (entities[best_kept - 1].score + entities[best_kept].score) / 2;
  }
  return choice;
}

void ThresholdSearch::add(const std::vector<Span>& gold, const std::vector<Span>& predicted,
                          const std::vector<double>& scores) {
  for (const Span& span : gold)
    ++gold_[static_cast<std::size_t>(span.type)];
  const std::vector<ScoredEntity> scored = scored_entities(gold, predicted, scores);
  for (std::size_t i = 0; i < scored.size(); ++i)
    entities_[static_cast<std::size_t>(predicted[i].type)].push_back(scored[i]);
}

ThresholdChoice ThresholdSearch::for_type(EntityType type) const {
  const auto t = static_cast<std::size_t>(type);
  return best_threshold(entities_[t], gold_[t]);
}

ThresholdChoice ThresholdSearch::for_all() const {
  std::vector<ScoredEntity> all;
  std::size_t gold = 0;
  for (std::size_t t = 0; t < kEntityTypeCount; ++t) {
    all.insert(all.end(), entities_[t].begin(), entities_[t].end());
    gold += gold_[t];
  }
  return best_threshold(std::move(all), gold);
}

Counts ThresholdSearch::micro_with_type_thresholds() const {
  Counts micro;
  for (const EntityType type : kEntityTypes)
    micro += for_type(type).kept_above;
  return micro;
}

}  // namespace ner
