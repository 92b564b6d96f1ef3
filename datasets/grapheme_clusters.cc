#include "datasets/grapheme_clusters.h"

#include <fmt/format.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>

#include "base/error.h"

namespace ner {
namespace {

struct BreakIteratorCloser {
  void operator()(UBreakIterator* iterator) const { ubrk_close(iterator); }
};
struct TextCloser {
  void operator()(UText* text) const { utext_close(text); }
};

// ICU's character break iterator over UTF-8 bytes in place: its indices are
// byte offsets into the text, so no UTF-16 copy and no offset mapping.
class ClusterBreaks {
 public:
  explicit ClusterBreaks(std::string_view text) : size_(text.size()) {
    // ICU's break iterators index with 32-bit integers.
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
      throw Error(
          fmt::format("a text of {} bytes is too long to find its grapheme clusters", text.size()));
    }
    UErrorCode status = U_ZERO_ERROR;
    text_.reset(
        utext_openUTF8(nullptr, text.data(), static_cast<std::int64_t>(text.size()), &status));
    iterator_.reset(ubrk_open(UBRK_CHARACTER, "", nullptr, 0, &status));
    if (U_SUCCESS(status)) ubrk_setUText(iterator_.get(), text_.get(), &status);
    if (U_FAILURE(status)) {
      throw Error(fmt::format("cannot find grapheme clusters (ICU: {})", u_errorName(status)));
    }
  }

  std::size_t cluster_start(std::size_t byte) {
    const auto offset = static_cast<std::int32_t>(byte);
    if (ubrk_isBoundary(iterator_.get(), offset)) return byte;
    const std::int32_t start = ubrk_preceding(iterator_.get(), offset);
    return start == UBRK_DONE ? 0 : static_cast<std::size_t>(start);
  }

  std::size_t cluster_end(std::size_t byte) {
    const auto offset = static_cast<std::int32_t>(byte);
    if (ubrk_isBoundary(iterator_.get(), offset)) return byte;
    const std::int32_t end = ubrk_following(iterator_.get(), offset);
    return end == UBRK_DONE ? size_ : static_cast<std::size_t>(end);
  }

  std::vector<std::size_t> all() {
    std::vector<std::size_t> boundaries;
    for (std::int32_t at = ubrk_first(iterator_.get()); at != UBRK_DONE;
         at = ubrk_next(iterator_.get()))
      boundaries.push_back(static_cast<std::size_t>(at));
    return boundaries;
  }

 private:
  std::size_t size_;
  // Declared before the iterator so it is closed after it: the iterator reads it.
  std::unique_ptr<UText, TextCloser> text_;
  std::unique_ptr<UBreakIterator, BreakIteratorCloser> iterator_;
};

}  // namespace

std::vector<std::size_t> grapheme_cluster_boundaries(std::string_view text) {
  return ClusterBreaks(text).all();
}

std::vector<Span> snap_spans_to_grapheme_clusters(std::string_view text, std::vector<Span> spans) {
  if (spans.empty()) return spans;
  ClusterBreaks breaks(text);
  std::vector<Span> snapped;
  snapped.reserve(spans.size());
  for (Span& span : spans) {
    span.begin = breaks.cluster_start(span.begin);
    span.end = breaks.cluster_end(span.end);
    if (!snapped.empty() && span.begin < snapped.back().end) {
      snapped.back().end = std::max(snapped.back().end, span.end);
    } else {
      snapped.push_back(span);
    }
  }
  return snapped;
}

}  // namespace ner
