// The labelling functions on hand-written sentences, positives and negatives
// from LABELS.md, the overlap rule, and the unknown rules beside them.
#include "datasets/distant_labels.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "datasets/text_words.h"
#include "datasets/tokenizer.h"
#include "datasets/unknown_ranges.h"

namespace ner {
namespace {

using Found = std::vector<std::pair<std::string, EntityType>>;

DistantKnowledge test_knowledge() {
  DistantKnowledge knowledge;
  knowledge.model_names = {"GPT-3", "Llama 2", "BERT", "Transformer", "PaLM 2"};
  knowledge.chips = {{"NVIDIA", "A100"}, {"NVIDIA", "H800"}, {"Google", "TPU v4"}};
  knowledge.chip_units = {"GPUs", "GPU", "chips", "node", "server"};
  knowledge.countries = {"United States", "China", "Sweden", "France"};
  knowledge.takes_the = {"United States"};
  return knowledge;
}

Found label(const std::string& text) {
  const DistantLabeller labeller(test_knowledge(), {"transformer"});
  Found found;
  for (const LabelledSpan& span : resolve_labels(text, labeller.candidates(text)))
    found.emplace_back(text.substr(span.span.begin, span.span.end - span.span.begin),
                       span.span.type);
  return found;
}

TEST(DistantLabels, ParameterCountsOnlyInParameterContexts) {
  EXPECT_EQ(label("a model with 6.7 billion parameters"),
            (Found{{"6.7 billion", EntityType::kParams}}));
  EXPECT_EQ(label("we train a 1.3B-parameter model"), (Found{{"1.3B", EntityType::kParams}}));
  EXPECT_EQ(label("sizes of 7B, 13B, and 70B parameters"), (Found{{"7B", EntityType::kParams},
                                                                  {"13B", EntityType::kParams},
                                                                  {"70B", EntityType::kParams}}));
  EXPECT_EQ(label("trained on 300B tokens"), Found{});
  EXPECT_EQ(label("from 7 billion to 70 billion parameters"),
            (Found{{"7 billion", EntityType::kParams}, {"70 billion", EntityType::kParams}}));
  EXPECT_EQ(label("The 70B version and a ~13B model"),
            (Found{{"70B", EntityType::kParams}, {"13B", EntityType::kParams}}));
  EXPECT_EQ(label("A 6 Billion Parameter model with 37B activated"),
            (Found{{"6 Billion", EntityType::kParams}, {"37B", EntityType::kParams}}));
  EXPECT_EQ(label("raised $1B and used 2.8M GPU hours on 52K examples"), Found{});
  EXPECT_EQ(label("pretrained on a 5T-token corpus"), Found{});
  EXPECT_EQ(label("3.5 trillion tokens and 1e24 FLOPs"), Found{});
}

TEST(DistantLabels, ChipsWithCountAndUnitButComputeTotalsTagTheChipAlone) {
  EXPECT_EQ(label("trained on 512 NVIDIA A100 GPUs."),
            (Found{{"512 NVIDIA A100 GPUs", EntityType::kHardware}}));
  EXPECT_EQ(label("ran on 1024 80GB A100s for a month"),
            (Found{{"1024 80GB A100s", EntityType::kHardware}}));
  EXPECT_EQ(label("It used 2.8M H800 GPU hours."), (Found{{"H800", EntityType::kHardware}}));
  EXPECT_EQ(label("a pod of 2048 TPU v4 chips"),
            (Found{{"2048 TPU v4 chips", EntityType::kHardware}}));
  EXPECT_EQ(label("with 384 GPUs"), Found{});
  EXPECT_EQ(label("Hardware: 384 A100 80GB GPUs (48 nodes)"),
            (Found{{"384 A100 80GB GPUs", EntityType::kHardware}}));
  EXPECT_EQ(label("Using a TPU v4-8, or TPUv4s"),
            (Found{{"TPU v4-8", EntityType::kHardware}, {"TPUv4s", EntityType::kHardware}}));
}

TEST(DistantLabels, ChipsWithMemoryGluedCountsAndMarkdownLinks) {
  EXPECT_EQ(label("using 16 A100-40G GPUs"), (Found{{"16 A100-40G GPUs", EntityType::kHardware}}));
  EXPECT_EQ(label("a machine with 4 A100 80G GPUs"),
            (Found{{"4 A100 80G GPUs", EntityType::kHardware}}));
  EXPECT_EQ(label("a single 8XA100 40GB node, or an 8X A100 40GB node"),
            (Found{{"8XA100 40GB node", EntityType::kHardware},
                   {"8X A100 40GB node", EntityType::kHardware}}));
  EXPECT_EQ(label("with a single A100 server."), (Found{{"A100 server", EntityType::kHardware}}));
  EXPECT_EQ(label("[14.8 days of compute on 10,000 A100s](https://arxiv.org/pdf/2104.10350)"),
            (Found{{"10,000 A100s", EntityType::kHardware}}));
  EXPECT_EQ(label("an A100 8B model"),
            (Found{{"A100", EntityType::kHardware}, {"8B", EntityType::kParams}}))
      << "8B is a size, not memory";
  EXPECT_EQ(label("see https://example.com/A100s now"), Found{});
}

TEST(DistantLabels, ModelNamesWithVariantsButNotInsideOtherNamesOrLinks) {
  EXPECT_EQ(label("We compare GPT-3 and Llama-2-70B."),
            (Found{{"GPT-3", EntityType::kModel}, {"Llama-2-70B", EntityType::kModel}}));
  EXPECT_EQ(label("GPT-3.5 is newer"), Found{});
  EXPECT_EQ(label("see https://example.com/GPT-3 now"), Found{});
  EXPECT_EQ(label("The Transformer architecture"), Found{}) << "an ordinary word of the corpus";
  EXPECT_EQ(label("BERTology and gpt-3"), Found{});
  EXPECT_EQ(label("PaLM 2 and PaLM-2"),
            (Found{{"PaLM 2", EntityType::kModel}, {"PaLM-2", EntityType::kModel}}));
  EXPECT_EQ(label("models built upon Llama, and Llama 2"),
            (Found{{"Llama", EntityType::kModel}, {"Llama 2", EntityType::kModel}}))
      << "the family of a versioned name";
  EXPECT_EQ(label("a GPT model"), Found{}) << "families of three letters are left out";
}

TEST(DistantLabels, DurationsAndYearsNeedTheirContext) {
  EXPECT_EQ(label("The model was trained for 21 days."),
            (Found{{"21 days", EntityType::kTraining}}));
  EXPECT_EQ(label("Training took two weeks on the cluster."),
            (Found{{"two weeks", EntityType::kTraining}}));
  EXPECT_EQ(label("It took 2.8M GPU hours in total."), Found{});
  EXPECT_EQ(label("We waited 3 days for the data."), Found{});
  EXPECT_EQ(label("BERT was released in 2018."),
            (Found{{"BERT", EntityType::kModel}, {"2018", EntityType::kYear}}));
  EXPECT_EQ(label("Its data cutoff is released 2023"), Found{});
  EXPECT_EQ(label("the 2023 Sustainable AI Standards"), Found{});
}

TEST(DistantLabels, TrainingDurationsWithTheirWordAfterThem) {
  EXPECT_EQ(label("roughly ~33 days of continuous training on 1024 GPUs"),
            (Found{{"33 days", EntityType::kTraining}}));
  EXPECT_EQ(label("we need 33 days to fully train at this scale"),
            (Found{{"33 days", EntityType::kTraining}}));
  EXPECT_EQ(label("This will run for about 4 days using DDP."),
            (Found{{"4 days", EntityType::kTraining}}));
  EXPECT_EQ(label("SQuAD can be trained in around 30 minutes"),
            (Found{{"30 minutes", EntityType::kTraining}}));
  EXPECT_EQ(label("pre-training on over 10,000 hours of robot data"), Found{});
  EXPECT_EQ(label("GPT-3 was trained with 14.8 days of compute"),
            (Found{{"GPT-3", EntityType::kModel}, {"14.8 days", EntityType::kTraining}}));
  EXPECT_EQ(label("We waited 3 days. Training was fast."), Found{})
      << "the training word is in the next sentence";
}

TEST(DistantLabels, YearsOfFullDatesNearReleaseTrainingOrDateWords) {
  const auto years = [](const std::string& text) {
    std::vector<std::string> found;
    for (const auto& [span, type] : label(text))
      if (type == EntityType::kYear) found.push_back(span);
    return found;
  };
  using Years = std::vector<std::string>;
  EXPECT_EQ(years("LLaMA was trained between December. 2022 and Feb. 2023."),
            (Years{"2022", "2023"}));
  EXPECT_EQ(years("As of July 3rd, 2022, GLM-130B has been trained on 400B tokens"), Years{"2022"});
  EXPECT_EQ(years("**Release Date Estimate:** Monday, 11.July.2022"), Years{"2022"});
  EXPECT_EQ(years("- Started 11th March, 2022 11:42am PST\n- Estimated end: 5th July, 2022"),
            (Years{"2022", "2022"}));
  EXPECT_EQ(years("The training has started on 2023-09-01."), Years{"2023"});
  EXPECT_EQ(years("@misc{gpt-j,\n  year = 2021,\n  month = May\n}"), Years{"2021"});
  EXPECT_EQ(years("released with data available up to November 2023"), Years{});
  EXPECT_EQ(years("We met in March 2021 to discuss benchmarks."), Years{})
      << "a date with no release, training or date word";
  EXPECT_EQ(years("version 2023-09-01 of the dataset"), Years{});
  EXPECT_EQ(years("released on 2021-03-11 and added to Hugging Face Transformers on 2022-07-18."),
            Years{"2021"});
}

TEST(DistantLabels, CountriesOfOriginButNotOrganisations) {
  EXPECT_EQ(label("developed in the United States and France"),
            (Found{{"the United States", EntityType::kCountry}, {"France", EntityType::kCountry}}));
  EXPECT_EQ(label("Tsinghua University, Beijing, China"), (Found{{"China", EntityType::kCountry}}));
  EXPECT_EQ(label("a model by AI Sweden"), Found{});
  EXPECT_EQ(label("China Mobile released it"), Found{});
}

TEST(DistantLabels, LongerSpansWinAndTiesGoToTheEarlierFunction) {
  std::vector<LabelledSpan> candidates(3);
  candidates[0] = {{EntityType::kParams, 4, 7, 0, 0}, LabellingFunction::kParamsInContext};
  candidates[1] = {{EntityType::kModel, 0, 7, 0, 0}, LabellingFunction::kModelNames};
  candidates[2] = {{EntityType::kYear, 9, 13, 0, 0}, LabellingFunction::kReleaseYear};
  const auto kept = resolve_labels("GPT-175B 2020", candidates);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].source, LabellingFunction::kModelNames);
  EXPECT_EQ(kept[1].source, LabellingFunction::kReleaseYear);
  std::vector<LabelledSpan> tie(2);
  tie[0] = {{EntityType::kModel, 0, 4, 0, 0}, LabellingFunction::kModelNames};
  tie[1] = {{EntityType::kHardware, 0, 4, 0, 0}, LabellingFunction::kChipNames};
  const auto winner = resolve_labels("A100", tie);
  ASSERT_EQ(winner.size(), 1u);
  EXPECT_EQ(winner[0].source, LabellingFunction::kChipNames);
  EXPECT_EQ(winner[0].span.char_end, 4u);
}

