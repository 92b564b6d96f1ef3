#include "datasets/distant_labels.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "datasets/builtin_knowledge.h"
#include "datasets/knowledge_table.h"
#include "datasets/text_words.h"

namespace ner {
namespace {

constexpr std::array<std::string_view, 14> kTrainingWords = {
    "train", "trained", "training",    "pre-trained", "pretrained", "pretraining", "pre-training",
    "took",  "takes",   "fine-tuning", "finetuning",  "fine-tuned", "converged",   "ran"};
constexpr std::array<std::string_view, 17> kReleaseWords = {
    "released",     "release",   "published", "introduced", "announced", "launched",
    "unveiled",     "presented", "proposed",  "developed",  "trained",   "debuted",
    "open-sourced", "date",      "dated",     "created",    "built"};
constexpr std::array<std::string_view, 22> kMonths = {
    "January",   "February", "March",    "April",    "May",  "June", "July", "August",
    "September", "October",  "November", "December", "Jan",  "Feb",  "Mar",  "Apr",
    "Jun",       "Jul",      "Aug",      "Sep",      "Sept", "Oct"};
// Words that date a training run or release when a full date follows them:
// "Started 11th March, 2022", "Estimated end: 5th July, 2022".
constexpr std::array<std::string_view, 9> kDateWords = {
    "dates", "started", "start", "began", "begun", "ended", "end", "finished", "completed"};
// "This will run for about 4 days": a run, close before a duration.
constexpr std::array<std::string_view, 2> kRunWords = {"run", "runs"};
// Suffixes a known name may carry in real text: "Llama-2-70B-Chat".
constexpr std::array<std::string_view, 9> kNameSuffixes = {
    "Chat", "Instruct", "Base", "chat", "instruct", "base", "Code", "Turbo", "turbo"};

std::string trim(std::string_view text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return std::string(text.substr(begin, end - begin));
}

// "GPT-3 (175B)" -> "GPT-3".
std::string without_parentheses(std::string_view text) {
  std::string out;
  int depth = 0;
  for (const char c : text) {
    if (c == '(') ++depth;
    if (depth == 0) out += c;
    if (c == ')' && depth > 0) --depth;
  }
  return trim(out);
}

// A model name without its trailing sizes and version numbers:
// "Llama 3.3 70B" -> "Llama", "Mixtral 8x7B" -> "Mixtral".
std::string family_of(std::string_view name) {
  const auto is_size_or_version = [](std::string_view part) {
    if (scaled_number_digits(part) > 0) return true;
    if (const std::size_t x = part.find_first_of("xX");
        x != std::string_view::npos && x > 0 && is_number(part.substr(0, x)) &&
        scaled_number_digits(part.substr(x + 1)) > 0)
      return true;
    return part.size() <= 4 && is_number(part);
  };
  for (;;) {
    const std::size_t cut = name.find_last_of(" -");
    if (cut == std::string_view::npos || cut == 0 || !is_size_or_version(name.substr(cut + 1)))
      return std::string(name);
    name = name.substr(0, cut);
  }
}

std::string key_of(std::string_view name) {
  return std::string(name.substr(0, std::min<std::size_t>(2, name.size())));
}

void add_name(std::unordered_map<std::string, std::vector<std::string>>& names, std::string name) {
  if (name.size() < 2) return;
  auto& list = names[key_of(name)];
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(std::move(name));
}

void sort_longest_first(std::unordered_map<std::string, std::vector<std::string>>& names) {
  for (auto& [key, list] : names) {
    std::sort(list.begin(), list.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
  }
}

bool starts_word(std::string_view text, std::size_t at) {
  if (at == 0) return true;
  const char before = text[at - 1];
  return !is_word_character(before) &&
         std::string_view("-/._@#").find(before) == std::string_view::npos;
}

// Whether a name may end at `end`: no letter or digit follows, nor a joiner
// followed by one ("GPT-3" is not a name inside "GPT-3.5").
bool ends_word(std::string_view text, std::size_t end) {
  if (end >= text.size()) return true;
  if (is_word_character(text[end])) return false;
  if (std::string_view("-./").find(text[end]) != std::string_view::npos && end + 1 < text.size() &&
      is_word_character(text[end + 1]))
    return false;
  return true;
}

// The run of non-space text around `at` looks like a URL, a path or an e-mail.
bool inside_link(std::string_view text, std::size_t at) {
  std::size_t begin = at;
  while (begin > 0 && !std::isspace(static_cast<unsigned char>(text[begin - 1])))
    --begin;
  std::size_t end = at;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
    ++end;
  std::string_view run = text.substr(begin, end - begin);
  // "[10,000 V100s](https://...)": the link's text is not the link.
  if (const std::size_t target = run.find("](");
      target != std::string_view::npos && at < begin + target)
    run = run.substr(0, target);
  return run.find("://") != std::string_view::npos || run.find("www.") != std::string_view::npos ||
         run.find(".com") != std::string_view::npos || run.find('@') != std::string_view::npos ||
         run.find(".html") != std::string_view::npos;
}

// The words of a text with lookups by index, for the patterns.
class WordView {
 public:
  explicit WordView(std::string_view text) : text_(text), words_(split_words(text)) {}
  std::size_t size() const { return words_.size(); }
  const Word& operator[](std::size_t i) const { return words_[i]; }
  std::string_view text(std::size_t i) const {
    return i < words_.size() ? word_text(text_, words_[i]) : std::string_view();
  }
  // The text between words i and i + 1 (empty after the last word).
  std::string_view gap_after(std::size_t i) const {
    if (i + 1 >= words_.size()) return {};
    return text_.substr(words_[i].end, words_[i + 1].begin - words_[i].end);
  }
  // Whether sentence punctuation or a blank line separates words i and i + 1.
  bool sentence_break_after(std::size_t i) const {
    return ner::sentence_break_after(text_, words_, i);
  }
  // Whether words i and i + 1 are in different sentences: sentence marks
  // only, so a heading and the line under it count as one.
  bool full_stop_after(std::size_t i) const {
    if (i + 1 >= words_.size()) return true;
    const std::string_view gap = gap_after(i);
    // "December. 2022": a month's dot does not end the sentence.
    return gap.find_first_of(";!?") != std::string_view::npos ||
           (gap.find(". ") != std::string_view::npos && words_[i].end - words_[i].begin > 4 &&
            !is_one_of(text(i), kMonths));
  }
  // Whether one of `list` occurs among the `count` words before i in its
  // sentence (`across_lines`: in its sentence by full_stop_after).
  template <typename List>
  bool recent(std::size_t i, std::size_t count, const List& list, bool across_lines = false) const {
    for (std::size_t back = 1; back <= count && back <= i; ++back) {
      if (across_lines ? full_stop_after(i - back) : sentence_break_after(i - back)) return false;
      if (is_one_of(to_lower_ascii(text(i - back)), list)) return true;
    }
    return false;
  }
  bool dates_no_model(std::size_t i) const { return ner::dates_no_model(text_, words_, i); }
  // Whether one of `list` occurs among the `count` words after i in its sentence.
  template <typename List>
  bool upcoming(std::size_t i, std::size_t count, const List& list) const {
    for (std::size_t ahead = 1; ahead <= count && i + ahead < words_.size(); ++ahead) {
      if (sentence_break_after(i + ahead - 1)) return false;
      if (is_one_of(to_lower_ascii(text(i + ahead)), list)) return true;
    }
    return false;
  }

 private:
  std::string_view text_;
  std::vector<Word> words_;
};

void add_span(std::vector<LabelledSpan>& out, LabellingFunction function, std::size_t begin,
              std::size_t end) {
  LabelledSpan labelled;
  labelled.span.type = labelling_function_type(function);
  labelled.span.begin = begin;
  labelled.span.end = end;
  labelled.source = function;
  out.push_back(labelled);
}

bool is_parameter_word(std::string_view word) {
  const std::string w = to_lower_ascii(word);
  return w == "parameters" || w == "parameter" || w == "params" || w == "param" ||
         w.rfind("parameter", 0) == 0 || w == "weights";
}

void add_params(const WordView& words, std::vector<LabelledSpan>& out) {
  struct Number {
    std::size_t first, last;  // words
    std::size_t end;          // byte end of the span
  };
  // Each scaled number, with where its span ends.
  std::vector<Number> numbers;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view word = words.text(i);
    if (scaled_number_digits(word) > 0) {
      numbers.push_back({i, i, words[i].end});
      continue;
    }
    // "7B-parameter": the span stops before the hyphen.
    const std::size_t hyphen = word.find('-');
    if (hyphen != std::string_view::npos && scaled_number_digits(word.substr(0, hyphen)) &&
        is_parameter_word(word.substr(hyphen + 1))) {
      numbers.push_back({i, i, words[i].begin + hyphen});
      continue;
    }
    if (is_number(word) && i + 1 < words.size() && !words.sentence_break_after(i)) {
      const std::string_view next = words.text(i + 1);
      const std::size_t next_hyphen = next.find('-');
      const std::string_view scale = next.substr(0, next_hyphen);
      if (is_one_of(to_lower_ascii(scale),
                    std::array<std::string_view, 4>{"billion", "million", "trillion", "b"}))
        numbers.push_back(
            {i, i + 1,
             words[i + 1].begin +
                 (next_hyphen == std::string_view::npos ? next.size() : next_hyphen)});
    }
  }
  // A number is a parameter count when "parameters" (or "-parameter", or a
  // word for a model) follows it or follows the list it ends. A size written
  // "7B", "175B", "1.1T" or "124M" is one unless it counts something else:
  // in papers about models that is how parameter counts are written.
  static constexpr std::array<std::string_view, 19> kModelWords = {
      "model",      "models",      "llm",   "llms",   "version",  "versions", "variant",
      "variants",   "dense",       "moe",   "scale",  "run",      "sizes",    "size",
      "checkpoint", "checkpoints", "total", "active", "activated"};
  for (std::size_t n = 0; n < numbers.size(); ++n) {
    const Number& number = numbers[n];
    const std::string_view last_word = words.text(number.last);
    const bool glued = last_word.find('-') != std::string_view::npos &&
                       is_parameter_word(last_word.substr(last_word.find('-') + 1));
    const std::size_t digits = scaled_number_digits(last_word);
    const bool written_as_size =
        number.first == number.last && digits > 0 &&
        is_one_of(last_word.substr(digits), std::array<std::string_view, 4>{"B", "M", "T", "b"}) &&
        !counts_no_parameters(words.text(number.last + 1)) &&
        !counts_no_parameters(words.text(number.last + 2));  // "2.8M H800 GPU hours"
    bool counts = glued || written_as_size;
    // Follow a list "7B, 13B, and 70B parameters".
    std::size_t m = n;
    while (!counts) {
      const std::size_t after = numbers[m].last + 1;
      // A list ends at sentence punctuation, though not at a line break.
      if (words.gap_after(numbers[m].last).find_first_of(".;!?") != std::string_view::npos) break;
      const std::string_view next = words.text(after);
      if (is_parameter_word(next) || is_one_of(to_lower_ascii(next), kModelWords)) {
        counts = true;
        break;
      }
      const std::string_view connector = to_lower_ascii(next) == "and" ||
                                                 to_lower_ascii(next) == "or" ||
                                                 to_lower_ascii(next) == "to"
                                             ? next
                                             : "";
      const std::size_t next_number_word = connector.empty() ? after : after + 1;
      if (m + 1 < numbers.size() && numbers[m + 1].first == next_number_word &&
          next_number_word - numbers[m].last <= 2) {
        ++m;
        continue;
      }
      break;
    }
    if (counts)
      add_span(out, LabellingFunction::kParamsInContext, words[number.first].begin, number.end);
  }
}

void add_durations(const WordView& words, std::vector<LabelledSpan>& out) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string_view word = words.text(i);
    if (!(is_number(word) || is_number_word(word)) || to_lower_ascii(word) == "several") continue;
    const std::string_view unit = words.text(i + 1);
    if (!(is_time_unit(unit) || unit == "minutes" || unit == "minute") ||
        words.sentence_break_after(i))
      continue;
    const std::string_view after = words.text(i + 2);
    if (to_lower_ascii(words.text(i > 0 ? i - 1 : i)).find("gpu") != std::string::npos ||
        to_lower_ascii(after) == "ago" || to_lower_ascii(after) == "old" ||
        to_lower_ascii(after).find("gpu") == 0)
      continue;
    // "10,000 hours of robot data" measures data; "33 days of training" and
    // "14.8 days of compute" measure time.
    if (to_lower_ascii(after) == "of" && !words.upcoming(i + 2, 4, kTrainingWords) &&
        to_lower_ascii(words.text(i + 3)).rfind("comput", 0) != 0)
      continue;
    // "trained for 21 days", "33 days of continuous training", "run for 4 days".
    if (!(words.recent(i, 12, kTrainingWords) || words.upcoming(i + 1, 5, kTrainingWords) ||
          words.recent(i, 4, kRunWords)))
      continue;
    add_span(out, LabellingFunction::kTrainingDuration, words[i].begin, words[i + 1].end);
  }
}

