// The generator's vocabulary: model names and name parts, accelerators,
// countries, organisations, benchmarks and the other things papers mention.
#pragma once

#include <string_view>
#include <vector>

namespace ner::corpus {

struct Chip {
  std::string_view vendor;                 // "NVIDIA", or "" when the vendor is never written
  std::string_view name;                   // "A100"
  std::vector<std::string_view> variants;  // memory or form-factor forms: "A100-80GB", "80GB A100"
  std::vector<std::string_view> units;     // "GPUs", "chips", ...
};

struct Country {
  std::string_view name;  // "United States"
  bool takes_the;         // written "the United States"
  std::vector<std::string_view> cities;
  std::vector<std::string_view> organisations;
  std::string_view adjective;  // "American": a hard negative
};

struct KnowledgeBase {
  std::vector<std::string_view> real_models;
  std::vector<std::string_view> name_roots;     // invented family names
  std::vector<std::string_view> name_suffixes;  // "Chat", "Instruct", "Pro", ...
  std::vector<std::string_view> greek_letters;  // "α", "Alpha", ...
  std::vector<Chip> chips;
  std::vector<Country> countries;
  std::vector<std::string_view> regions;  // hard negatives: "Europe"
  std::vector<std::string_view> benchmarks;
  std::vector<std::string_view> codebases;
  std::vector<std::string_view> network_gear;
  std::vector<std::string_view> cpus;
  std::vector<std::string_view> datasets;
  std::vector<std::string_view> techniques;
  std::vector<std::string_view> clusters;  // named supercomputers, not hardware
  std::vector<std::string_view> months;
  std::vector<std::string_view> number_words;  // index = value, 0..20
};

const KnowledgeBase& knowledge_base();

}  // namespace ner::corpus
