#include "datasets/windows.h"

#include <fmt/format.h>

#include "base/error.h"

namespace ner {

std::vector<Window> make_windows(std::size_t piece_count, std::size_t max_len, std::size_t stride) {
  if (max_len == 0 || stride == 0 || stride > max_len) {
    throw Error(
        fmt::format("windows need 0 < stride <= max_len (stride {}, max_len {})", stride, max_len));
  }
  std::vector<Window> windows;
  for (std::size_t begin = 0; begin < piece_count; begin += stride) {
    if (begin + max_len >= piece_count) {
      // The last window ends at the document's end, starting earlier if that
      // keeps it full, so no piece sits at the edge of every window.
      const std::size_t start = piece_count > max_len ? piece_count - max_len : 0;
      if (windows.empty() || windows.back().end < piece_count)
        windows.push_back(Window{start, piece_count});
      break;
    }
    windows.push_back(Window{begin, begin + max_len});
  }
  return windows;
}

}  // namespace ner
