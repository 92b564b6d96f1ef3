#include "train/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/error.h"

namespace ner {
namespace {

const double kPi = std::acos(-1.0);

}  // namespace

DecayKind parse_decay_kind(std::string_view name) {
  if (name == "linear") return DecayKind::kLinear;
  if (name == "cosine") return DecayKind::kCosine;
  throw Error(fmt::format("unknown schedule '{}': use linear or cosine", name));
}

std::string_view decay_kind_name(DecayKind kind) {
  return kind == DecayKind::kLinear ? "linear" : "cosine";
}

double learning_rate_at(std::int64_t step, std::int64_t total_steps, std::int64_t warmup_steps,
                        double peak, DecayKind decay) {
  if (total_steps <= 0) return peak;
  step = std::clamp<std::int64_t>(step, 0, total_steps);
  if (step < warmup_steps)
    return peak * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  const std::int64_t decay_steps = std::max<std::int64_t>(1, total_steps - warmup_steps);
  const double progress =
      std::min(1.0, static_cast<double>(step - warmup_steps) / static_cast<double>(decay_steps));
  if (decay == DecayKind::kLinear) return peak * (1.0 - progress);
  return peak * 0.5 * (1.0 + std::cos(kPi * progress));
}

}  // namespace ner
