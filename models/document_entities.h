// From a document's decoded windows to its entities: the one path that both
// held-out scoring in training and ner-tag take, so their F1 is the same number.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "datasets/labels.h"
#include "datasets/tagged_text.h"
#include "datasets/tokenizer.h"
#include "datasets/windows.h"
#include "models/decoding.h"

namespace ner {

// For a document's windows (sorted, overlapping, covering it), the piece range
// each window decides: an overlap is cut at its middle, so every piece is
// labeled by a window where it has context on both sides.
std::vector<Window> decided_ranges(const std::vector<Window>& windows);

// One label and confidence per piece of a document from its windows' decoded
// labels, each window deciding its range (see decided_ranges). Throws
// ner::Error when a window's labels do not match its length.
DecodedWindow merge_windows(const std::vector<Window>& windows,
                            const std::vector<DecodedWindow>& decoded, std::size_t piece_count);

struct DocumentEntities {
  std::vector<Span> spans;     // byte and code-point offsets into the text
  std::vector<double> scores;  // per span: mean label probability of its pieces
};

// The entities of `text`, tokenized into `pieces` and decoded window by
// window: windows merged, labels read as spans, and span edges trimmed of
// whitespace, moved out of the middle of words ("20<year>15</year>" is
// the year 2015) and onto grapheme-cluster boundaries (an accent, a ZWJ
// sequence or a vowel mark stays with its letter).
DocumentEntities document_entities(std::string_view text, const std::vector<Piece>& pieces,
                                   const std::vector<Window>& windows,
                                   const std::vector<DecodedWindow>& decoded,
                                   const LabelSet& label_set);

}  // namespace ner