TEST(DistantLabels, UserTablesAddNamesAndCountryLists) {
  DistantKnowledge knowledge;
  add_knowledge_column(knowledge, KnowledgeKind::kModels,
                       {"meta-llama/Llama-3-8B", "Gopher (280B)"});
  add_knowledge_column(knowledge, KnowledgeKind::kChips, {"NVIDIA H100 SXM5 80GB", "Ascend 910"});
  add_knowledge_column(knowledge, KnowledgeKind::kCountries,
                       {"United States of America,Korea (Republic of)"});
  EXPECT_EQ(knowledge.model_names, (std::vector<std::string>{"Llama-3-8B", "Gopher"}));
  ASSERT_EQ(knowledge.chips.size(), 2u);
  EXPECT_EQ(knowledge.chips[0].vendor, "NVIDIA");
  EXPECT_EQ(knowledge.chips[0].name, "H100 SXM5 80GB");
  EXPECT_EQ(knowledge.countries, (std::vector<std::string>{"United States of America", "Korea"}));
}

TEST(TextWords, TrimOuterPunctuationAndKeepInnerDotsAndCommas) {
  const std::string text = "(GPT-3.5), \u201cLlama\u201d 1,408 A100s.\u00a0v1.5: [21]";
  std::vector<std::string> words;
  for (const Word& word : split_words(text))
    words.emplace_back(word_text(text, word));
  EXPECT_EQ(words, (std::vector<std::string>{"GPT-3.5", "Llama", "1,408", "A100s", "v1.5", "21"}));
  EXPECT_TRUE(is_number("1,408"));
  EXPECT_TRUE(is_number("6.7"));
  EXPECT_FALSE(is_number("1,40"));
  EXPECT_FALSE(is_number("1.2.3"));
  EXPECT_EQ(scaled_number_digits("175B"), 3u);
  EXPECT_EQ(scaled_number_digits("1.5T"), 3u);
  EXPECT_EQ(scaled_number_digits("175Bx"), 0u);
  EXPECT_TRUE(is_year_between("2023", 1990, 2035));
  EXPECT_FALSE(is_year_between("1024", 1990, 2035));
}

