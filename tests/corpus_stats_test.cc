#include "tools/corpus/corpus_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "datasets/corpus.h"
#include "tests/test_util.h"

namespace ner {
namespace {

CorpusStats stats_of(const std::vector<std::string>& inputs) {
  CorpusStats stats;
  for (const std::string& input : inputs)
    stats.add(parse_tagged_text(input, "doc"));
  return stats;
}

TEST(CorpusStats, CountsDocumentsCharactersAndForms) {
  const CorpusStats stats = stats_of({
      "<model>GPT-3</model> and <model>GPT-3</model> and <model>OPT</model>",
      "Σ nothing tagged",
      "<year>2020</year>",
  });
  EXPECT_EQ(stats.documents(), 3u);
  EXPECT_EQ(stats.documents_without_entities(), 1u);
  EXPECT_EQ(stats.bytes(), 23u + 17u + 4u);
  EXPECT_EQ(stats.characters(), 23u + 16u + 4u);
  EXPECT_EQ(stats.total_mentions(), 4u);
  EXPECT_EQ(stats.type(EntityType::kModel).mentions, 3u);
  EXPECT_EQ(stats.type(EntityType::kModel).forms.size(), 2u);
  const auto top = stats.top_forms(EntityType::kModel, 10);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0], (std::pair<std::string, std::size_t>{"GPT-3", 2}));
  EXPECT_EQ(top[1], (std::pair<std::string, std::size_t>{"OPT", 1}));
  EXPECT_EQ(stats.top_forms(EntityType::kModel, 1).size(), 1u);
  EXPECT_TRUE(stats.top_forms(EntityType::kCountry, 10).empty());
}

TEST(CorpusStats, TopFormsBreakTiesByForm) {
  const CorpusStats stats =
      stats_of({"<year>2021</year> <year>2019</year> <year>2020</year> <year>2020</year>"});
  const auto top = stats.top_forms(EntityType::kYear, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].first, "2020");
  EXPECT_EQ(top[1].first, "2019");
  EXPECT_EQ(top[2].first, "2021");
}

TEST(CorpusStats, BoundaryVariants) {
  const CorpusStats stats = stats_of({
      "on <hardware>512 NVIDIA A100 GPUs</hardware>, on 1,408 <hardware>NVIDIA A100 "
      "GPUs</hardware>",
      "eight <hardware>TPU v4 chips</hardware>; <hardware>thirty-two H100s</hardware>",
      "a single <hardware>NVIDIA V100</hardware>",
      "in <country>the United States</country>, the <country>United Kingdom</country>, "
      "<country>China</country>",
      "<params>7B parameters</params> <params>13B</params> <model>Foo LLM</model> "
      "<model>Bar-2</model> <model> Baz</model>",
  });
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kHardwareCountInside), 2u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kHardwareCountOutside), 2u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kHardwareNoCount), 1u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kCountryTheInside), 1u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kCountryTheOutside), 1u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kCountryNoThe), 1u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kParamsUnitWordInside), 1u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kModelGenericInside), 1u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kWhitespaceAtEdge), 1u);
}

TEST(CorpusStats, SeedsTableAndJson) {
  CorpusStats stats;
  for_each_document(testing::seeds_dir(), CorpusOptions{},
                    [&](Document&& document) { stats.add(document); });
  EXPECT_EQ(stats.documents(), 3u);
  EXPECT_EQ(stats.total_mentions(), 28u);
  EXPECT_EQ(stats.type(EntityType::kModel).mentions, 9u);
  EXPECT_EQ(stats.type(EntityType::kParams).mentions, 4u);
  EXPECT_EQ(stats.type(EntityType::kCountry).mentions, 4u);
  EXPECT_EQ(stats.type(EntityType::kYear).mentions, 4u);
  EXPECT_EQ(stats.type(EntityType::kHardware).mentions, 4u);
  EXPECT_EQ(stats.type(EntityType::kTraining).mentions, 3u);
  // 512 NVIDIA A100 GPUs twice; 1,408 outside once; next-generation H100 GPUs.
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kHardwareCountInside), 2u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kHardwareCountOutside), 1u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kHardwareNoCount), 1u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kCountryTheInside), 3u);
  EXPECT_EQ(stats.variant_count(BoundaryVariant::kCountryTheOutside), 1u);

  const nlohmann::json json = stats_to_json(stats, 10);
  EXPECT_EQ(json["documents"], 3);
  EXPECT_EQ(json["entities"], 28);
  EXPECT_EQ(json["types"]["model"]["distinct_forms"], 3);
  EXPECT_EQ(json["types"]["model"]["top_forms"][0]["form"], "NeuraScale-9");
  EXPECT_EQ(json["types"]["model"]["top_forms"][0]["count"], 7);
  EXPECT_EQ(json["boundary_variants"]["hardware_count_outside"], 1);

  const std::string table = stats_to_table(stats, 10);
  EXPECT_NE(table.find("NeuraScale-9"), std::string::npos);
  EXPECT_NE(table.find("hardware: count right before the span"), std::string::npos);
}

TEST(CorpusStats, TableShowsAWrappedFormOnOneLine) {
  const CorpusStats wrapped = stats_of({"<model>Neura\nScale</model> and <model>OPT</model>"});
  const CorpusStats unwrapped = stats_of({"<model>NeuraScale</model> and <model>OPT</model>"});
  EXPECT_EQ(wrapped.top_forms(EntityType::kModel, 1)[0].first, "Neura\nScale");
  const std::string table = stats_to_table(wrapped, 5);
  const auto lines = [](const std::string& text) {
    return std::count(text.begin(), text.end(), '\n');
  };
  EXPECT_EQ(lines(table), lines(stats_to_table(unwrapped, 5)));
  EXPECT_NE(table.find("       1  Neura\\nScale\n"), std::string::npos) << table;
  // JSON keeps the form as it is.
  EXPECT_EQ(stats_to_json(wrapped, 5)["types"]["model"]["top_forms"][0]["form"], "Neura\nScale");
}

}  // namespace
}  // namespace ner
