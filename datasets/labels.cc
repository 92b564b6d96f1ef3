#include "datasets/labels.h"

#include <fmt/format.h>

#include "base/error.h"

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

TransitionRules transition_rules(const LabelSet& label_set) {
  const std::size_t count = label_set.size();
  TransitionRules rules;
  rules.allowed.assign(count, std::vector<bool>(count, false));
  rules.allowed_start.assign(count, false);
  rules.allowed_end.assign(count, false);
  const bool bilou = label_set.scheme() == TagScheme::kBilou;
  for (std::size_t to = 0; to < count; ++to) {
    const char to_prefix = label_set.prefix_of(static_cast<int>(to));
    const bool continues = to_prefix == 'I' || to_prefix == 'L';
    rules.allowed_start[to] = !continues;
    for (std::size_t from = 0; from < count; ++from) {
      const char from_prefix = label_set.prefix_of(static_cast<int>(from));
      const bool from_open = from_prefix == 'B' || from_prefix == 'I';  // an entity that may go on
      const bool same_type =
          from_prefix != 'O' && to_prefix != 'O' &&
          label_set.type_of(static_cast<int>(from)) == label_set.type_of(static_cast<int>(to));
      bool ok;
      if (continues) {
        ok = from_open && same_type;
      } else {
        ok = !(bilou && from_open);  // in BILOU an open entity must be continued
      }
      rules.allowed[from][to] = ok;
    }
    const char prefix = to_prefix;
    rules.allowed_end[to] = !(bilou && (prefix == 'B' || prefix == 'I'));
  }
  return rules;
}

bool is_valid_sequence(const std::vector<int>& labels, const TransitionRules& rules) {
  if (labels.empty()) return true;
  if (!rules.allowed_start[static_cast<std::size_t>(labels.front())]) return false;
  for (std::size_t i = 1; i < labels.size(); ++i) {
    if (!rules
             .allowed[static_cast<std::size_t>(labels[i - 1])][static_cast<std::size_t>(labels[i])])
      return false;
  }
  return rules.allowed_end[static_cast<std::size_t>(labels.back())];
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
    // A lone whitespace piece has no content: nothing to report.
    if (open && (ended_by_last || !need_last) && current.begin < current.end)
      spans.push_back(current);
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

void close_window_edges(std::vector<int>& labels, const LabelSet& label_set) {
  if (labels.empty()) return;
  const auto relabel = [&](int& label, char from, char to) {
    if (label == LabelSet::kOutside || label_set.prefix_of(label) != from) return;
    const EntityType type = label_set.type_of(label);
    switch (to) {
      case 'B':
        label = label_set.begin(type);
        break;
      case 'L':
        label = label_set.last(type);
        break;
      default:
        label = label_set.unit(type);
        break;
    }
  };
  const bool bilou = label_set.scheme() == TagScheme::kBilou;
  relabel(labels.front(), 'I', 'B');
  if (!bilou) return;
  relabel(labels.front(), 'L', 'U');
  relabel(labels.back(), 'B', 'U');
  relabel(labels.back(), 'I', 'L');
}

std::vector<double> span_confidences(const std::vector<Span>& spans,
                                     const std::vector<Piece>& pieces,
                                     const std::vector<float>& piece_confidence) {
  std::vector<double> confidences;
  confidences.reserve(spans.size());
  std::size_t first = 0;  // spans and pieces are both in text order
  for (const Span& span : spans) {
    while (first < pieces.size() && pieces[first].end <= span.begin)
      ++first;
    double sum = 0;
    std::size_t count = 0;
    for (std::size_t i = first; i < pieces.size() && pieces[i].content_begin < span.end; ++i) {
      if (pieces[i].end > span.begin && i < piece_confidence.size()) {
        sum += piece_confidence[i];
        ++count;
      }
    }
    confidences.push_back(count == 0 ? 0.0 : sum / static_cast<double>(count));
  }
  return confidences;
}

}  // namespace ner
