// The generator's vocabulary: model names and name parts, accelerators,
// countries, organisations, benchmarks and the other things papers mention.
#pragma once

#include <string>
#include <vector>

namespace ner::corpus {

struct Chip {
  std::string vendor;                 // "NVIDIA", or "" when the vendor is never written
  std::string name;                   // "A100"
  std::vector<std::string> variants;  // memory or form-factor forms: "A100-80GB", "80GB A100"
  std::vector<std::string> units;     // "GPUs", "chips", ...
};

struct Country {
  std::string name;        // "United States"
  bool takes_the = false;  // written "the United States"
  std::vector<std::string> cities;
  std::vector<std::string> organisations;
  std::string adjective;  // "American": a hard negative
};

struct KnowledgeBase {
  std::vector<std::string> real_models;
  std::vector<std::string> name_roots;     // invented family names
  std::vector<std::string> name_suffixes;  // "Chat", "Instruct", "Pro", ...
  std::vector<std::string> greek_letters;  // "α", "Alpha", ...
  std::vector<Chip> chips;
  std::vector<Country> countries;
  std::vector<std::string> regions;  // hard negatives: "Europe"
  std::vector<std::string> benchmarks;
  std::vector<std::string> codebases;
  std::vector<std::string> network_gear;
  std::vector<std::string> cpus;
  std::vector<std::string> datasets;
  std::vector<std::string> techniques;
  std::vector<std::string> clusters;  // named supercomputers, not hardware
  std::vector<std::string> months;
  std::vector<std::string> number_words;  // index = value, 0..20
};

// Built once from the builtin knowledge tables (datasets/knowledge/), in
// their order: the generator's output depends on it.
const KnowledgeBase& knowledge_base();

}  // namespace ner::corpus
