#include "models/document_entities.h"

#include <algorithm>

#include "base/error.h"
#include "base/utf8.h"
#include "datasets/builtin_knowledge.h"
#include "datasets/grapheme_clusters.h"
#include "datasets/text_words.h"

namespace ner {
namespace {

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Marks that enclose or follow a name without being part of it: quotes,
// Markdown emphasis and code, hedges ("~33 days"). Brackets are handled apart,
// since "(40G * 8)" may close inside an entity.
constexpr std::string_view kLeadingMarks[] = {"\"",     "'",      "`",      "*",      "_",     "~",
                                              "\u201c", "\u2018", "\u00ab", "\u201e", "\u2248"};
constexpr std::string_view kTrailingMarks[] = {"\"", "'", "`", "*", "_",      ".",      ",",
                                               ";",  ":", "!", "?", "\u201d", "\u2019", "\u00bb"};

constexpr std::string_view kBracketPairs[] = {"()", "[]", "{}", "<>"};

std::size_t count_of(std::string_view text, char c) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), c));
}

// The length of a mark or a bracket it leaves open at the span's first byte;
// 0 when there is none.
std::size_t leading_mark_length(std::string_view span) {
  for (const std::string_view mark : kLeadingMarks)
    if (span.substr(0, mark.size()) == mark) return mark.size();
  for (const std::string_view pair : kBracketPairs)
    if (!span.empty() && span.front() == pair[0] &&
        (count_of(span, pair[0]) > count_of(span, pair[1]) || span.back() == pair[1]))
      return 1;  // unmatched, or wrapping the whole span: "[GPT-NeoX]"
  return 0;
}

std::size_t trailing_mark_length(std::string_view span) {
  for (const std::string_view mark : kTrailingMarks)
    if (span.size() >= mark.size() && span.substr(span.size() - mark.size()) == mark)
      return mark.size();
  for (const std::string_view pair : kBracketPairs)
    if (!span.empty() && span.back() == pair[1] &&
        count_of(span, pair[1]) > count_of(span, pair[0]))
      return 1;
  return 0;
}

// Entities never begin or end with whitespace (LABELS.md), Unicode spaces
// included; a whitespace piece labeled at an entity's edge is cut off, and
// nothing left means no entity. Nor with the quotes, emphasis, unmatched
// brackets and sentence punctuation around them ("**Llama 2**", "“LLaMA,").
// Nor do they begin or end inside a run of letters and digits: digits are
// pieces of their own, and "20<year>15</year>" is read as the year 2015.
// (Measured on 300 generated raw papers: micro F1 .861 -> .873; real-dev
// .445 -> .478.)
std::vector<Span> trimmed_spans(std::vector<Span> spans, std::string_view text) {
  std::vector<Span> kept;
  for (Span& span : spans) {
    while (span.begin < span.end) {
      const std::string_view content = text.substr(span.begin, span.end - span.begin);
      std::size_t cut = space_length_at(text, span.begin);
      if (cut == 0) cut = leading_mark_length(content);
      if (cut == 0) break;
      span.begin += cut;
    }
    while (span.end > span.begin) {
      const std::string_view content = text.substr(span.begin, span.end - span.begin);
      std::size_t cut = space_length_before(text, span.end);
      if (cut == 0) cut = trailing_mark_length(content);
      if (cut == 0) break;
      span.end -= cut;
    }
    if (span.begin >= span.end) continue;
    const std::size_t floor = kept.empty() ? 0 : kept.back().end;
    const auto inside_word = [&](std::size_t at) {
      return at > 0 && at < text.size() && is_ascii_alnum(text[at - 1]) && is_ascii_alnum(text[at]);
    };
    while (span.begin > floor && inside_word(span.begin))
      --span.begin;
    // Two entities meeting inside one word are one entity (the first's type).
    if (!kept.empty() && span.begin == floor && inside_word(span.begin)) {
      kept.back().end = span.end;
    } else {
      kept.push_back(span);
    }
  }
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const std::size_t ceiling = i + 1 < kept.size() ? kept[i + 1].begin : text.size();
    Span& span = kept[i];
    while (span.end < ceiling && is_ascii_alnum(text[span.end - 1]) &&
           is_ascii_alnum(text[span.end]))
      ++span.end;
  }
  return kept;
}

