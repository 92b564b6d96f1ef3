#include "train/batches.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "base/error.h"

namespace ner {
namespace {

DatasetSplit split_with_lengths(const std::vector<int>& lengths) {
  DatasetSplit split;
  split.document_names = {"d"};
  split.document_corpus = {0};
  for (const int length : lengths) {
    for (int i = 0; i < length; ++i) {
      split.piece_ids.push_back(1);
      split.labels.push_back(0);
      split.unknown.push_back(0);
      split.piece_begin.push_back(i);
      split.piece_content_begin.push_back(i);
      split.piece_end.push_back(i + 1);
    }
    split.window_offsets.push_back(static_cast<std::int64_t>(split.piece_ids.size()));
    split.window_document.push_back(0);
    split.window_first_piece.push_back(0);
  }
  return split;
}

TEST(Batches, CorpusWeightsSetEachCorpusShareOfAnEpoch) {
  // 100 windows of corpus 0, 20 of corpus 1 (documents 0 and 1).
  DatasetSplit split = split_with_lengths(std::vector<int>(120, 4));
  split.document_names = {"big", "small"};
  split.document_corpus = {0, 1};
  for (std::size_t w = 100; w < 120; ++w)
    split.window_document[w] = 1;
  const auto count = [&](const std::vector<double>& weights, std::uint64_t epoch) {
    std::map<std::size_t, std::size_t> per_corpus;
    std::set<std::size_t> distinct_small;
    for (const auto& batch : make_batches(split, 8, true, 3, epoch, weights)) {
      for (const std::size_t w : batch) {
        ++per_corpus[w < 100 ? 0 : 1];
        if (w >= 100) distinct_small.insert(w);
      }
    }
    return std::make_pair(per_corpus, distinct_small.size());
  };
  const auto [even, small_seen] = count({1.0, 1.0}, 0);
  EXPECT_EQ(even.at(0), 60u);
  EXPECT_EQ(even.at(1), 60u);
  EXPECT_EQ(small_seen, 20u) << "the small corpus repeats, every window of it drawn";
  const auto [skewed, unused] = count({1.0, 3.0}, 1);
  EXPECT_EQ(skewed.at(0), 30u);
  EXPECT_EQ(skewed.at(1), 90u);
  EXPECT_EQ(make_batches(split, 8, true, 3, 2, {1.0, 3.0}),
            make_batches(split, 8, true, 3, 2, {1.0, 3.0}));
  // Without weights (or unshuffled) every window comes once.
  const auto [plain, all_small] = count({}, 0);
  EXPECT_EQ(plain.at(0), 100u);
  EXPECT_EQ(plain.at(1), 20u);
}

TEST(Batches, EveryWindowOnceAndDeterministicPerSeedAndEpoch) {
  std::mt19937 random(1);
  std::vector<int> lengths;
  for (int i = 0; i < 1000; ++i)
    lengths.push_back(1 + static_cast<int>(random() % 256));
  const DatasetSplit split = split_with_lengths(lengths);
  const auto batches = make_batches(split, 32, true, 7, 0);
  std::multiset<std::size_t> seen;
  for (const auto& batch : batches) {
    EXPECT_LE(batch.size(), 32u);
    seen.insert(batch.begin(), batch.end());
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(std::set<std::size_t>(seen.begin(), seen.end()).size(), 1000u);
  EXPECT_EQ(make_batches(split, 32, true, 7, 0), batches);
  EXPECT_NE(make_batches(split, 32, true, 7, 1), batches);
  // Grouping by length keeps padding far below a random batching.
  const double grouped = padding_fraction(split, batches);
  std::vector<std::size_t> order(1000);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), random);
  std::vector<std::vector<std::size_t>> plain;
  for (std::size_t i = 0; i < order.size(); i += 32) {
    plain.emplace_back(
        order.begin() + static_cast<std::ptrdiff_t>(i),
        order.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(order.size(), i + 32)));
  }
  EXPECT_LT(grouped, 0.1);
  EXPECT_GT(padding_fraction(split, plain), 0.3);
}

TEST(Batches, EvaluationOrderIsFixedAndSortedByLength) {
  const DatasetSplit split = split_with_lengths({5, 1, 3, 2, 4});
  const auto batches = make_batches(split, 2, false, 1, 0);
  EXPECT_EQ(batches, (std::vector<std::vector<std::size_t>>{{1, 3}, {2, 4}, {0}}));
  EXPECT_EQ(make_batches(split, 2, false, 99, 5), batches);
  EXPECT_THROW(make_batches(split, 0, false, 1, 0), Error);
}

}  // namespace
}  // namespace ner