// Where a word holds a year: the whole word ("2022"), or the year of a date
// written as one word ("2023-09-01", "11.July.2022", "05/07/2022").
struct YearInWord {
  std::size_t offset = 0;
  bool part_of_date = false;
};

std::optional<YearInWord> year_in_word(std::string_view word) {
  const auto digits = [&](std::size_t from, std::size_t count) {
    return from + count <= word.size() &&
           std::all_of(word.begin() + from, word.begin() + from + count, is_ascii_digit);
  };
  if (is_year_between(word, 1990, 2035)) return YearInWord{0, false};
  if (word.size() >= 7 && is_year_between(word.substr(0, 4), 1990, 2035) && word[4] == '-' &&
      digits(5, 2) && (word.size() == 7 || (word.size() == 10 && word[7] == '-' && digits(8, 2))))
    return YearInWord{0, true};
  if (word.size() < 7) return std::nullopt;
  const std::size_t year_at = word.size() - 4;
  const char separator = word[year_at - 1];
  if (std::string_view("./-").find(separator) == std::string_view::npos ||
      !is_year_between(word.substr(year_at), 1990, 2035))
    return std::nullopt;
  const std::string_view rest = word.substr(0, year_at - 1);
  const std::size_t month_at = rest.find_last_of(separator);
  const std::string_view month =
      month_at == std::string_view::npos ? rest : rest.substr(month_at + 1);
  const bool month_number = (month.size() == 1 || month.size() == 2) &&
                            std::all_of(month.begin(), month.end(), is_ascii_digit);
  if (month_at == std::string_view::npos || !(is_one_of(month, kMonths) || month_number))
    return std::nullopt;
  return YearInWord{year_at, true};
}

