// The corpus generator: varied, realistic documents about ML models in seven
// writing styles, each with a gold twin and a weak (incomplete, noisy) version.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/splits.h"
#include "datasets/tagged_text.h"

namespace ner::corpus {

enum class Style : unsigned char {
  kNews,             // news-like paragraphs as in the seeds, some wrapped in <p>
  kAbstract,         // paper abstracts
  kSurvey,           // survey entries "Name [12]: ..."
  kModelCard,        // spec-sheet lines "Parameters: 7B"
  kTrainingDetails,  // training-details paragraphs of technical reports
  kComparison,       // paragraphs comparing several models
  kRawPaper,         // PDF-extracted paper text: TEXT lines, headings, math, wrapping
};
inline constexpr std::size_t kStyleCount = 7;

std::string_view style_name(Style style);

// "all", or a comma-separated list of style names with optional weights:
// "news=2,abstract,raw-paper=0.5". Throws ner::Error on unknown names.
std::array<double, kStyleCount> parse_style_weights(std::string_view spec);

struct GeneratorOptions {
  std::size_t documents = 1000;
  std::uint64_t seed = 1;
  // Fraction of gold mentions left untagged in the weak version; repeat
  // mentions and comparison models are dropped three times as often.
  double drop_rate = 0.25;
  // Fraction of the weak spans that have a boundary variant (a hardware span
  // with its count, a country span with "the") written in the variant form
  // (count or "the" outside the tag).
  double boundary_noise = 0.15;
  std::array<double, kStyleCount> style_weights{1, 1, 1, 1, 1, 1, 1};
  // Documents go to train/, dev/ and test/ subfolders, and a model name is
  // used in one split only, so held-out splits measure unseen names.
  bool name_split = false;
  SplitFractions split_fractions;
};

struct GeneratedDocument {
  std::string name;  // relative path, e.g. "000042.txt" or "test/000042.txt"
  Style style = Style::kNews;
  Split split = Split::kTrain;
  std::string text;  // plain text, identical in the gold and the weak version
  std::vector<Span> gold;
  std::vector<Span> weak;
  std::size_t variant_eligible = 0;  // weak spans that could take a variant
  std::size_t variants = 0;          // weak spans written in the variant form
};

// Document `index` of the corpus described by `options`. Depends only on the
// options and the index, never on the thread that runs it.
GeneratedDocument generate_document(const GeneratorOptions& options, std::size_t index);

// The split a model name belongs to under --name-split (a hash of the name).
Split split_of_name(std::string_view name, const SplitFractions& fractions);

struct GenerationTotals {
  std::size_t documents = 0;
  std::size_t gold_mentions = 0;
  std::size_t weak_mentions = 0;
  std::size_t variant_eligible = 0;
  std::size_t variants = 0;
  std::array<std::size_t, kStyleCount> per_style{};

  void add(const GeneratedDocument& document);
  GenerationTotals& operator+=(const GenerationTotals& other);
  double drop_rate() const;
  double boundary_noise() const;
};

struct WriteOptions {
  std::filesystem::path out;       // weak version (or untagged text when raw)
  std::filesystem::path gold_out;  // gold twin; empty: not written
  bool raw = false;                // write the text untagged instead of the weak version
  int threads = 1;
  std::function<void(std::size_t done, std::size_t total)> progress;
};

// Generates and writes the corpus, each file atomically (temporary file, then
// rename). Throws ner::Error naming the file on any write failure.
GenerationTotals write_corpus(const GeneratorOptions& options, const WriteOptions& write);

}  // namespace ner::corpus
