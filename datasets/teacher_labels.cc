#include "datasets/teacher_labels.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"

namespace ner {

std::string_view teacher_verdict_name(TeacherVerdict verdict) {
  switch (verdict) {
    case TeacherVerdict::kAdded:
      return "added";
    case TeacherVerdict::kAgreed:
      return "agreed";
    case TeacherVerdict::kBelowThreshold:
      return "below_threshold";
    case TeacherVerdict::kContradictsKnowledge:
      return "contradicts_knowledge";
    case TeacherVerdict::kOverlapsLabel:
      return "overlaps_label";
  }
  return "?";
}

void TeacherCounts::add(EntityType type, TeacherVerdict verdict) {
  ++per_type[static_cast<std::size_t>(type)][static_cast<std::size_t>(verdict)];
}

std::size_t TeacherCounts::total(TeacherVerdict verdict) const {
  std::size_t sum = 0;
  for (const auto& counts : per_type)
    sum += counts[static_cast<std::size_t>(verdict)];
  return sum;
}

std::size_t TeacherCounts::offered() const {
  std::size_t sum = 0;
  for (std::size_t v = 0; v < kTeacherVerdictCount; ++v)
    sum += total(static_cast<TeacherVerdict>(v));
  return sum;
}

nlohmann::json TeacherCounts::to_json() const {
  nlohmann::json json = {{"offered", offered()}};
  for (std::size_t v = 0; v < kTeacherVerdictCount; ++v) {
    const auto verdict = static_cast<TeacherVerdict>(v);
    json[std::string(teacher_verdict_name(verdict))] = total(verdict);
  }
  nlohmann::json types = nlohmann::json::object();
  for (const EntityType type : kEntityTypes) {
    nlohmann::json counts = nlohmann::json::object();
    for (std::size_t v = 0; v < kTeacherVerdictCount; ++v)
      counts[std::string(teacher_verdict_name(static_cast<TeacherVerdict>(v)))] =
          per_type[static_cast<std::size_t>(type)][v];
    types[std::string(tag_name(type))] = counts;
  }
  json["types"] = types;
  return json;
}

std::vector<Span> merge_teacher_entities(const std::vector<Span>& labels,
                                         const std::vector<Span>& teacher,
                                         const std::vector<double>& scores,
                                         const std::array<double, kEntityTypeCount>& least_score,
                                         const std::function<bool(const Span&)>& contradicted,
                                         TeacherCounts& counts) {
  std::vector<Span> merged = labels;
  for (std::size_t i = 0; i < teacher.size(); ++i) {
    const Span& entity = teacher[i];
    TeacherVerdict verdict = TeacherVerdict::kAdded;
    const auto overlapping = std::find_if(labels.begin(), labels.end(), [&](const Span& label) {
      return label.begin < entity.end && entity.begin < label.end;
    });
    if (overlapping != labels.end()) {
      verdict = overlapping->type == entity.type && overlapping->begin == entity.begin &&
                        overlapping->end == entity.end
                    ? TeacherVerdict::kAgreed
                    : TeacherVerdict::kOverlapsLabel;
    } else if (i >= scores.size() ||
               scores[i] < least_score[static_cast<std::size_t>(entity.type)]) {
      verdict = TeacherVerdict::kBelowThreshold;
    } else if (contradicted && contradicted(entity)) {
      verdict = TeacherVerdict::kContradictsKnowledge;
    }
    counts.add(entity.type, verdict);
    if (verdict == TeacherVerdict::kAdded) merged.push_back(entity);
  }
  std::sort(merged.begin(), merged.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  return merged;
}

std::optional<TeacherEntities> teacher_entities(const Predictions& teacher, std::string_view name,
                                                std::string_view text) {
  const auto found = teacher.by_key.find(document_key(name));
  if (found == teacher.by_key.end() || !found->second.document) return std::nullopt;
  const Prediction& prediction = found->second;
  if (prediction.document->text != text) {
    throw Error(fmt::format("{}: the teacher's text of {} is not the input's (tag the same texts)",
                            prediction.source, name));
  }
  if (prediction.scores.size() != prediction.document->spans.size()) {
    throw Error(fmt::format("{}: teacher entities need a \"score\" each (ner-tag -f jsonl)",
                            prediction.source));
  }
  return TeacherEntities{prediction.document->spans, prediction.scores};
}

std::size_t drop_teacher_outside(UnknownRanges& ranges, const std::vector<Span>& teacher) {
  std::size_t kept = 0;
  for (std::size_t r = 0; r < ranges.ranges.size(); ++r) {
    const TextRange range = ranges.ranges[r];
    const UnknownRule rule = ranges.rules[r];
    const bool touched = std::any_of(teacher.begin(), teacher.end(), [&](const Span& entity) {
      return entity.begin < range.end && range.begin < entity.end;
    });
    if (!touched && rule != UnknownRule::kTaggedForm) {
      --ranges.per_rule[static_cast<std::size_t>(rule)];
      continue;
    }
    ranges.ranges[kept] = range;
    ranges.rules[kept] = rule;
    ++kept;
  }
  const std::size_t dropped = ranges.ranges.size() - kept;
  ranges.ranges.resize(kept);
  ranges.rules.resize(kept);
  return dropped;
}

}  // namespace ner
