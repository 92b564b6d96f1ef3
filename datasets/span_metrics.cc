#include "datasets/span_metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace ner {
namespace {

double ratio(std::size_t numerator, std::size_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

bool overlaps(const Span& a, const Span& b) {
  return a.begin < b.end && b.begin < a.end;
}
bool same_span(const Span& a, const Span& b) {
  return a.begin == b.begin && a.end == b.end;
}

// One-to-one matching of predictions to gold spans under `matches`. Both
// lists are sorted and non-overlapping, so matching each prediction to the
// leftmost unmatched candidate is a maximum matching.
template <typename Match>
std::vector<int> match_spans(const std::vector<Span>& gold, const std::vector<Span>& predicted,
                             Match matches) {
  std::vector<int> gold_of_prediction(predicted.size(), -1);
  std::vector<bool> used(gold.size(), false);
  std::size_t first = 0;
  for (std::size_t p = 0; p < predicted.size(); ++p) {
    while (first < gold.size() && gold[first].end <= predicted[p].begin)
      ++first;
    for (std::size_t g = first; g < gold.size() && gold[g].begin < predicted[p].end; ++g) {
      if (!used[g] && matches(gold[g], predicted[p])) {
        used[g] = true;
        gold_of_prediction[p] = static_cast<int>(g);
        break;
      }
    }
  }
  return gold_of_prediction;
}

template <typename Field>
double macro(const Scores& scores, bool partial, Field field) {
  const auto& per_type = partial ? scores.partial : scores.strict;
  double sum = 0;
  std::size_t types = 0;
  for (const Counts& counts : per_type) {
    if (counts.gold == 0 && counts.predicted == 0) continue;
    sum += field(counts);
    ++types;
  }
  return types == 0 ? 0.0 : sum / static_cast<double>(types);
}

}  // namespace

nlohmann::json Counts::to_json() const {
  return {{"gold", gold},       {"predicted", predicted},
          {"correct", correct}, {"precision", precision()},
          {"recall", recall()}, {"f1", f1()}};
}

double Counts::precision() const {
  return ratio(correct, predicted);
}
double Counts::recall() const {
  return ratio(correct, gold);
}
double Counts::f1() const {
  const double p = precision();
  const double r = recall();
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

Counts& Counts::operator+=(const Counts& other) {
  gold += other.gold;
  predicted += other.predicted;
  correct += other.correct;
  return *this;
}

Counts Scores::micro_strict() const {
  Counts total;
  for (const Counts& counts : strict)
    total += counts;
  return total;
}

Counts Scores::micro_partial() const {
  Counts total;
  for (const Counts& counts : partial)
    total += counts;
  return total;
}

double Scores::macro_f1(bool use_partial) const {
  return macro(*this, use_partial, [](const Counts& c) { return c.f1(); });
}
double Scores::macro_precision(bool use_partial) const {
  return macro(*this, use_partial, [](const Counts& c) { return c.precision(); });
}
double Scores::macro_recall(bool use_partial) const {
  return macro(*this, use_partial, [](const Counts& c) { return c.recall(); });
}

nlohmann::json Scores::to_json() const {
  nlohmann::json types = nlohmann::json::object();
  for (const EntityType type : kEntityTypes) {
    types[std::string(tag_name(type))] = {{"strict", strict[index_of(type)].to_json()},
                                          {"partial", partial[index_of(type)].to_json()}};
  }
  nlohmann::json confusion_json = nlohmann::json::object();
  for (const EntityType gold : kEntityTypes) {
    nlohmann::json row = nlohmann::json::object();
    for (const EntityType predicted : kEntityTypes) {
      row[std::string(tag_name(predicted))] = confusion[index_of(gold)][index_of(predicted)];
    }
    confusion_json[std::string(tag_name(gold))] = std::move(row);
  }
  const auto macro_json = [&](bool use_partial) {
    return nlohmann::json{{"precision", macro_precision(use_partial)},
                          {"recall", macro_recall(use_partial)},
                          {"f1", macro_f1(use_partial)}};
  };
  return {{"types", std::move(types)},
          {"micro", {{"strict", micro_strict().to_json()}, {"partial", micro_partial().to_json()}}},
          {"macro", {{"strict", macro_json(false)}, {"partial", macro_json(true)}}},
          {"boundary", boundary.to_json()},
          {"confusion", std::move(confusion_json)}};
}

std::string Scores::to_table() const {
  std::string out = fmt::format("{:<10}{:>7}{:>7} | {:>7}{:>7}{:>7} | {:>7}{:>7}{:>7}\n", "type",
                                "gold", "pred", "P", "R", "F1", "P~", "R~", "F1~");
  out += std::string(73, '-') + "\n";
  const auto row = [&](std::string_view name, const Counts& s, const Counts& p) {
    out += fmt::format("{:<10}{:>7}{:>7} | {:>7.3f}{:>7.3f}{:>7.3f} | {:>7.3f}{:>7.3f}{:>7.3f}\n",
                       name, s.gold, s.predicted, s.precision(), s.recall(), s.f1(), p.precision(),
                       p.recall(), p.f1());
  };
  for (const EntityType type : kEntityTypes)
    row(tag_name(type), strict[index_of(type)], partial[index_of(type)]);
  out += std::string(73, '-') + "\n";
  row("micro", micro_strict(), micro_partial());
  const Counts micro = micro_strict();
  out +=
      fmt::format("{:<10}{:>7}{:>7} | {:>7.3f}{:>7.3f}{:>7.3f} | {:>7.3f}{:>7.3f}{:>7.3f}\n",
                  "macro", micro.gold, micro.predicted, macro_precision(false), macro_recall(false),
                  macro_f1(false), macro_precision(true), macro_recall(true), macro_f1(true));
  out += fmt::format("{:<10}{:>7}{:>7} | {:>7.3f}{:>7.3f}{:>7.3f}   (exact span, any type)\n",
                     "boundary", boundary.gold, boundary.predicted, boundary.precision(),
                     boundary.recall(), boundary.f1());
  out +=
      "\nP, R, F1: strict (same type, exact span); P~, R~, F1~: partial (same type, overlapping "
      "span)\n";
  out += "\nConfusion over exact spans (rows gold, columns predicted)\n";
  out += fmt::format("{:<10}", "");
  for (const EntityType type : kEntityTypes)
    out += fmt::format("{:>10}", tag_name(type));
  out += "\n";
  for (const EntityType gold : kEntityTypes) {
    out += fmt::format("{:<10}", tag_name(gold));
    for (const EntityType predicted : kEntityTypes) {
      out += fmt::format("{:>10}", confusion[index_of(gold)][index_of(predicted)]);
    }
    out += "\n";
  }
  return out;
}

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kMissed:
      return "missed";
    case ErrorKind::kSpurious:
      return "spurious";
    case ErrorKind::kWrongType:
      return "wrong type";
    case ErrorKind::kWrongBoundary:
      return "wrong boundary";
  }
  return "error";
}

