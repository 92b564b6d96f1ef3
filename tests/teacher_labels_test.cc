// Teacher entities joining distant labels: thresholds per type on hand-made
// scores, agreement and overlap with labels, the knowledge guard, and counts.
#include "datasets/teacher_labels.h"

#include <gtest/gtest.h>

namespace ner {
namespace {

Span span(EntityType type, std::size_t begin, std::size_t end) {
  return {type, begin, end, begin, end};
}

TEST(TeacherLabels, ConfidentEntitiesJoinWhereNothingSpeaksAgainstThem) {
  const std::vector<Span> labels = {span(EntityType::kModel, 0, 5),
                                    span(EntityType::kHardware, 20, 30)};
  const std::vector<Span> teacher = {
      span(EntityType::kModel, 0, 5),      // agrees with a label
      span(EntityType::kModel, 10, 15),    // confident: added
      span(EntityType::kYear, 16, 19),     // below the year's own least score
      span(EntityType::kModel, 22, 26),    // inside the hardware label
      span(EntityType::kModel, 40, 44),    // contradicted by the knowledge tables
      span(EntityType::kParams, 50, 53)};  // at exactly its least score: added
  const std::vector<double> scores = {0.99, 0.91, 0.95, 0.99, 0.99, 0.6};
  std::array<double, kEntityTypeCount> least{};
  least.fill(0.9);
  least[static_cast<std::size_t>(EntityType::kYear)] = 0.97;
  least[static_cast<std::size_t>(EntityType::kParams)] = 0.6;
  TeacherCounts counts;
  const std::vector<Span> merged = merge_teacher_entities(
      labels, teacher, scores, least, [](const Span& entity) { return entity.begin == 40; },
      counts);
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0], labels[0]);
  EXPECT_EQ(merged[1], teacher[1]);
  EXPECT_EQ(merged[2], labels[1]);
  EXPECT_EQ(merged[3], teacher[5]);
  EXPECT_EQ(counts.offered(), 6u);
  EXPECT_EQ(counts.total(TeacherVerdict::kAdded), 2u);
  EXPECT_EQ(counts.total(TeacherVerdict::kAgreed), 1u);
  EXPECT_EQ(counts.total(TeacherVerdict::kBelowThreshold), 1u);
  EXPECT_EQ(counts.total(TeacherVerdict::kOverlapsLabel), 1u);
  EXPECT_EQ(counts.total(TeacherVerdict::kContradictsKnowledge), 1u);
  const nlohmann::json json = counts.to_json();
  EXPECT_EQ(json["types"]["model"]["added"], 1);
  EXPECT_EQ(json["types"]["params"]["added"], 1);
  EXPECT_EQ(json["types"]["year"]["below_threshold"], 1);
}

TEST(TeacherLabels, EntitiesWithoutScoresAreNeverAdded) {
  TeacherCounts counts;
  std::array<double, kEntityTypeCount> least{};
  const std::vector<Span> merged =
      merge_teacher_entities({}, {span(EntityType::kModel, 0, 3)}, {}, least, {}, counts);
  EXPECT_TRUE(merged.empty());
  EXPECT_EQ(counts.total(TeacherVerdict::kBelowThreshold), 1u);
}

// Unknown ranges the teacher left outside its entities become O; those it
// touched, and untagged repeats of a form the document tags, stay unknown.
TEST(TeacherLabels, ConfidentOutsideDropsOnlyUntouchedRanges) {
  const std::string text = "Foo-7 beats BarNet-2, ZapLM and Foo-7 on A100 in 2023.";
  Document document{"a.txt", text, {span(EntityType::kModel, 0, 5)}};
  UnknownRanges ranges = find_unknown_ranges(document, UnknownRules{});
  const auto range_texts = [&] {
    std::vector<std::string> texts;
    for (const TextRange& range : ranges.ranges)
      texts.push_back(text.substr(range.begin, range.end - range.begin));
    return texts;
  };
  ASSERT_EQ(range_texts(),
            (std::vector<std::string>{"BarNet-2", "ZapLM", "Foo-7", "A100", "2023"}));
  ASSERT_EQ(ranges.rules.size(), ranges.ranges.size());
  const std::size_t zap = text.find("ZapLM"), a100 = text.find("A100");
  const std::vector<Span> teacher = {span(EntityType::kModel, zap, zap + 5),
                                     span(EntityType::kHardware, a100 - 3, a100 + 2)};
  EXPECT_EQ(drop_teacher_outside(ranges, teacher), 2u);
  EXPECT_EQ(range_texts(), (std::vector<std::string>{"ZapLM", "Foo-7", "A100"}));
  EXPECT_EQ(ranges.rules.size(), 3u);
  EXPECT_EQ(ranges.per_rule[static_cast<std::size_t>(UnknownRule::kNameLike)], 2u);
  EXPECT_EQ(ranges.per_rule[static_cast<std::size_t>(UnknownRule::kYear)], 0u);
  EXPECT_EQ(ranges.per_rule[static_cast<std::size_t>(UnknownRule::kTaggedForm)], 1u);
  // No teacher entities at all: only the tagged form stays.
  EXPECT_EQ(drop_teacher_outside(ranges, {}), 2u);
  EXPECT_EQ(range_texts(), (std::vector<std::string>{"Foo-7"}));
}

}  // namespace
}  // namespace ner