TEST(TextWords, TokensSplitOffEveryMarkAndSentencesEndAtStopsAndBlankLines) {
  const std::string text =
      "(Falcon-40B), GPT-3. \u201cLlama\u201d\nwraps here...\nNext one!\n\nNew para";
  std::vector<std::string> tokens;
  std::vector<std::string> sentence_starts;
  for (const TextToken& token : split_tokens(text)) {
    tokens.push_back(text.substr(token.begin, token.end - token.begin));
    if (token.starts_sentence) sentence_starts.push_back(tokens.back());
  }
  EXPECT_EQ(tokens, (std::vector<std::string>{"(", "Falcon-40B", ")", ",", "GPT-3", ".", "\u201c",
                                              "Llama", "\u201d", "wraps", "here", ".", ".", ".",
                                              "Next", "one", "!", "New", "para"}));
  // A line break after a word ("Llama" wraps on) continues the sentence.
  EXPECT_EQ(sentence_starts, (std::vector<std::string>{"(", "Next", "New"}));
  EXPECT_TRUE(split_tokens(" \n\t").empty());
}

TEST(UnknownRanges, LeaveUndecidedWhatWeakLabelsMayHaveMissed) {
  Document document;
  document.text =
      "NeuraScale-9 beats NeuraScale-7 and DeepSeek with 7B parameters on 300B tokens in 2021, "
      "trained for 3 weeks in France using 1.2M GPU hours; the model is fine.";
  document.spans = {{EntityType::kModel, 0, 12, 0, 0}};
  UnknownRules rules;
  rules.country_names = {"France"};
  rules.outside_forms = {"GPU"};
  const UnknownRanges found = find_unknown_ranges(document, rules);
  std::vector<std::string> texts;
  for (const TextRange& range : found.ranges)
    texts.push_back(document.text.substr(range.begin, range.end - range.begin));
  EXPECT_EQ(texts, (std::vector<std::string>{"NeuraScale-7", "DeepSeek", "7B", "2021", "3 weeks",
                                             "France"}));
  EXPECT_EQ(found.per_rule[static_cast<std::size_t>(UnknownRule::kTaggedForm)], 1u);
  EXPECT_EQ(found.per_rule[static_cast<std::size_t>(UnknownRule::kNameLike)], 1u);
  rules.outside_forms.insert("DeepSeek");
  EXPECT_EQ(find_unknown_ranges(document, rules).ranges.size(), 5u);
}

TEST(UnknownRanges, YearsOfLicencesCutOffsAndPostsStayOutside) {
  Document document;
  document.text =
      "Posted on: January 7, 2022. The data has a cutoff of September 2021, some up to July "
      "2023. We released it in 2020.";
  const UnknownRanges found = find_unknown_ranges(document, UnknownRules{});
  std::vector<std::string> texts;
  for (const TextRange& range : found.ranges)
    texts.push_back(document.text.substr(range.begin, range.end - range.begin));
  EXPECT_EQ(texts, (std::vector<std::string>{"2020"}));
}

TEST(UnknownRanges, MarkThePiecesTheyTouch) {
  const std::vector<Piece> pieces = {{1, 0, 0, 3}, {2, 3, 4, 8}, {3, 8, 9, 12}, {4, 12, 12, 13}};
  EXPECT_EQ(unknown_piece_mask({{5, 7}}, pieces), (std::vector<std::uint8_t>{0, 1, 0, 0}));
  EXPECT_EQ(unknown_piece_mask({{0, 1}, {9, 12}}, pieces), (std::vector<std::uint8_t>{1, 0, 1, 0}));
  EXPECT_EQ(unknown_piece_mask({}, pieces), (std::vector<std::uint8_t>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace ner
