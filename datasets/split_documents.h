// A dataset split's documents rebuilt from its overlapping windows: each piece
// once, its label, and the windows over it; for scoring predictions per document.
#pragma once

#include <cstddef>
#include <vector>

#include "datasets/dataset_file.h"
#include "datasets/tokenizer.h"
#include "datasets/windows.h"

namespace ner {

struct SplitDocument {
  std::vector<Piece> pieces;          // each piece once, in text order
  std::vector<int> labels;            // one per piece
  std::vector<std::size_t> windows;   // the split's windows over this document, in order
  std::vector<Window> window_pieces;  // the pieces each of them covers, within the document
};

// One entry per document name. Throws ner::Error when overlapping windows
// disagree on a piece or leave a gap: the file is then not a valid dataset.
std::vector<SplitDocument> split_documents(const DatasetSplit& split);

}  // namespace ner
