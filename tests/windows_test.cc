#include "datasets/windows.h"

#include <gtest/gtest.h>

#include "datasets/error.h"

namespace ner {
namespace {

std::vector<std::pair<std::size_t, std::size_t>> ranges(const std::vector<Window>& windows) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const Window& w : windows)
    out.emplace_back(w.begin, w.end);
  return out;
}

TEST(Windows, ShortDocumentIsOneWindow) {
  EXPECT_EQ(ranges(make_windows(5, 8, 4)),
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 5}}));
  EXPECT_EQ(ranges(make_windows(8, 8, 4)),
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 8}}));
  EXPECT_TRUE(make_windows(0, 8, 4).empty());
}

TEST(Windows, LongDocumentOverlapsAndEndsAtTheEnd) {
  EXPECT_EQ(ranges(make_windows(20, 8, 6)),
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 8}, {6, 14}, {12, 20}}));
  EXPECT_EQ(ranges(make_windows(10, 8, 8)),
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 8}, {2, 10}}));
}

TEST(Windows, EveryPieceIsCoveredAndWindowsAreFull) {
  for (std::size_t n : {1u, 7u, 64u, 100u, 1000u, 2561u}) {
    const auto windows = make_windows(n, 64, 48);
    std::vector<bool> covered(n, false);
    for (const Window& w : windows) {
      EXPECT_LE(w.end - w.begin, 64u);
      if (n >= 64) {
        EXPECT_EQ(w.end - w.begin, 64u);
      }
      for (std::size_t i = w.begin; i < w.end; ++i)
        covered[i] = true;
    }
    for (std::size_t i = 0; i < n; ++i)
      EXPECT_TRUE(covered[i]) << "piece " << i << " of " << n;
    EXPECT_EQ(windows.back().end, n);
  }
}

TEST(Windows, RejectsBadSizes) {
  EXPECT_THROW(make_windows(10, 0, 1), Error);
  EXPECT_THROW(make_windows(10, 8, 0), Error);
  EXPECT_THROW(make_windows(10, 8, 9), Error);
}

}  // namespace
}  // namespace ner