void add_years(const WordView& words, std::vector<LabelledSpan>& out) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::optional<YearInWord> year = year_in_word(words.text(i));
    if (!year) continue;
    const std::size_t begin = words[i].begin + year->offset;
    // A citation's year field: "year = 2021".
    if (i >= 2 && words.text(i - 1) == "=" && to_lower_ascii(words.text(i - 2)) == "year") {
      add_span(out, LabellingFunction::kReleaseYear, begin, begin + 4);
      continue;
    }
    if (words.dates_no_model(i)) continue;
    const bool after_month =
        year->part_of_date || (i > 0 && (is_one_of(words.text(i - 1), kMonths) ||
                                         (i > 1 && is_one_of(words.text(i - 2), kMonths))));
    const bool release = words.recent(i, 4, kReleaseWords);
    // A full date near a release, training or date word is a date of the
    // model: "trained between December. 2022 and Feb. 2023", "As of July 3rd,
    // 2022, GLM-130B has been trained".
    const bool dated =
        after_month &&
        (words.recent(i, 10, kReleaseWords, true) || words.recent(i, 10, kTrainingWords, true) ||
         words.recent(i, 10, kDateWords, true) || words.upcoming(i, 8, kReleaseWords) ||
         words.upcoming(i, 8, kTrainingWords));
    if (!(release || dated)) continue;
    add_span(out, LabellingFunction::kReleaseYear, begin, begin + 4);
  }
}

}  // namespace

