// Grapheme clusters (Unicode UAX #29, by ICU): what a reader sees as one
// character. Entity edges are moved onto their boundaries so no entity splits one.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "datasets/tagged_text.h"

namespace ner {

// The grapheme-cluster boundaries of `text` (valid UTF-8) as byte offsets,
// 0 and text.size() included. For tests and small texts: entity edges use
// snap_spans_to_grapheme_clusters, which looks only where the edges are.
std::vector<std::size_t> grapheme_cluster_boundaries(std::string_view text);

// `spans` (sorted, non-empty, not overlapping; byte offsets into `text`, valid
// UTF-8) with every edge on a grapheme-cluster boundary: a begin inside a
// cluster moves back to the cluster's start and an end forward to its end, so
// an entity keeps the whole character it touched ("e" + combining acute, an
// emoji joined by ZWJ, an Arabic letter with its vowel marks). Spans that then
// meet inside one cluster become one, of the first one's type. Code-point
// offsets are left for the caller to assign. Throws ner::Error when ICU cannot
// segment the text.
std::vector<Span> snap_spans_to_grapheme_clusters(std::string_view text, std::vector<Span> spans);

}  // namespace ner