// Words that end model names while written in lowercase: the builtin
// variant suffixes ("Chat", "Mini", "Large", ...) and size words. Any other
// lowercase word is ordinary English after the name ("Llama 2 comes",
// "TinyLlama project"): of the 2,605 names of Epoch's model table, the 98
// that end in a lowercase word are descriptions ("Stacked hourglass network")
// or end in such a variant word ("GPT-5 nano", "DALL-E mega").
bool is_lowercase_variant_word(std::string_view word) {
  static constexpr std::string_view kSizeWords[] = {"nano",  "micro",  "mega", "preview",
                                                    "small", "medium", "tiny", "instruct"};
  for (const std::string_view size : kSizeWords)
    if (word == size) return true;
  static const std::vector<std::string> suffixes = [] {
    std::vector<std::string> lowered;
    for (const std::string& suffix : builtin_knowledge_column("model_name_suffixes.tsv", "suffix"))
      lowered.push_back(to_lower_ascii(suffix));
    return lowered;
  }();
  return std::find(suffixes.begin(), suffixes.end(), word) != suffixes.end();
}

// A model name never ends in an ordinary lowercase word (LABELS.md: generic
// words stay outside): such words after the last space are cut off.
void cut_trailing_generic_words(std::vector<Span>& spans, std::string_view text) {
  for (Span& span : spans) {
    if (span.type != EntityType::kModel) continue;
    for (;;) {
      const std::string_view content = text.substr(span.begin, span.end - span.begin);
      const std::size_t space = content.find_last_of(' ');
      if (space == std::string_view::npos) break;
      const std::string_view last = content.substr(space + 1);
      const bool lowercase_word =
          !last.empty() && std::all_of(last.begin(), last.end(), is_ascii_lower);
      if (!lowercase_word || is_lowercase_variant_word(last)) break;
      std::size_t end = span.begin + space;
      while (end > span.begin && text[end - 1] == ' ')
        --end;
      span.end = end;
    }
  }
}

bool is_count(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(),
                                      [](char c) { return is_ascii_digit(c) || c == ','; });
}

// Hardware edges as LABELS.md draws them: in "2.8M H800 GPU hours" the chip
// name alone (compute totals are no hardware); a count range, "4 to 16 Cloud
// TPUs", whole.
void fix_hardware_edges(std::vector<Span>& spans, std::string_view text) {
  static constexpr std::string_view kUnitWords[] = {"GPU", "GPUs", "TPU", "TPUs", "chip", "chips"};
  for (std::size_t i = 0; i < spans.size(); ++i) {
    Span& span = spans[i];
    if (span.type != EntityType::kHardware) continue;
    std::size_t after = span.end;
    while (after < text.size() && (text[after] == ' ' || text[after] == '-'))
      ++after;
    const std::string_view following = text.substr(after, 4);
    const std::string_view content = text.substr(span.begin, span.end - span.begin);
    const std::size_t space = content.find_last_of(' ');
    if ((following == "hour" || following == "Hour") && space != std::string_view::npos &&
        std::find(std::begin(kUnitWords), std::end(kUnitWords), content.substr(space + 1)) !=
            std::end(kUnitWords)) {
      span.end = span.begin + space;
    }
    const std::size_t first_space = content.find(' ');
    if (first_space == std::string_view::npos || !is_count(content.substr(0, first_space)))
      continue;
    // "<low> to " right before the count.
    constexpr std::string_view kTo = " to ";
    if (span.begin < kTo.size() + 1 || text.substr(span.begin - kTo.size(), kTo.size()) != kTo)
      continue;
    std::size_t low = span.begin - kTo.size();
    while (low > 0 && is_count(text.substr(low - 1, 1)))
      --low;
    const std::size_t floor = i == 0 ? 0 : spans[i - 1].end;
    if (low < span.begin - kTo.size() && low >= floor &&
        (low == 0 || !is_ascii_alnum(text[low - 1])))
      span.begin = low;
  }
}