std::string_view labelling_function_name(LabellingFunction function) {
  switch (function) {
    case LabellingFunction::kChipNames:
      return "chip_names";
    case LabellingFunction::kModelNames:
      return "model_names";
    case LabellingFunction::kParamsInContext:
      return "params_in_context";
    case LabellingFunction::kTrainingDuration:
      return "training_duration";
    case LabellingFunction::kReleaseYear:
      return "release_year";
    case LabellingFunction::kCountryNames:
      return "country_names";
  }
  return "?";
}

EntityType labelling_function_type(LabellingFunction function) {
  switch (function) {
    case LabellingFunction::kChipNames:
      return EntityType::kHardware;
    case LabellingFunction::kModelNames:
      return EntityType::kModel;
    case LabellingFunction::kParamsInContext:
      return EntityType::kParams;
    case LabellingFunction::kTrainingDuration:
      return EntityType::kTraining;
    case LabellingFunction::kReleaseYear:
      return EntityType::kYear;
    case LabellingFunction::kCountryNames:
      return EntityType::kCountry;
  }
  return EntityType::kModel;
}

DistantKnowledge builtin_distant_knowledge() {
  DistantKnowledge knowledge;
  knowledge.model_names = builtin_knowledge_column("models.tsv", "name");
  const KnowledgeTable chips = builtin_knowledge_table("chips.tsv");
  for (const auto& row : chips.rows) {
    knowledge.chips.push_back({row[chips.column("vendor")], row[chips.column("name")]});
    for (const std::string& variant : split_knowledge_list(row[chips.column("variants")]))
      knowledge.chips.push_back({row[chips.column("vendor")], variant});
    for (const std::string& unit : split_knowledge_list(row[chips.column("units")])) {
      if (!is_one_of(unit, knowledge.chip_units)) knowledge.chip_units.push_back(unit);
    }
  }
  for (const std::string_view unit :
       {"GPU", "GPUs", "chips", "chip", "TPUs", "nodes", "node", "Pods", "pods", "accelerators",
        "cards", "cores", "devices", "server", "servers"}) {
    if (!is_one_of(unit, knowledge.chip_units)) knowledge.chip_units.emplace_back(unit);
  }
  const KnowledgeTable countries = builtin_knowledge_table("countries.tsv");
  for (const auto& row : countries.rows) {
    knowledge.countries.push_back(row[countries.column("name")]);
    if (row[countries.column("takes_the")] == "yes")
      knowledge.takes_the.push_back(row[countries.column("name")]);
  }
  return knowledge;
}

