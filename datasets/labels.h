// Per-piece labels: the BIO or BILOU label set, spans -> piece labels (with a
// count of boundaries that fall inside a piece), and piece labels -> spans.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/entity_type.h"
#include "datasets/tagged_text.h"
#include "datasets/tokenizer.h"

namespace ner {

enum class TagScheme { kBio, kBilou };

// "bio" or "bilou"; throws ner::Error otherwise.
TagScheme parse_tag_scheme(std::string_view name);

class LabelSet {
 public:
  explicit LabelSet(TagScheme scheme);

  TagScheme scheme() const { return scheme_; }
  // "O", then per type in kEntityTypes order "B-model", "I-model" (BIO) or
  // "B-model", "I-model", "L-model", "U-model" (BILOU).
  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }

  static constexpr int kOutside = 0;
  int begin(EntityType type) const { return label(type, 0); }
  int inside(EntityType type) const { return label(type, 1); }
  int last(EntityType type) const {
    return scheme_ == TagScheme::kBio ? inside(type) : label(type, 2);
  }
  int unit(EntityType type) const {
    return scheme_ == TagScheme::kBio ? begin(type) : label(type, 3);
  }

  // The type a label belongs to, and its prefix letter ('O', 'B', 'I', 'L', 'U').
  EntityType type_of(int label) const;
  char prefix_of(int label) const;

 private:
  int label(EntityType type, int offset) const {
    return 1 + static_cast<int>(index_of(type)) * per_type_ + offset;
  }
  TagScheme scheme_;
  int per_type_;
  std::vector<std::string> names_;
};

// Which label may follow which under the scheme: allowed[from][to], and which
// labels may start a sequence or end one. I-X (and L-X) only continue an
// entity of the same type; in BILOU, B and I must be continued.
struct TransitionRules {
  std::vector<std::vector<bool>> allowed;
  std::vector<bool> allowed_start;
  std::vector<bool> allowed_end;
};
TransitionRules transition_rules(const LabelSet& label_set);

// True when the sequence obeys the rules.
bool is_valid_sequence(const std::vector<int>& labels, const TransitionRules& rules);

struct PieceLabels {
  std::vector<int> labels;                // one per piece
  std::size_t boundaries = 0;             // entity boundaries seen (2 per span)
  std::size_t misaligned_boundaries = 0;  // boundaries strictly inside a piece's content
  std::size_t unrepresentable_spans =
      0;  // spans left out: they share their only pieces with another
};

// Labels the pieces covering each span (a piece belongs to a span when its
// content overlaps it). Spans must be sorted and must not overlap.
PieceLabels label_pieces(const std::vector<Piece>& pieces, const std::vector<Span>& spans,
                         const LabelSet& label_set);

// How label sequences that break the scheme are read. Lenient: a stray I or
// L starts a new entity, as conlleval (and seqeval's default mode) do.
// Strict: only well-formed chunks are entities, as seqeval's strict mode.
enum class DecodeMode { kLenient, kStrict };

// Spans (byte offsets; char offsets left 0) from per-piece labels: from the
// content start of the first piece to the end of the last; empty ones (a
// labeled whitespace piece alone) are left out.
std::vector<Span> decode_labels(const std::vector<int>& labels, const std::vector<Piece>& pieces,
                                const LabelSet& label_set, DecodeMode mode = DecodeMode::kLenient);

// A window cut from a longer document may start or end inside an entity. Its
// first and last labels are rewritten so the window alone obeys the scheme
// (I-X -> B-X at the start; in BILOU also L-X -> U-X there, and B-X -> U-X,
// I-X -> L-X at the end), which the CRF's start and end rules require.
void close_window_edges(std::vector<int>& labels, const LabelSet& label_set);

// Per span, the mean of `piece_confidence` over the pieces whose content
// overlaps it: the entity's confidence from its pieces' label probabilities.
std::vector<double> span_confidences(const std::vector<Span>& spans,
                                     const std::vector<Piece>& pieces,
                                     const std::vector<float>& piece_confidence);

}  // namespace ner
