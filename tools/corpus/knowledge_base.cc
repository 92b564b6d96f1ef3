#include "tools/corpus/knowledge_base.h"

#include <fmt/format.h>

#include <string_view>
#include <utility>

#include "base/error.h"
#include "datasets/builtin_knowledge.h"

namespace ner::corpus {
namespace {

// The generator picks from every list, so an empty one is an error here
// rather than undefined behaviour later.
std::vector<std::string> non_empty_list(const KnowledgeTable& table, std::size_t row,
                                        std::string_view column) {
  std::vector<std::string> items = split_knowledge_list(table.rows[row][table.column(column)]);
  if (items.empty()) {
    throw Error(
        fmt::format("{}:{}: the column '{}' is empty", table.source, table.row_lines[row], column));
  }
  return items;
}

std::vector<std::string> word_list(std::string_view file_name, std::string_view column) {
  std::vector<std::string> words = builtin_knowledge_column(file_name, column);
  if (words.empty()) throw Error(fmt::format("builtin:{}: no rows", file_name));
  return words;
}

std::vector<Chip> read_chips() {
  const KnowledgeTable table = builtin_knowledge_table("chips.tsv");
  if (table.rows.empty()) throw Error(fmt::format("{}: no rows", table.source));
  const std::size_t vendor = table.column("vendor");
  const std::size_t name = table.column("name");
  const std::size_t variants = table.column("variants");
  std::vector<Chip> chips;
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    Chip chip;
    chip.vendor = table.rows[row][vendor];
    chip.name = table.rows[row][name];
    chip.variants = split_knowledge_list(table.rows[row][variants]);
    chip.units = non_empty_list(table, row, "units");
    chips.push_back(std::move(chip));
  }
  return chips;
}

bool yes_or_no(const KnowledgeTable& table, std::size_t row, std::string_view column) {
  const std::string& value = table.rows[row][table.column(column)];
  if (value == "yes") return true;
  if (value == "no") return false;
  throw Error(fmt::format("{}:{}: {} is 'yes' or 'no', not '{}'", table.source,
                          table.row_lines[row], column, value));
}

std::vector<Country> read_countries() {
  const KnowledgeTable table = builtin_knowledge_table("countries.tsv");
  if (table.rows.empty()) throw Error(fmt::format("{}: no rows", table.source));
  const std::size_t name = table.column("name");
  const std::size_t adjective = table.column("adjective");
  std::vector<Country> countries;
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    Country country;
    country.name = table.rows[row][name];
    country.takes_the = yes_or_no(table, row, "takes_the");
    country.cities = non_empty_list(table, row, "cities");
    country.organisations = non_empty_list(table, row, "organisations");
    country.adjective = table.rows[row][adjective];
    countries.push_back(std::move(country));
  }
  return countries;
}

// The generator indexes this list by value, so the values must count from 0.
std::vector<std::string> read_number_words() {
  const KnowledgeTable table = builtin_knowledge_table("number_words.tsv");
  const std::size_t value = table.column("value");
  const std::size_t word = table.column("word");
  std::vector<std::string> words;
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    if (table.rows[row][value] != std::to_string(row)) {
      throw Error(fmt::format("{}:{}: value {} where {} comes next", table.source,
                              table.row_lines[row], table.rows[row][value], row));
    }
    words.push_back(table.rows[row][word]);
  }
  if (words.size() <= 20) {
    throw Error(fmt::format("{}: the numbers must go up to 20 at least", table.source));
  }
  return words;
}

KnowledgeBase build() {
  KnowledgeBase kb;
  kb.real_models = word_list("models.tsv", "name");
  kb.name_roots = word_list("model_name_roots.tsv", "root");
  kb.name_suffixes = word_list("model_name_suffixes.tsv", "suffix");
  kb.greek_letters = word_list("greek_letters.tsv", "letter");
  kb.chips = read_chips();
  kb.countries = read_countries();
  kb.regions = word_list("regions.tsv", "name");
  kb.benchmarks = word_list("benchmarks.tsv", "name");
  kb.codebases = word_list("codebases.tsv", "name");
  kb.network_gear = word_list("network_gear.tsv", "name");
  kb.cpus = word_list("cpus.tsv", "name");
  kb.datasets = word_list("datasets.tsv", "name");
  kb.techniques = word_list("techniques.tsv", "name");
  kb.clusters = word_list("clusters.tsv", "name");
  kb.months = word_list("months.tsv", "name");
  kb.number_words = read_number_words();
  return kb;
}

}  // namespace

const KnowledgeBase& knowledge_base() {
  static const KnowledgeBase kb = build();
  return kb;
}

}  // namespace ner::corpus