void SpanEvaluator::add(const std::vector<Span>& gold, const std::vector<Span>& predicted) {
  for (const Span& span : gold) {
    ++scores_.strict[index_of(span.type)].gold;
    ++scores_.partial[index_of(span.type)].gold;
  }
  for (const Span& span : predicted) {
    ++scores_.strict[index_of(span.type)].predicted;
    ++scores_.partial[index_of(span.type)].predicted;
  }
  scores_.boundary.gold += gold.size();
  scores_.boundary.predicted += predicted.size();

  const auto strict = match_spans(gold, predicted, [](const Span& g, const Span& p) {
    return g.type == p.type && same_span(g, p);
  });
  const auto partial = match_spans(gold, predicted, [](const Span& g, const Span& p) {
    return g.type == p.type && overlaps(g, p);
  });
  const auto boundary =
      match_spans(gold, predicted, [](const Span& g, const Span& p) { return same_span(g, p); });
  for (std::size_t p = 0; p < predicted.size(); ++p) {
    const std::size_t type = index_of(predicted[p].type);
    if (strict[p] >= 0) ++scores_.strict[type].correct;
    if (partial[p] >= 0) ++scores_.partial[type].correct;
    if (boundary[p] >= 0) {
      ++scores_.boundary.correct;
      const Span& g = gold[static_cast<std::size_t>(boundary[p])];
      ++scores_.confusion[index_of(g.type)][type];
    }
  }
}

std::vector<ErrorCase> find_errors(const std::string& document_name, const std::vector<Span>& gold,
                                   const std::vector<Span>& predicted) {
  std::vector<ErrorCase> errors;
  for (const Span& g : gold) {
    const bool touched = std::any_of(predicted.begin(), predicted.end(),
                                     [&](const Span& p) { return overlaps(g, p); });
    if (!touched) errors.push_back(ErrorCase{ErrorKind::kMissed, document_name, g, std::nullopt});
  }
  for (const Span& p : predicted) {
    bool touched = false;
    for (const Span& g : gold) {
      if (!overlaps(g, p)) continue;
      touched = true;
      if (same_span(g, p) && g.type != p.type) {
        errors.push_back(ErrorCase{ErrorKind::kWrongType, document_name, g, p});
      } else if (!same_span(g, p) && g.type == p.type) {
        errors.push_back(ErrorCase{ErrorKind::kWrongBoundary, document_name, g, p});
      }
    }
    if (!touched) errors.push_back(ErrorCase{ErrorKind::kSpurious, document_name, std::nullopt, p});
  }
  std::sort(errors.begin(), errors.end(), [](const ErrorCase& a, const ErrorCase& b) {
    const std::size_t at = a.gold ? a.gold->begin : a.predicted->begin;
    const std::size_t bt = b.gold ? b.gold->begin : b.predicted->begin;
    return at < bt;
  });
  return errors;
}

std::string describe_error(const ErrorCase& error, const std::string& text) {
  const auto show = [&](const Span& span) {
    return fmt::format(
        "<{}>{}</{}>", tag_name(span.type),
        escape_line_breaks(std::string_view(text).substr(span.begin, span.end - span.begin)),
        tag_name(span.type));
  };
  std::string what;
  switch (error.kind) {
    case ErrorKind::kMissed:
      what = "missed " + show(*error.gold);
      break;
    case ErrorKind::kSpurious:
      what = "spurious " + show(*error.predicted);
      break;
    case ErrorKind::kWrongType:
    case ErrorKind::kWrongBoundary:
      what = fmt::format("{}: gold {}, predicted {}", error_kind_name(error.kind),
                         show(*error.gold), show(*error.predicted));
      break;
  }
  const Span& anchor = error.gold ? *error.gold : *error.predicted;
  constexpr std::size_t kContext = 40;
  std::size_t from = anchor.begin > kContext ? anchor.begin - kContext : 0;
  std::size_t to = std::min(text.size(), anchor.end + kContext);
  // Keep the context on UTF-8 character boundaries.
  while (from > 0 && (static_cast<unsigned char>(text[from]) & 0xC0u) == 0x80u)
    --from;
  while (to < text.size() && (static_cast<unsigned char>(text[to]) & 0xC0u) == 0x80u)
    ++to;
  std::string context = text.substr(from, to - from);
  std::replace(context.begin(), context.end(), '\n', ' ');
  return fmt::format("{}: {}  | {}{}{}", error.document, what, from > 0 ? "..." : "", context,
                     to < text.size() ? "..." : "");
}

}  // namespace ner
