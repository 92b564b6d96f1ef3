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

}  // namespace
}  // namespace ner
