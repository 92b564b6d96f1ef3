#include "datasets/score_calibration.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "datasets/tagged_text.h"

namespace ner {
namespace {

struct ScoreBin {
  double score_sum = 0;
  double right = 0;
  double count = 0;
};

// The entities in `bins` equal-width bins of their scores over [0, 1].
std::vector<ScoreBin> score_bins(const std::vector<ScoredEntity>& entities, std::size_t bins) {
  std::vector<ScoreBin> binned(bins);
  if (bins == 0) return binned;
  for (const ScoredEntity& entity : entities) {
    const double clamped = std::clamp(entity.score, 0.0, 1.0);
    const auto b =
        std::min(bins - 1, static_cast<std::size_t>(clamped * static_cast<double>(bins)));
    binned[b].score_sum += entity.score;
    binned[b].right += entity.correct ? 1.0 : 0.0;
    binned[b].count += 1.0;
  }
  return binned;
}

}  // namespace

double ScoreCalibration::operator()(double score) const {
  if (scores.empty()) return score;
  if (score <= scores.front()) return probabilities.front();
  if (score >= scores.back()) return probabilities.back();
  const auto upper = std::upper_bound(scores.begin(), scores.end(), score);
  const auto i = static_cast<std::size_t>(upper - scores.begin());
  const double width = scores[i] - scores[i - 1];
  const double along = width > 0 ? (score - scores[i - 1]) / width : 1.0;
  return probabilities[i - 1] + along * (probabilities[i] - probabilities[i - 1]);
}

nlohmann::json ScoreCalibration::to_json() const {
  return {{"method", "isotonic"}, {"scores", scores}, {"probabilities", probabilities}};
}

ScoreCalibration ScoreCalibration::from_json(const nlohmann::json& json) {
  ScoreCalibration calibration;
  try {
    calibration.scores = json.at("scores").get<std::vector<double>>();
    calibration.probabilities = json.at("probabilities").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& error) {
    throw Error(fmt::format("malformed score calibration: {}", error.what()));
  }
  // Scores a float rounding put just above 1 (runs before marginals were
  // capped at 1) are read as 1; anything further out is an error.
  constexpr double kRounding = 0.01;
  for (double& score : calibration.scores) {
    if (score >= -kRounding && score <= 1 + kRounding) score = std::clamp(score, 0.0, 1.0);
  }
  const auto& x = calibration.scores;
  const auto& y = calibration.probabilities;
  const auto outside = [](double v) { return !(v >= 0.0 && v <= 1.0); };
  if (x.size() != y.size() || !std::is_sorted(x.begin(), x.end()) ||
      !std::is_sorted(y.begin(), y.end()) || std::any_of(x.begin(), x.end(), outside) ||
      std::any_of(y.begin(), y.end(), outside)) {
    throw Error(
        "malformed score calibration: it must map sorted scores in [0, 1] to sorted "
        "probabilities in [0, 1]");
  }
  return calibration;
}

std::vector<ScoredEntity> scored_entities(const std::vector<Span>& gold,
                                          const std::vector<Span>& predicted,
                                          const std::vector<double>& scores) {
  std::vector<ScoredEntity> entities;
  for (std::size_t i = 0; i < predicted.size() && i < scores.size(); ++i) {
    const Span& span = predicted[i];
    const bool right = std::any_of(gold.begin(), gold.end(), [&](const Span& g) {
      return g.type == span.type && g.begin == span.begin && g.end == span.end;
    });
    entities.push_back({scores[i], right});
  }
  return entities;
}

ScoreCalibration fit_isotonic(std::vector<ScoredEntity> entities) {
  std::sort(entities.begin(), entities.end(),
            [](const ScoredEntity& a, const ScoredEntity& b) { return a.score < b.score; });
  struct Block {
    double score_sum = 0;
    double right = 0;
    double count = 0;
  };
  std::vector<Block> blocks;
  for (const ScoredEntity& entity : entities) {
    blocks.push_back({entity.score, entity.correct ? 1.0 : 0.0, 1.0});
    // Pool while the fit would decrease: the mean of a block may not exceed
    // the mean of the block after it.
    while (blocks.size() > 1) {
      Block& last = blocks.back();
      Block& before = blocks[blocks.size() - 2];
      if (before.right / before.count < last.right / last.count) break;
      before.score_sum += last.score_sum;
      before.right += last.right;
      before.count += last.count;
      blocks.pop_back();
    }
  }
  ScoreCalibration calibration;
  for (const Block& block : blocks) {
    calibration.scores.push_back(std::clamp(block.score_sum / block.count, 0.0, 1.0));
    calibration.probabilities.push_back(block.right / block.count);
  }
  return calibration;
}

double expected_calibration_error(const std::vector<ScoredEntity>& entities, std::size_t bins) {
  if (entities.empty() || bins == 0) return 0.0;
  double error = 0.0;
  for (const ScoreBin& bin : score_bins(entities, bins))
    error += std::fabs(bin.right - bin.score_sum);
  return error / static_cast<double>(entities.size());
}

nlohmann::json reliability_table(const std::vector<ScoredEntity>& entities, std::size_t bins) {
  const std::vector<ScoreBin> binned = score_bins(entities, bins);
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t b = 0; b < binned.size(); ++b) {
    if (binned[b].count == 0) continue;
    rows.push_back({{"from", static_cast<double>(b) / static_cast<double>(bins)},
                    {"to", static_cast<double>(b + 1) / static_cast<double>(bins)},
                    {"entities", static_cast<std::size_t>(binned[b].count)},
                    {"mean_score", binned[b].score_sum / binned[b].count},
                    {"right", binned[b].right / binned[b].count}});
  }
  return rows;
}

std::vector<ScoredEntity> calibrated(const std::vector<ScoredEntity>& entities,
                                     const ScoreCalibration& calibration) {
  std::vector<ScoredEntity> result = entities;
  for (ScoredEntity& entity : result)
    entity.score = calibration(entity.score);
  return result;
}

}  // namespace ner