// A parameter count is no count of tokens, FLOPs, GPU hours or dollars
// (LABELS.md): a params entity whose next word, or the word after a lowercase
// one ("400 billion text tokens"), names such a quantity is dropped.
void drop_other_quantities(std::vector<Span>& spans, std::string_view text) {
  spans.erase(std::remove_if(
                  spans.begin(), spans.end(),
                  [&](const Span& span) {
                    if (span.type != EntityType::kParams) return false;
                    const std::vector<Word> next = split_words(text.substr(span.end, 96));
                    if (next.empty() || next[0].begin == 0) return false;
                    const auto word = [&](std::size_t i) {
                      return text.substr(span.end + next[i].begin, next[i].end - next[i].begin);
                    };
                    if (counts_no_parameters(word(0))) return true;
                    const std::string_view first = word(0);
                    const bool lowercase = std::all_of(first.begin(), first.end(), is_ascii_lower);
                    return lowercase && next.size() > 1 && counts_no_parameters(word(1));
                  }),
              spans.end());
}

}  // namespace

std::vector<Window> decided_ranges(const std::vector<Window>& windows) {
  std::vector<Window> ranges(windows.size());
  for (std::size_t w = 0; w < windows.size(); ++w) {
    ranges[w].begin = windows[w].begin;
    ranges[w].end = windows[w].end;
    if (w > 0) {
      const std::size_t overlap_begin = windows[w].begin;
      const std::size_t overlap_end = std::max(overlap_begin, windows[w - 1].end);
      const std::size_t cut = overlap_begin + (overlap_end - overlap_begin) / 2;
      ranges[w].begin = cut;
      ranges[w - 1].end = std::min(ranges[w - 1].end, cut);
    }
  }
  return ranges;
}

DecodedWindow merge_windows(const std::vector<Window>& windows,
                            const std::vector<DecodedWindow>& decoded, std::size_t piece_count) {
  if (windows.size() != decoded.size())
    throw Error("merge_windows: one decoded window per window expected");
  DecodedWindow merged;
  merged.labels.assign(piece_count, LabelSet::kOutside);
  merged.confidence.assign(piece_count, 1.0f);
  const std::vector<Window> ranges = decided_ranges(windows);
  for (std::size_t w = 0; w < windows.size(); ++w) {
    if (decoded[w].labels.size() != windows[w].end - windows[w].begin ||
        decoded[w].confidence.size() != decoded[w].labels.size())
      throw Error("merge_windows: a window's labels do not match its length");
    for (std::size_t piece = ranges[w].begin; piece < ranges[w].end && piece < piece_count;
         ++piece) {
      merged.labels[piece] = decoded[w].labels[piece - windows[w].begin];
      merged.confidence[piece] = decoded[w].confidence[piece - windows[w].begin];
    }
  }
  return merged;
}

DocumentEntities document_entities(std::string_view text, const std::vector<Piece>& pieces,
                                   const std::vector<Window>& windows,
                                   const std::vector<DecodedWindow>& decoded,
                                   const LabelSet& label_set) {
  const DecodedWindow merged = merge_windows(windows, decoded, pieces.size());
  DocumentEntities entities;
  // Last, so no later step moves an edge into a character again: pieces end
  // wherever the tokenizer cut, and the word rule reads ASCII alone.
  std::vector<Span> spans = trimmed_spans(decode_labels(merged.labels, pieces, label_set), text);
  cut_trailing_generic_words(spans, text);
  fix_hardware_edges(spans, text);
  drop_other_quantities(spans, text);
  entities.spans = snap_spans_to_grapheme_clusters(text, std::move(spans));
  assign_code_point_offsets(text, entities.spans);
  entities.scores = span_confidences(entities.spans, pieces, merged.confidence);
  return entities;
}

}  // namespace ner
