// Self-training labels: a teacher model's confident entities added to a
// document's distant labels where they agree with what is known.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "datasets/entity_type.h"
#include "datasets/predictions.h"
#include "datasets/tagged_text.h"
#include "datasets/unknown_ranges.h"

namespace ner {

// What became of a teacher's entity.
enum class TeacherVerdict {
  kAdded,                 // a new label
  kAgreed,                // a distant label already says the same (type and span)
  kBelowThreshold,        // scored below its type's least score
  kContradictsKnowledge,  // the knowledge tables know the text as another type, or as no entity
  kOverlapsLabel,         // overlaps a distant label otherwise: the label stands
};
inline constexpr std::size_t kTeacherVerdictCount = 5;
std::string_view teacher_verdict_name(TeacherVerdict verdict);

// Counts per type and verdict over a corpus.
struct TeacherCounts {
  std::array<std::array<std::size_t, kTeacherVerdictCount>, kEntityTypeCount> per_type{};

  void add(EntityType type, TeacherVerdict verdict);
  std::size_t total(TeacherVerdict verdict) const;
  std::size_t offered() const;
  // {"offered", "<verdict>": n, ..., "types": {"model": {...}, ...}}
  nlohmann::json to_json() const;
};

// `labels` (a document's distant labels: sorted, not overlapping) with the
// teacher's entities added that score at least their type's least score,
// overlap no label and are not contradicted; sorted. `scores` go with
// `teacher` one to one.
std::vector<Span> merge_teacher_entities(const std::vector<Span>& labels,
                                         const std::vector<Span>& teacher,
                                         const std::vector<double>& scores,
                                         const std::array<double, kEntityTypeCount>& least_score,
                                         const std::function<bool(const Span&)>& contradicted,
                                         TeacherCounts& counts);

// A teacher's entities in one document, with a score each.
struct TeacherEntities {
  std::vector<Span> spans;
  std::vector<double> scores;
};

// The entities `teacher` (ner-tag -f jsonl output) gives the document `name`
// with `text`; nullopt when it has none for it. Throws ner::Error naming the
// prediction's file when its text is another or an entity has no score.
std::optional<TeacherEntities> teacher_entities(const Predictions& teacher, std::string_view name,
                                                std::string_view text);

// Confident O: of a document's unknown ranges, drops those the teacher left
// wholly outside its entities (whatever their scores), so the text there
// trains as O. Untagged repeats of a tagged form stay unknown: the teacher's
// miss of a name the document tags elsewhere is no evidence. `ranges` is as
// find_unknown_ranges gives it (a rule per range). Returns how many ranges
// were dropped.
std::size_t drop_teacher_outside(UnknownRanges& ranges, const std::vector<Span>& teacher);

}  // namespace ner
