// Long documents as overlapping windows of at most max_len pieces, so every
// piece is seen with context; used by the dataset pipeline and the tagger.
#pragma once

#include <cstddef>
#include <vector>

namespace ner {

struct Window {
  std::size_t begin = 0;  // first piece
  std::size_t end = 0;    // one past the last piece
};

// Windows [0, max_len), [stride, stride + max_len), ..., the last one ending
// at piece_count. An empty document gets no window. Throws ner::Error unless
// 0 < stride <= max_len.
std::vector<Window> make_windows(std::size_t piece_count, std::size_t max_len, std::size_t stride);

}  // namespace ner
