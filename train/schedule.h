// Learning-rate schedule: linear warmup, then linear or cosine decay to zero.
// A pure function of the step, so a resumed run continues the same curve.
#pragma once

#include <cstdint>
#include <string_view>

namespace ner {

enum class DecayKind { kLinear, kCosine };

// "linear" or "cosine"; throws ner::Error otherwise.
DecayKind parse_decay_kind(std::string_view name);
std::string_view decay_kind_name(DecayKind kind);

// The learning rate for optimizer step `step` (0-based) of `total_steps`.
double learning_rate_at(std::int64_t step, std::int64_t total_steps, std::int64_t warmup_steps,
                        double peak, DecayKind decay);

}  // namespace ner
