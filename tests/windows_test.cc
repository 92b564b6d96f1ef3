#include "datasets/windows.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "datasets/split_documents.h"

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

TEST(Windows, SplitDocumentsRebuildsEachDocumentOnce) {
  DatasetSplit split;
  split.document_names = {"a.txt", "b.txt"};
  const auto add_window = [&](int document, std::size_t first, std::size_t count) {
    for (std::size_t i = first; i < first + count; ++i) {
      split.piece_ids.push_back(static_cast<std::int32_t>(100 * document + i));
      split.labels.push_back(static_cast<std::int8_t>(i % 3));
      split.unknown.push_back(0);
      split.piece_begin.push_back(static_cast<std::int64_t>(2 * i));
      split.piece_content_begin.push_back(static_cast<std::int64_t>(2 * i));
      split.piece_end.push_back(static_cast<std::int64_t>(2 * i + 2));
    }
    split.window_offsets.push_back(static_cast<std::int64_t>(split.piece_ids.size()));
    split.window_document.push_back(document);
    split.window_first_piece.push_back(static_cast<std::int64_t>(first));
  };
  add_window(0, 0, 4);
  add_window(0, 2, 4);
  add_window(1, 0, 3);
  const auto documents = split_documents(split);
  ASSERT_EQ(documents.size(), 2u);
  EXPECT_EQ(documents[0].pieces.size(), 6u);
  EXPECT_EQ(documents[0].labels, (std::vector<int>{0, 1, 2, 0, 1, 2}));
  EXPECT_EQ(documents[0].windows, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(ranges(documents[0].window_pieces),
            (std::vector<std::pair<std::size_t, std::size_t>>{{0, 4}, {2, 6}}));
  EXPECT_EQ(documents[1].pieces.size(), 3u);
  EXPECT_EQ(documents[1].pieces[2].end, 6u);

  split.labels[5] = 2;  // the second window now disagrees on piece 3
  EXPECT_THROW(split_documents(split), Error);
}

}  // namespace
}  // namespace ner