void add_knowledge_column(DistantKnowledge& knowledge, KnowledgeKind kind,
                          const std::vector<std::string>& values) {
  static constexpr std::array<std::string_view, 12> kVendors = {
      "NVIDIA",    "Nvidia",   "Google", "AMD", "Intel",  "Huawei",
      "Graphcore", "Cerebras", "Habana", "AWS", "Amazon", "Apple"};
  for (const std::string& value : values) {
    switch (kind) {
      case KnowledgeKind::kModels: {
        // Hugging Face ids name the organisation first: "meta-llama/Llama-2-7b".
        std::string name =
            value.substr(value.find('/') == std::string::npos ? 0 : value.find('/') + 1);
        name = without_parentheses(name);
        if (!name.empty()) knowledge.model_names.push_back(name);
        break;
      }
      case KnowledgeKind::kChips: {
        const std::string name = without_parentheses(value);
        const std::size_t space = name.find(' ');
        const std::string first = name.substr(0, space);
        if (space != std::string::npos && is_one_of(first, kVendors)) {
          knowledge.chips.push_back({first, name.substr(space + 1)});
        } else if (!name.empty()) {
          knowledge.chips.push_back({"", name});
        }
        break;
      }
      case KnowledgeKind::kCountries: {
        std::size_t begin = 0;
        while (begin <= value.size()) {
          const std::size_t comma = std::min(value.find(',', begin), value.size());
          const std::string country = without_parentheses(value.substr(begin, comma - begin));
          if (!country.empty() && !is_one_of(country, knowledge.countries))
            knowledge.countries.push_back(country);
          begin = comma + 1;
        }
        break;
      }
    }
  }
}

