#include "train/schedule.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace ner {
namespace {

TEST(Schedule, LinearWarmupThenLinearDecay) {
  // 10 warmup steps of 100: 0.1, 0.2, ... 1.0 of the peak, then down to 0.
  EXPECT_DOUBLE_EQ(learning_rate_at(0, 100, 10, 1.0, DecayKind::kLinear), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate_at(9, 100, 10, 1.0, DecayKind::kLinear), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate_at(10, 100, 10, 1.0, DecayKind::kLinear), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate_at(55, 100, 10, 1.0, DecayKind::kLinear), 0.5);
  EXPECT_DOUBLE_EQ(learning_rate_at(100, 100, 10, 1.0, DecayKind::kLinear), 0.0);
  EXPECT_DOUBLE_EQ(learning_rate_at(500, 100, 10, 1.0, DecayKind::kLinear), 0.0);
}

TEST(Schedule, CosineDecay) {
  EXPECT_DOUBLE_EQ(learning_rate_at(0, 100, 0, 2.0, DecayKind::kCosine), 2.0);
  EXPECT_NEAR(learning_rate_at(50, 100, 0, 2.0, DecayKind::kCosine), 1.0, 1e-12);
  EXPECT_NEAR(learning_rate_at(100, 100, 0, 2.0, DecayKind::kCosine), 0.0, 1e-12);
  // Monotone after warmup.
  double previous = 3.0;
  for (int step = 0; step <= 100; ++step) {
    const double rate = learning_rate_at(step, 100, 0, 2.0, DecayKind::kCosine);
    EXPECT_LE(rate, previous);
    previous = rate;
  }
  EXPECT_EQ(parse_decay_kind("cosine"), DecayKind::kCosine);
  EXPECT_THROW(parse_decay_kind("step"), Error);
}

}  // namespace
}  // namespace ner
