// A dataset split's documents rebuilt from its overlapping windows, and the
// rule that decides which window labels each piece when predictions are stitched.
#pragma once

#include <cstddef>
#include <vector>

#include "datasets/dataset_file.h"
#include "datasets/tokenizer.h"
#include "datasets/windows.h"

namespace ner {

struct SplitDocument {
  std::vector<Piece> pieces;         // each piece once, in text order
  std::vector<int> labels;           // one per piece
  std::vector<std::size_t> windows;  // the split's windows over this document, in order
};

// One entry per document name. Throws ner::Error when overlapping windows
// disagree on a piece or leave a gap: the file is then not a valid dataset.
std::vector<SplitDocument> split_documents(const DatasetSplit& split);

// For a document's windows (sorted, overlapping, covering it), the piece range
// each window decides: an overlap is cut at its middle, so every piece is
// labeled by a window where it has context on both sides.
std::vector<Window> decided_ranges(const std::vector<Window>& windows);

}  // namespace ner