DistantLabeller::DistantLabeller(const DistantKnowledge& knowledge,
                                 const std::unordered_set<std::string>& ordinary_words) {
  for (const std::string& raw : knowledge.model_names) {
    const std::string name = trim(raw);
    if (name.size() < 2 || std::all_of(name.begin(), name.end(), [](char c) {
          return is_ascii_digit(c) || c == '.' || c == ',';
        }))
      continue;
    const bool one_word = name.find(' ') == std::string::npos;
    // "Transformer", "Adam", "Chinchilla"? Only names the corpus does not
    // use as ordinary lowercase words.
    if (one_word && ordinary_words.count(to_lower_ascii(name)) != 0) continue;
    if (name.size() < 3 && !std::any_of(name.begin(), name.end(), is_ascii_digit)) continue;
    add_name(model_names_, name);
    // "Llama 2" and "Llama-2" are written both ways.
    std::string hyphened = name, spaced = name;
    std::replace(hyphened.begin(), hyphened.end(), ' ', '-');
    std::replace(spaced.begin(), spaced.end(), '-', ' ');
    if (hyphened != name && hyphened.find(' ') == std::string::npos)
      add_name(model_names_, hyphened);
    if (spaced != name && std::count(name.begin(), name.end(), '-') == 1)
      add_name(model_names_, spaced);
    // Papers name the family too: "Falcon" of "Falcon-180B", "Llama" of
    // "Llama 3.3 70B".
    const std::string family = family_of(name);
    if (family != name && family.size() > 3 &&
        std::any_of(family.begin(), family.end(), [](char c) { return c >= 'A' && c <= 'Z'; }) &&
        (family.find(' ') != std::string::npos ||
         ordinary_words.count(to_lower_ascii(family)) == 0))
      add_name(model_names_, family);
  }
  sort_longest_first(model_names_);
  for (const ChipName& chip : knowledge.chips) {
    if (chip.name.size() < 2) continue;
    add_name(chip_names_, chip.name);
    // "TPU v4" is also written "TPUv4".
    if (const std::size_t version = chip.name.find(" v"); version != std::string::npos) {
      std::string glued = chip.name;
      glued.erase(version, 1);
      add_name(chip_names_, glued);
    }
    if (!chip.vendor.empty()) vendors_.insert(chip.vendor);
  }
  sort_longest_first(chip_names_);
  countries_ = knowledge.countries;
  std::sort(countries_.begin(), countries_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  takes_the_.insert(knowledge.takes_the.begin(), knowledge.takes_the.end());
  chip_units_.insert(knowledge.chip_units.begin(), knowledge.chip_units.end());
}

void DistantLabeller::add_model_names(std::string_view text, std::vector<LabelledSpan>& out) const {
  for (std::size_t at = 0; at + 1 < text.size(); ++at) {
    if (!starts_word(text, at)) continue;
    const auto found = model_names_.find(std::string(text.substr(at, 2)));
    if (found == model_names_.end()) continue;
    for (const std::string& name : found->second) {
      if (text.compare(at, name.size(), name) != 0) continue;
      std::size_t end = at + name.size();
      // A size or a known suffix written onto the name belongs to it:
      // "Llama-2-70B", "GPT-3 175B", "Llama-2-7b-Chat".
      for (bool extended = true; extended;) {
        extended = false;
        if (end < text.size() && (text[end] == '-' || text[end] == ' ')) {
          std::size_t next = end + 1;
          std::size_t stop = next;
          while (stop < text.size() && (is_word_character(text[stop]) || text[stop] == '.'))
            ++stop;
          while (stop > next && text[stop - 1] == '.')
            --stop;
          const std::string_view part = text.substr(next, stop - next);
          const bool size = scaled_number_digits(part) > 0;
          if ((size || (text[end] == '-' && is_one_of(part, kNameSuffixes))) &&
              ends_word(text, stop)) {
            end = stop;
            extended = true;
          }
        }
      }
      if (!ends_word(text, end) || inside_link(text, at)) continue;
      add_span(out, LabellingFunction::kModelNames, at, end);
      at = end - 1;
      break;
    }
  }
}

// "80GB", "40G": a memory size written beside a chip name.
bool is_memory_size(std::string_view word) {
  const std::size_t unit = word.size() > 2 && word.substr(word.size() - 2) == "GB" ? 2 : 1;
  return word.size() > unit && (unit == 2 || word.back() == 'G') &&
         is_number(word.substr(0, word.size() - unit));
}

void DistantLabeller::add_chips(std::string_view text, std::vector<LabelledSpan>& out) const {
  for (std::size_t at = 0; at + 1 < text.size(); ++at) {
    // A count glued to the name, "8XA100", starts the span.
    std::size_t glued_count = at;
    if (at >= 2 && (text[at - 1] == 'x' || text[at - 1] == 'X')) {
      std::size_t start = at - 1;
      while (start > 0 && is_ascii_digit(text[start - 1]))
        --start;
      if (start < at - 1 && starts_word(text, start)) glued_count = start;
    }
    if (glued_count == at && !starts_word(text, at)) continue;
    const auto found = chip_names_.find(std::string(text.substr(at, 2)));
    if (found == chip_names_.end()) continue;
    for (const std::string& name : found->second) {
      if (text.compare(at, name.size(), name) != 0) continue;
      std::size_t begin = glued_count, end = at + name.size();
      // "A100s": a plural written onto the name; "TPU v3-8": a slice size.
      if (end < text.size() && text[end] == 's' && ends_word(text, end + 1)) ++end;
      // "A100-40G": a memory size glued on.
      if (end + 1 < text.size() && text[end] == '-' && is_ascii_digit(text[end + 1])) {
        std::size_t stop = end + 1;
        while (stop < text.size() && is_ascii_digit(text[stop]))
          ++stop;
        std::size_t memory_stop = stop;
        while (memory_stop < text.size() && (text[memory_stop] == 'G' || text[memory_stop] == 'B'))
          ++memory_stop;
        if (ends_word(text, stop)) {
          end = stop;
        } else if (is_memory_size(text.substr(end + 1, memory_stop - end - 1)) &&
                   ends_word(text, memory_stop)) {
          end = memory_stop;
        }
      }
      if (!ends_word(text, end)) continue;
      if (inside_link(text, at)) break;
      // The vendor written before the chip belongs to the span.
      const auto word_before =
          [&](std::size_t position) -> std::pair<std::size_t, std::string_view> {
        std::size_t stop = position;
        while (stop > 0 && text[stop - 1] == ' ')
          --stop;
        std::size_t start = stop;
        while (start > 0 && !std::isspace(static_cast<unsigned char>(text[start - 1])))
          --start;
        return {start, text.substr(start, stop - start)};
      };
      if (const auto [start, word] = word_before(begin); vendors_.count(std::string(word)) != 0)
        begin = start;
      // A memory size written first belongs to the chip: "80GB A100s".
      if (const auto [start, word] = word_before(begin); word.size() > 2 &&
                                                         word.substr(word.size() - 2) == "GB" &&
                                                         is_number(word.substr(0, word.size() - 2)))
        begin = start;
      // Memory and form factor written after the name: "A100 80GB", "H100 SXM5".
      for (bool extended = true; extended;) {
        extended = false;
        if (end < text.size() && text[end] == ' ') {
          std::size_t stop = end + 1;
          while (stop < text.size() && is_word_character(text[stop]))
            ++stop;
          const std::string_view word = text.substr(end + 1, stop - end - 1);
          const bool memory = is_memory_size(word);
          const bool form = word.rfind("SXM", 0) == 0 || word == "PCIe" || word == "NVL";
          if ((memory || form) && ends_word(text, stop)) {
            end = stop;
            extended = true;
          }
        }
      }
      // A trailing unit word: "GPUs", "chips".
      std::size_t unit_end = end;
      {
        std::size_t next = end;
        while (next < text.size() && text[next] == ' ')
          ++next;
        std::size_t stop = next;
        while (stop < text.size() && is_word_character(text[stop]))
          ++stop;
        if (stop > next && chip_units_.count(std::string(text.substr(next, stop - next))) != 0 &&
            next - end <= 1)
          unit_end = stop;
      }
      // "2.8M H800 GPU hours": compute totals tag the chip name alone.
      std::size_t after = unit_end;
      while (after < text.size() && (text[after] == ' ' || text[after] == '-'))
        ++after;
      const std::string_view following = text.substr(after, 5);
      const bool hours = following.rfind("hour", 0) == 0 || following.rfind("Hour", 0) == 0;
      if (hours) {
        add_span(out, LabellingFunction::kChipNames, at, end);
        at = end - 1;
        break;
      }
      end = unit_end;
      // The count written directly before: "512", "eight", "4 to 16", "8x".
      if (const auto [start, word] = word_before(begin); !word.empty() && glued_count == at) {
        const std::string_view count = (word.back() == 'x' || word.back() == 'X') && word.size() > 1
                                           ? word.substr(0, word.size() - 1)
                                           : word;
        if (is_number(count) || (is_number_word(count) && to_lower_ascii(count) != "several")) {
          begin = start;
          const auto [range_start, range_word] = word_before(start);
          if (range_word == "to") {
            const auto [low_start, low] = word_before(range_start);
            if (is_number(low)) begin = low_start;
          }
        }
      }
      add_span(out, LabellingFunction::kChipNames, begin, end);
      at = end - 1;
      break;
    }
  }
}

void DistantLabeller::add_countries(std::string_view text, std::vector<LabelledSpan>& out) const {
  std::vector<bool> taken(text.size() + 1, false);
  for (const std::string& country : countries_) {
    for (std::size_t at = text.find(country); at != std::string_view::npos;
         at = text.find(country, at + 1)) {
      const std::size_t end = at + country.size();
      if (!starts_word(text, at) || !ends_word(text, end) || taken[at]) continue;
      // "China Mobile", "AI Sweden": a name that goes on, or one that a
      // capitalised word starts, is an organisation.
      if (end + 1 < text.size() && text[end] == ' ' && is_ascii_upper(text[end + 1])) continue;
      if (at >= 2 && text[at - 1] == ' ') {
        std::size_t start = at - 1;
        while (start > 0 && !std::isspace(static_cast<unsigned char>(text[start - 1])))
          --start;
        const std::string_view previous = text.substr(start, at - 1 - start);
        static constexpr std::array<std::string_view, 12> kLeadIns = {
            "In", "From", "Of", "And", "To", "At", "With", "By", "For", "Across", "Within", "The"};
        if (!previous.empty() && is_ascii_upper(previous.front()) &&
            std::all_of(previous.begin(), previous.end(), is_word_character) &&
            !is_one_of(previous, kLeadIns))
          continue;
      }
      std::size_t begin = at;
      if (takes_the_.count(country) != 0) {
        if (at >= 4 &&
            (text.compare(at - 4, 4, "the ") == 0 || text.compare(at - 4, 4, "The ") == 0))
          begin = at - 4;
      }
      std::fill(taken.begin() + static_cast<std::ptrdiff_t>(at),
                taken.begin() + static_cast<std::ptrdiff_t>(end), true);
      add_span(out, LabellingFunction::kCountryNames, begin, end);
    }
  }
}

std::vector<LabelledSpan> DistantLabeller::candidates(std::string_view text) const {
  std::vector<LabelledSpan> out;
  add_chips(text, out);
  add_model_names(text, out);
  const WordView words(text);
  add_params(words, out);
  add_durations(words, out);
  add_years(words, out);
  add_countries(text, out);
  std::sort(out.begin(), out.end(), [](const LabelledSpan& a, const LabelledSpan& b) {
    return a.span.begin != b.span.begin ? a.span.begin < b.span.begin : a.span.end > b.span.end;
  });
  return out;
}

std::vector<LabelledSpan> resolve_labels(std::string_view text,
                                         std::vector<LabelledSpan> candidates) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const LabelledSpan& a, const LabelledSpan& b) {
                     const auto la = a.span.end - a.span.begin, lb = b.span.end - b.span.begin;
                     if (la != lb) return la > lb;
                     return static_cast<int>(a.source) < static_cast<int>(b.source);
                   });
  std::vector<LabelledSpan> kept;
  for (const LabelledSpan& candidate : candidates) {
    const bool clashes = std::any_of(kept.begin(), kept.end(), [&](const LabelledSpan& other) {
      return candidate.span.begin < other.span.end && other.span.begin < candidate.span.end;
    });
    if (!clashes) kept.push_back(candidate);
  }
  std::sort(kept.begin(), kept.end(), [](const LabelledSpan& a, const LabelledSpan& b) {
    return a.span.begin < b.span.begin;
  });
  std::vector<Span> spans;
  for (const LabelledSpan& labelled : kept)
    spans.push_back(labelled.span);
  assign_code_point_offsets(text, spans);
  for (std::size_t i = 0; i < kept.size(); ++i)
    kept[i].span = spans[i];
  return kept;
}

std::unordered_set<std::string> ordinary_lowercase_words(const std::vector<std::string_view>& texts,
                                                         std::size_t min_count) {
  std::unordered_map<std::string, std::size_t> counts;
  for (const std::string_view text : texts) {
    for (const Word& word : split_words(text)) {
      const std::string_view form = word_text(text, word);
      if (std::all_of(form.begin(), form.end(),
                      [](char c) { return is_ascii_lower(c) || c == '-'; }))
        ++counts[std::string(form)];
    }
  }
  std::unordered_set<std::string> words;
  for (const auto& [form, count] : counts) {
    if (count >= min_count) words.insert(form);
  }
  return words;
}

}  // namespace ner
