#include "datasets/split_documents.h"

#include <fmt/format.h>

#include "base/error.h"

namespace ner {

std::vector<SplitDocument> split_documents(const DatasetSplit& split) {
  std::vector<SplitDocument> documents(split.document_names.size());
  for (std::size_t w = 0; w < split.window_count(); ++w) {
    const auto index = static_cast<std::size_t>(split.window_document[w]);
    if (index >= documents.size())
      throw Error(fmt::format("window {} names document {} of {}", w, index, documents.size()));
    SplitDocument& document = documents[index];
    document.windows.push_back(w);
    const auto first = static_cast<std::size_t>(split.window_first_piece[w]);
    document.window_pieces.push_back(
        {first,
         first + static_cast<std::size_t>(split.window_offsets[w + 1] - split.window_offsets[w])});
    if (first > document.pieces.size()) {
      throw Error(fmt::format("window {} of '{}' starts at piece {}, leaving a gap after piece {}",
                              w, split.document_names[index], first, document.pieces.size()));
    }
    for (auto i = split.window_offsets[w]; i < split.window_offsets[w + 1]; ++i) {
      const std::size_t position = first + static_cast<std::size_t>(i - split.window_offsets[w]);
      const auto k = static_cast<std::size_t>(i);
      const Piece piece{split.piece_ids[k], static_cast<std::size_t>(split.piece_begin[k]),
                        static_cast<std::size_t>(split.piece_content_begin[k]),
                        static_cast<std::size_t>(split.piece_end[k])};
      if (position == document.pieces.size()) {
        document.pieces.push_back(piece);
        document.labels.push_back(split.labels[k]);
      } else if (document.pieces[position].begin != piece.begin ||
                 document.pieces[position].id != piece.id ||
                 document.labels[position] != split.labels[k]) {
        throw Error(fmt::format("windows of '{}' disagree on piece {}", split.document_names[index],
                                position));
      }
    }
  }
  return documents;
}

}  // namespace ner
