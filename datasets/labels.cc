#include "datasets/labels.h"

#include <fmt/format.h>

#include "datasets/error.h"

namespace ner {

TagScheme parse_tag_scheme(std::string_view name) {
  if (name == "bio" || name == "BIO") return TagScheme::kBio;
  if (name == "bilou" || name == "BILOU") return TagScheme::kBilou;
  throw Error(fmt::format("unknown tag scheme '{}': use bio or bilou", name));
}

LabelSet::LabelSet(TagScheme scheme)
    : scheme_(scheme), per_type_(scheme == TagScheme::kBio ? 2 : 4) {
  names_.push_back("O");
  const std::string_view prefixes = scheme == TagScheme::kBio ? "BI" : "BILU";
  for (const EntityType type : kEntityTypes) {
    for (const char prefix : prefixes)
      names_.push_back(fmt::format("{}-{}", prefix, tag_name(type)));
  }
}

EntityType LabelSet::type_of(int label) const {
  if (label <= 0 || label >= static_cast<int>(names_.size())) {
    throw Error(fmt::format("label {} has no entity type", label));
  }
  return kEntityTypes[static_cast<std::size_t>((label - 1) / per_type_)];
}

char LabelSet::prefix_of(int label) const {
  if (label < 0 || label >= static_cast<int>(names_.size()))
    throw Error(fmt::format("unknown label {}", label));
  return names_[static_cast<std::size_t>(label)][0];
}

PieceLabels label_pieces(const std::vector<Piece>& pieces, const std::vector<Span>& spans,
                         const LabelSet& label_set) {
  PieceLabels result;
  result.labels.assign(pieces.size(), LabelSet::kOutside);
  std::size_t first_candidate = 0;
  for (const Span& span : spans) {
    result.boundaries += 2;
    // Pieces are sorted and contiguous, so a forward scan finds the first one
    // whose content reaches into the span.
    while (first_candidate < pieces.size() && pieces[first_candidate].end <= span.begin)
      ++first_candidate;
    std::vector<std::size_t> covered;
    for (std::size_t i = first_candidate; i < pieces.size() && pieces[i].content_begin < span.end;
         ++i) {
      const Piece& piece = pieces[i];
      if (piece.end > span.begin && piece.content_begin < span.end) covered.push_back(i);
      if (span.begin > piece.content_begin && span.begin < piece.end)
        ++result.misaligned_boundaries;
      if (span.end > piece.content_begin && span.end < piece.end) ++result.misaligned_boundaries;
    }
    // A piece already labelled belongs to the previous span: drop it from this one.
    while (!covered.empty() && result.labels[covered.front()] != LabelSet::kOutside)
      covered.erase(covered.begin());
    if (covered.empty()) {
      ++result.unrepresentable_spans;
      continue;
    }
    if (covered.size() == 1) {
      result.labels[covered.front()] = label_set.unit(span.type);
      continue;
    }
    for (std::size_t k = 0; k < covered.size(); ++k) {
      const std::size_t i = covered[k];
      if (k == 0) {
        result.labels[i] = label_set.begin(span.type);
      } else if (k + 1 == covered.size()) {
        result.labels[i] = label_set.last(span.type);
      } else {
        result.labels[i] = label_set.inside(span.type);
      }
    }
  }
  return result;
}

std::vector<Span> decode_labels(const std::vector<int>& labels, const std::vector<Piece>& pieces,
                                const LabelSet& label_set, DecodeMode mode) {
  if (labels.size() != pieces.size()) {
    throw Error(fmt::format("{} labels for {} pieces", labels.size(), pieces.size()));
  }
  std::vector<Span> spans;
  bool open = false;
  Span current;
  // A BILOU chunk is well formed only when it ends with L (or is a U).
  const bool need_last = mode == DecodeMode::kStrict && label_set.scheme() == TagScheme::kBilou;
  const auto close = [&](bool ended_by_last) {
    if (open && (ended_by_last || !need_last)) spans.push_back(current);
    open = false;
  };
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int label = labels[i];
    const char prefix = label_set.prefix_of(label);
    if (prefix == 'O') {
      close(false);
      continue;
    }
    const EntityType type = label_set.type_of(label);
    const bool continues = open && current.type == type && (prefix == 'I' || prefix == 'L');
    if (!continues) {
      close(false);
      if (mode == DecodeMode::kStrict && (prefix == 'I' || prefix == 'L'))
        continue;  // not a chunk start
      current = Span{type, pieces[i].content_begin, pieces[i].end, 0, 0};
      open = true;
    } else {
      current.end = pieces[i].end;
    }
    if (prefix == 'U' || prefix == 'L') close(true);
  }
  close(false);
  return spans;
}

}  // namespace ner
