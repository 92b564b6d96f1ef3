// Entity-level scoring: strict, partial and boundary-only precision, recall
// and F1 per type, micro and macro averages, a type confusion matrix, and the
// mistakes behind the numbers. The one implementation training, ner-eval and
// the benchmarks use.
#pragma once

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "datasets/entity_type.h"
#include "datasets/tagged_text.h"

namespace ner {

struct Counts {
  std::size_t gold = 0;
  std::size_t predicted = 0;
  std::size_t correct = 0;  // predictions matched one-to-one to a gold entity

  // An undefined ratio (nothing predicted, nothing to find) is reported as 0.
  double precision() const;
  double recall() const;
  double f1() const;
  Counts& operator+=(const Counts& other);
  // gold, predicted, correct, precision, recall and f1.
  nlohmann::json to_json() const;
};

struct Scores {
  std::array<Counts, kEntityTypeCount> strict{};   // same type, exact span
  std::array<Counts, kEntityTypeCount> partial{};  // same type, overlapping span, one-to-one
  Counts boundary;                                 // exact span, any type
  // confusion[gold type][predicted type] over predictions whose span equals a gold span.
  std::array<std::array<std::size_t, kEntityTypeCount>, kEntityTypeCount> confusion{};

  Counts micro_strict() const;
  Counts micro_partial() const;
  // Mean F1 (and P, R) over the types that occur in gold or predictions.
  double macro_f1(bool partial) const;
  double macro_precision(bool partial) const;
  double macro_recall(bool partial) const;

  nlohmann::json to_json() const;
  std::string to_table() const;
};

enum class ErrorKind { kMissed, kSpurious, kWrongType, kWrongBoundary };
std::string_view error_kind_name(ErrorKind kind);

struct ErrorCase {
  ErrorKind kind;
  std::string document;
  std::optional<Span> gold;
  std::optional<Span> predicted;
};

class SpanEvaluator {
 public:
  // Adds one document. Spans of each list must be sorted and non-overlapping.
  void add(const std::vector<Span>& gold, const std::vector<Span>& predicted);
  const Scores& scores() const { return scores_; }

 private:
  Scores scores_;
};

// The mistakes in one document: gold entities no prediction overlaps
// (missed), predictions overlapping no gold entity (spurious), exact spans
// with another type, and overlapping same-type spans with other boundaries.
std::vector<ErrorCase> find_errors(const std::string& document_name, const std::vector<Span>& gold,
                                   const std::vector<Span>& predicted);

// "missed <model>GPT-3</model> in: ...context..." for one error.
std::string describe_error(const ErrorCase& error, const std::string& text);

}  // namespace ner
