#include "tools/corpus/generator.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"
#include "datasets/corpus.h"
#include "tools/corpus/knowledge_base.h"

namespace ner::corpus {
namespace {

constexpr std::array<std::string_view, kStyleCount> kStyleNames = {
    "news", "abstract", "survey", "model-card", "training-details", "comparison", "raw-paper"};

// SplitMix64: tiny, fast, and good enough to drive text choices; each document
// gets its own stream from (seed, index), so output never depends on threads.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  int between(int low, int high) {
    return low + static_cast<int>(below(static_cast<std::size_t>(high - low + 1)));
  }
  double real() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return real() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  std::uint64_t state_;
};

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  Rng rng(a * 0x9E3779B97F4A7C15ull + b);
  rng.next();
  return rng.next();
}

// --- Document assembly -----------------------------------------------------

enum class Role : unsigned char { kFirst, kRepeat, kComparison };

struct Mention {
  Span span;
  Role role = Role::kFirst;
  std::size_t variant_prefix = 0;  // bytes a weak variant leaves outside ("the ", "512 ")
};

// What a placeholder of a template expands to: plain text before and after,
// and optionally an entity in between.
struct Slot {
  std::string before;
  std::optional<EntityType> type;
  std::string surface;
  std::string after;
  Role role = Role::kFirst;
  std::size_t variant_prefix = 0;
};

Slot plain(std::string text) {
  return Slot{std::move(text), std::nullopt, {}, {}, Role::kFirst, 0};
}
Slot entity(EntityType type, std::string surface, Role role = Role::kFirst,
            std::size_t variant_prefix = 0) {
  return Slot{{}, type, std::move(surface), {}, role, variant_prefix};
}

using Slots = std::map<std::string, Slot, std::less<>>;

class Builder {
 public:
  std::string& text() { return text_; }
  std::vector<Mention>& mentions() { return mentions_; }

  void append(std::string_view s) { text_ += s; }

  bool used(std::string_view pattern) const { return used_.count(pattern.data()) > 0; }
  void mark_used(std::string_view pattern) { used_.insert(pattern.data()); }

  void capitalize_at(std::size_t pos) {
    if (pos >= text_.size() || text_[pos] < 'a' || text_[pos] > 'z') return;
    for (const Mention& m : mentions_) {
      if (m.span.type == EntityType::kModel && m.span.begin == pos) return;
    }
    text_[pos] = static_cast<char>(text_[pos] - 'a' + 'A');
  }

  void add(const Slot& slot) {
    text_ += slot.before;
    if (slot.type) {
      Role role = slot.role;
      if (role == Role::kFirst && !seen_.emplace(slot.surface).second) role = Role::kRepeat;
      Mention mention;
      mention.span.type = *slot.type;
      mention.span.begin = text_.size();
      text_ += slot.surface;
      mention.span.end = text_.size();
      mention.role = role;
      mention.variant_prefix = slot.variant_prefix;
      mentions_.push_back(mention);
    } else {
      text_ += slot.surface;
    }
    text_ += slot.after;
  }

  // Expands "{KEY}" placeholders of a template from `slots`.
  void emit(std::string_view pattern, const Slots& slots) {
    std::size_t pos = 0;
    while (pos < pattern.size()) {
      const std::size_t open = pattern.find('{', pos);
      if (open == std::string_view::npos) {
        append(pattern.substr(pos));
        return;
      }
      append(pattern.substr(pos, open - pos));
      const std::size_t close = pattern.find('}', open);
      const std::string_view key = pattern.substr(open + 1, close - open - 1);
      const auto it = slots.find(key);
      if (it == slots.end())
        throw Error(fmt::format("generator template uses unknown slot {{{}}}", key));
      add(it->second);
      pos = close + 1;
    }
  }

 private:
  std::string text_;
  std::vector<Mention> mentions_;
  std::set<std::string> seen_;
  std::set<const char*> used_;  // templates are string literals: identity by address
};

// --- Values ------------------------------------------------------------------

std::string format_decimal(double value) {
  std::string text = fmt::format("{:.1f}", value);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

std::string with_commas(long value) {
  std::string digits = std::to_string(value);
  for (int pos = static_cast<int>(digits.size()) - 3; pos > 0; pos -= 3) {
    digits.insert(static_cast<std::size_t>(pos), ",");
  }
  return digits;
}

struct ParamCount {
  double value;
  char scale;  // 'M', 'B', 'T'
};

ParamCount random_params(Rng& rng) {
  static const std::vector<double> kMillions = {60,  66,  110, 117, 125, 220, 335,
                                                340, 350, 355, 560, 770, 774};
  static const std::vector<double> kBillions = {0.5, 1,   1.1, 1.3, 1.5, 1.8, 2.7, 3,   6,   6.7,
                                                7,   8,   9,   12,  13,  14,  20,  22,  30,  33,
                                                34,  40,  46,  52,  65,  70,  72,  100, 104, 130,
                                                175, 176, 180, 236, 340, 405, 480, 530, 540, 671};
  static const std::vector<double> kTrillions = {1, 1.2, 1.6, 1.75, 1.8, 2.5, 10};
  const double roll = rng.real();
  if (roll < 0.15) {
    return rng.chance(0.6) ? ParamCount{rng.pick(kMillions), 'M'}
                           : ParamCount{static_cast<double>(rng.between(20, 990)), 'M'};
  }
  if (roll < 0.92) {
    return rng.chance(0.7) ? ParamCount{rng.pick(kBillions), 'B'}
                           : ParamCount{static_cast<double>(rng.between(10, 990)) / 10.0 *
                                            (rng.chance(0.5) ? 10 : 1),
                                        'B'};
  }
  return ParamCount{rng.pick(kTrillions), 'T'};
}

std::string_view scale_word(char scale) {
  return scale == 'M' ? "million" : scale == 'B' ? "billion" : "trillion";
}

// "7B", "7 billion", "7 Billion", "7bn", "125M", "1.2T" ...
std::string params_text(Rng& rng, const ParamCount& p) {
  const std::string number = format_decimal(p.value);
  const double roll = rng.real();
  if (roll < 0.45) return number + p.scale;
  if (roll < 0.85) return number + " " + std::string(scale_word(p.scale));
  if (roll < 0.93) {
    std::string word(scale_word(p.scale));
    word[0] = static_cast<char>(word[0] - 'a' + 'A');
    return number + " " + word;
  }
  if (p.scale == 'B') return number + "bn";
  return number + p.scale;
}

// For "a 7B-parameter model" and "a 1.3-billion-parameter model".
std::string params_adjective_text(Rng& rng, const ParamCount& p) {
  const std::string number = format_decimal(p.value);
  return rng.chance(0.5) ? number + p.scale : number + "-" + std::string(scale_word(p.scale));
}

std::string count_text(Rng& rng, long count) {
  const auto& kb = knowledge_base();
  if (count <= 20 && rng.chance(0.5))
    return std::string(kb.number_words[static_cast<std::size_t>(count)]);
  if (count >= 1000 && rng.chance(0.5)) return with_commas(count);
  return std::to_string(count);
}

long random_count(Rng& rng) {
  if (rng.chance(0.7)) return 1L << rng.between(1, 14);  // powers of two: 2 .. 16384
  if (rng.chance(0.5)) return rng.between(2, 20);
  return rng.between(3, 400) * 8;
}

std::string plural_to_singular(std::string_view unit) {
  if (!unit.empty() && unit.back() == 's') return std::string(unit.substr(0, unit.size() - 1));
  return std::string(unit);
}

struct HardwareForms {
  Slot full;       // with count and hedges as chosen
  Slot chip_only;  // "H800" for "2.8M H800 GPU hours"
};

HardwareForms random_hardware(Rng& rng) {
  const auto& kb = knowledge_base();
  const Chip& chip = rng.pick(kb.chips);
  std::string name(chip.name);
  if (!chip.variants.empty() && rng.chance(0.35)) name = std::string(rng.pick(chip.variants));
  std::string chip_words = name;
  if (!chip.vendor.empty() && rng.chance(0.5) && name.find(chip.vendor) == std::string::npos) {
    chip_words = std::string(chip.vendor) + " " + name;
  }
  HardwareForms forms;
  forms.chip_only = entity(EntityType::kHardware, name);
  Slot& full = forms.full;
  full.type = EntityType::kHardware;
  const double roll = rng.real();
  std::string unit(rng.pick(chip.units));
  if (roll < 0.55) {  // with a count
    std::string count;
    if (rng.chance(0.06)) {
      const long low = 1L << rng.between(1, 4);
      count = std::to_string(low) + " to " + std::to_string(low * (1L << rng.between(1, 3)));
    } else {
      count = count_text(rng, random_count(rng));
    }
    full.surface = count + " " + chip_words;
    if (rng.chance(0.85)) full.surface += " " + unit;
    full.variant_prefix = count.size() + 1;
    if (rng.chance(0.12)) {
      static const std::vector<std::string> kHedges = {"up to ",  "over ",      "approximately ",
                                                       "nearly ", "more than ", "about "};
      full.before = rng.pick(kHedges);
    }
  } else if (roll < 0.65) {  // "a single NVIDIA A100 GPU"
    full.before = "a single ";
    full.surface = chip_words + " " + plural_to_singular(unit);
  } else {  // no count
    full.surface = chip_words;
    if (rng.chance(0.7)) full.surface += " " + unit;
    if (rng.chance(0.1)) full.surface = "next-generation " + full.surface;
  }
  if (rng.chance(0.05)) full.after = rng.chance(0.5) ? " (80GB variant)" : " (SXM version)";
  return forms;
}

Slot random_duration(Rng& rng) {
  const auto& kb = knowledge_base();
  static const std::vector<std::pair<std::string_view, std::pair<int, int>>> kUnits = {
      {"days", {2, 120}},
      {"weeks", {2, 16}},
      {"months", {2, 9}},
      {"hours", {2, 96}},
      {"days", {2, 60}}};
  const auto& [unit, range] = rng.pick(kUnits);
  const int value = rng.between(range.first, range.second);
  std::string number;
  if (value <= 12 && rng.chance(0.4)) {
    number = std::string(kb.number_words[static_cast<std::size_t>(value)]);
  } else if (rng.chance(0.12)) {
    number = format_decimal(value + rng.between(1, 9) / 10.0);
  } else {
    number = std::to_string(value);
  }
  Slot slot = entity(EntityType::kTraining, number + " " + std::string(unit));
  if (rng.chance(0.05)) slot.surface = "one " + plural_to_singular(unit);
  if (rng.chance(0.15)) {
    static const std::vector<std::string> kHedges = {"about ",      "roughly ", "approximately ",
                                                     "just under ", "around ",  "less than "};
    slot.before = rng.pick(kHedges);
  }
  return slot;
}

int random_year(Rng& rng) {
  if (rng.chance(0.8)) return rng.between(2019, 2026);
  return rng.between(2012, 2018);
}

struct CountryForms {
  Slot country;  // "the United States" (or "the" outside in a variant)
  std::string city;
  std::string organisation;
  std::string adjective;
};

CountryForms random_country(Rng& rng) {
  const auto& kb = knowledge_base();
  const Country& country = rng.pick(kb.countries);
  CountryForms forms;
  if (country.takes_the) {
    forms.country =
        entity(EntityType::kCountry, "the " + std::string(country.name), Role::kFirst, 4);
  } else {
    forms.country = entity(EntityType::kCountry, std::string(country.name));
  }
  forms.city = std::string(rng.pick(country.cities));
  forms.organisation = std::string(rng.pick(country.organisations));
  forms.adjective = std::string(country.adjective);
  return forms;
}

// Invented model names in the shapes real ones take.
std::string invented_model_name(Rng& rng, std::string_view family) {
  const auto& kb = knowledge_base();
  std::string root(family);
  const int major = rng.between(1, 12);
  const std::string version =
      rng.chance(0.25) ? fmt::format("{}.{}", major, rng.between(0, 9)) : std::to_string(major);
  switch (rng.below(10)) {
    case 0:
      return root + "-" + version;
    case 1:
      return root + " " + version;
    case 2:  // CamelCase with digits
      return root + (rng.chance(0.5) ? "LM" : "GPT") + std::to_string(major);
    case 3: {  // size in the name: one model span
      const ParamCount p = random_params(rng);
      const std::string size = format_decimal(p.value) + p.scale;
      if (rng.chance(0.3)) {
        std::string lower = root + "-" + size;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        return lower + (rng.chance(0.5) ? "-chat" : "");
      }
      return root + (rng.chance(0.7) ? "-" : " ") + size;
    }
    case 4:  // Greek letters
      return root + (rng.chance(0.6) ? "-" : " ") + std::string(rng.pick(kb.greek_letters));
    case 5:
      return root + "-" + version + (rng.chance(0.5) ? "-" : " ") +
             std::string(rng.pick(kb.name_suffixes));
    case 6:
      return root + (rng.chance(0.5) ? "-v" : "V") + std::to_string(major);
    case 7: {  // experts: "Kestrel-8x7B", "Kestrel8x22b"
      const int experts = 1 << rng.between(2, 4);
      const int size = rng.between(1, 40);
      return rng.chance(0.5) ? fmt::format("{}-{}x{}B", root, experts, size)
                             : fmt::format("{}{}x{}b", root, experts, size);
    }
    case 8: {  // acronym-like
      std::string acronym;
      for (std::size_t i = 0; i < std::min<std::size_t>(3, root.size()); ++i) {
        acronym += static_cast<char>(std::toupper(static_cast<unsigned char>(root[i])));
      }
      return acronym + "-" + version;
    }
    default:
      return root;
  }
}

// --- Writing styles ----------------------------------------------------------

class DocumentWriter {
 public:
  DocumentWriter(Rng& rng, Split split, bool name_split, const SplitFractions& fractions)
      : rng_(rng), split_(split), name_split_(name_split), fractions_(fractions) {}

  // Under --name-split a real name belongs to one split, and an invented
  // family (its root) does too, so held-out splits see unseen families.
  std::string model_name() {
    const auto& kb = knowledge_base();
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const bool real = rng_.chance(0.3);
      const std::string_view key = real ? rng_.pick(kb.real_models) : rng_.pick(kb.name_roots);
      if (name_split_ && split_of_name(key, fractions_) != split_) continue;
      if (real) return std::string(key);
      // Different roots can still yield the same name ("QUA-3"): check it too.
      std::string name = invented_model_name(rng_, key);
      if (!name_split_ || split_of_name(name, fractions_) == split_) return name;
    }
    throw Error(
        "--name-split: no model name falls in this split; raise its share in --split-ratio");
  }

  // Fills the slots every style may use with this document's facts.
  Slots make_slots() {
    const auto& kb = knowledge_base();
    Slots s;
    const std::string main = model_name();
    s["M"] = entity(EntityType::kModel, main);
    for (const char* key : {"M2", "M3", "M4"}) {
      std::string other = model_name();
      while (other == main)
        other = model_name();
      s[key] = entity(EntityType::kModel, other, Role::kComparison);
    }
    const ParamCount p = random_params(rng_);
    s["P"] = entity(EntityType::kParams, params_text(rng_, p));
    s["PADJ"] = entity(EntityType::kParams, params_adjective_text(rng_, p));
    for (const char* key : {"P2", "P3", "P4"}) {
      s[key] = entity(EntityType::kParams, params_text(rng_, random_params(rng_)));
    }
    const ParamCount low{static_cast<double>(rng_.between(1, 13)), 'B'};
    const ParamCount high{low.value * rng_.between(3, 10), 'B'};
    s["PLOW"] = entity(EntityType::kParams, format_decimal(low.value) + "B");
    s["PHIGH"] = entity(EntityType::kParams, format_decimal(high.value) + "B");
    HardwareForms hardware = random_hardware(rng_);
    s["H"] = hardware.full;
    s["HCHIP"] = hardware.chip_only;
    s["H2"] = random_hardware(rng_).full;
    s["T"] = random_duration(rng_);
    s["T2"] = random_duration(rng_);
    const int year = random_year(rng_);
    s["Y"] = entity(EntityType::kYear, std::to_string(year));
    Slot dated = entity(EntityType::kYear, std::to_string(year));
    dated.before = fmt::format("{} {}, ", rng_.pick(kb.months), rng_.between(1, 28));
    s["YDATE"] = dated;
    Slot month_year = entity(EntityType::kYear, std::to_string(year));
    month_year.before = fmt::format("{} ", rng_.pick(kb.months));
    s["YMONTH"] = month_year;
    s["Y2"] = entity(EntityType::kYear, std::to_string(random_year(rng_)), Role::kComparison);
    CountryForms country = random_country(rng_);
    s["C"] = country.country;
    // Affiliation lines write the bare name: "Cambridge, United Kingdom".
    s["CAFF"] = entity(EntityType::kCountry,
                       country.country.surface.substr(country.country.variant_prefix));
    s["CITY"] = plain(country.city);
    s["ORG"] = plain(country.organisation);
    s["ADJ"] = plain(country.adjective);
    CountryForms second = random_country(rng_);
    s["C2"] = second.country;
    s["CAFF2"] =
        entity(EntityType::kCountry, second.country.surface.substr(second.country.variant_prefix));
    s["CITY2"] = plain(second.city);
    s["ORG2"] = plain(second.organisation);
    static const std::vector<std::string> kCompanies = {
        "Meta",         "Google",     "Google DeepMind", "OpenAI",   "Microsoft",
        "Anthropic",    "Alibaba",    "Baidu",           "NVIDIA",   "Mistral AI",
        "Hugging Face", "EleutherAI", "Cohere",          "AI21 Labs"};
    s["CO"] = plain(rng_.pick(kCompanies));
    s["CO2"] = plain(rng_.pick(kCompanies));
    s["REGION"] = plain(std::string(rng_.pick(kb.regions)));
    s["BENCH"] = plain(std::string(rng_.pick(kb.benchmarks)));
    s["BENCH2"] = plain(std::string(rng_.pick(kb.benchmarks)));
    s["CODE"] = plain(std::string(rng_.pick(kb.codebases)));
    s["GEAR"] = plain(std::string(rng_.pick(kb.network_gear)));
    s["CPU"] = plain(std::string(rng_.pick(kb.cpus)));
    s["DATA"] = plain(std::string(rng_.pick(kb.datasets)));
    s["TECH"] = plain(std::string(rng_.pick(kb.techniques)));
    s["TECH2"] = plain(std::string(rng_.pick(kb.techniques)));
    s["CLUSTER"] = plain(std::string(rng_.pick(kb.clusters)));
    s["TOK"] = plain(params_text(rng_, ParamCount{rng_.between(3, 150) / 10.0, 'T'}) + " tokens");
    s["PCT"] = plain(format_decimal(rng_.between(5, 250) / 10.0));
    s["SCORE"] = plain(format_decimal(rng_.between(300, 950) / 10.0));
    s["MWH"] = plain(std::to_string(rng_.between(20, 2000)) + " MWh");
    s["CO2E"] = plain(std::to_string(rng_.between(10, 3000)) + " tCO2eq");
    s["GPUH"] = plain(fmt::format("{}M GPU-hours", format_decimal(rng_.between(2, 80) / 10.0)));
    s["GPUHN"] = plain(format_decimal(rng_.between(2, 80) / 10.0) + "M");
    s["FLOPS"] = plain(fmt::format("{}e{} FLOPs", format_decimal(rng_.between(10, 99) / 10.0),
                                   rng_.between(20, 25)));
    s["FLOPSTEX"] = plain(fmt::format("${}e^{{{}}}$", rng_.between(1, 9), rng_.between(17, 25)));
    const int negative_year = random_year(rng_);
    s["NEGYEAR"] = plain(std::to_string(negative_year));
    s["NEGYEAR2"] = plain(std::to_string(negative_year + rng_.between(1, 4)));
    s["MONTH"] = plain(std::string(rng_.pick(kb.months)));
    s["MS"] = plain(std::to_string(rng_.between(8, 400)));
    s["BATCH"] = plain(std::to_string(1 << rng_.between(8, 12)));
    const int seq_power = rng_.between(9, 14);
    s["SEQ"] = plain(std::to_string(1 << seq_power));
    s["SEQ2"] = plain(std::to_string(1 << (seq_power + rng_.between(1, 3))));
    s["LR"] = plain(fmt::format("{}e-{}", rng_.between(1, 9), rng_.between(4, 5)));
    s["NUM"] = plain(std::to_string(rng_.between(8, 96)));
    s["CITE"] = plain(citation());
    s["CITE2"] = plain(citation());
    return s;
  }

  std::string citation() {
    if (rng_.chance(0.7)) return fmt::format("[{}]", rng_.between(1, 140));
    return fmt::format("[{}, {}]", rng_.between(1, 60), rng_.between(61, 140));
  }

  Rng& rng() { return rng_; }

 private:
  Rng& rng_;
  Split split_;
  bool name_split_;
  SplitFractions fractions_;
};

using Pool = std::vector<std::string_view>;

// Emits one sentence of the pool not used yet in this document (when one is
// left), starting with a capital letter unless it starts with a model name.
void sentence(Builder& b, Rng& rng, const Pool& pool, const Slots& slots) {
  std::string_view pattern = rng.pick(pool);
  for (int attempt = 0; attempt < 8 && b.used(pattern); ++attempt)
    pattern = rng.pick(pool);
  b.mark_used(pattern);
  const std::size_t start = b.text().size();
  b.emit(pattern, slots);
  b.capitalize_at(start);
}

// Shared sentence pools: hard negatives every style draws on.
const Pool kNegatives = {
    "The pre-training corpus comprised {TOK} drawn from {DATA}.",
    "On {BENCH}, the model scores {SCORE}%, {PCT} points above the previous best.",
    "Total energy consumption during training was estimated at {MWH}, or {CO2E}.",
    "The cluster used {NUM} {GEAR} to keep inter-node communication off the critical path.",
    "Data preprocessing ran separately on {CPU}.",
    "The full run required about {FLOPS}, or roughly {GPUH}.",
    "Independent analyses by {CO2}'s policy team confirm compliance with the {NEGYEAR} Sustainable "
    "AI Standards.",
    "The training data has a cutoff of {MONTH} {NEGYEAR}.",
    "Inference latency fell by {PCT}% to {MS} ms per token.",
    "The model weights are released under an Apache 2.0 license, dated {MONTH} {NEGYEAR}.",
    "Its {ADJ} authors describe the work as a step towards open models for {REGION}.",
    "Training used {CODE} with {TECH} and {TECH2}.",
    "The context window was extended from {SEQ} to {SEQ2} tokens with a batch size of {BATCH} "
    "sequences.",
    "Evaluation on {BENCH2} shows a {PCT}% gain in accuracy with a {PCT}% drop in memory use.",
    "The model was evaluated on a web crawl collected between {NEGYEAR} and {NEGYEAR2}.",
    "Compute was provided by {CLUSTER}.",
};

void news(Builder& b, DocumentWriter& w, const Slots& s) {
  Rng& rng = w.rng();
  static const Pool kOpen = {
      "In recent advancements in large-scale language modeling, researchers from {C} have "
      "introduced {M}, a "
      "transformer-based architecture with {P} parameters.",
      "A team based in {C} has released {M}, a {PADJ}-parameter language model aimed at "
      "multilingual "
      "understanding and code generation.",
      "{ORG} announced {M} this week, a model with {P} parameters developed by researchers in {C}.",
      "The {M} architecture, developed by a consortium of research institutions in {C}, boasts {P} "
      "parameters.",
      "{CO} has unveiled {M}, its latest {PADJ}-parameter model, built by a team in {CITY}, "
      "{CAFF}.",
      "Researchers at {ORG} in {C} describe {M}, which packs {P} parameters into a sparse "
      "mixture-of-experts design.",
  };
  static const Pool kYear = {
      "Published in {Y}, the model was developed to improve reasoning over long documents.",
      "Officially released in {Y}, {M} targets code generation and dialogue.",
      "The model was first described on {YDATE} and made public shortly after.",
      "{M} was announced in {YMONTH} alongside a technical report.",
      "Released in {Y}, {M} builds on prior work in {TECH}.",
  };
  static const Pool kTraining = {
      "Training was conducted on a cluster of {H}, achieving convergence in {T}.",
      "The training process, which spanned {T}, ran on {H} using a customised version of {CODE}.",
      "{M} was trained for {T} on {H}.",
      "Pre-training took {T} on {H}, followed by {T2} of instruction tuning.",
      "The team trained the model on {H} over {T}, using {TECH} to fit it in memory.",
      "Training ran on {H} hosted by {CLUSTER} and lasted {T}.",
  };
  static const Pool kCompare = {
      "Comparative analyses with contemporaneous models, such as {CO}'s {M2} and {CO2}'s {M3}, "
      "highlight "
      "{M}'s strong performance on {BENCH}.",
      "While {M} has {P} parameters, its predecessor {M2} had {P2}.",
      "Ongoing work focuses on porting {M} to {H2} to accelerate inference.",
      "Ongoing research on the {M3} iteration continues, with {M} serving as the baseline.",
      "{M} outperforms {M2} on {BENCH} by {PCT} points despite being smaller.",
  };
  const bool html = rng.chance(0.3);
  const int paragraphs = rng.between(2, 4);
  for (int p = 0; p < paragraphs; ++p) {
    if (p > 0) b.append("\n\n");
    if (html) b.append("<p>");
    if (p == 0) {
      sentence(b, rng, kOpen, s);
      b.append(" ");
      sentence(b, rng, kYear, s);
      b.append(" ");
      sentence(b, rng, kTraining, s);
    } else {
      sentence(b, rng, kCompare, s);
    }
    const int extra = rng.between(1, 3);
    for (int i = 0; i < extra; ++i) {
      b.append(" ");
      sentence(b, rng, kNegatives, s);
    }
    if (html) b.append("</p>");
  }
}

void abstract(Builder& b, DocumentWriter& w, const Slots& s) {
  Rng& rng = w.rng();
  static const Pool kTitle = {
      "{M}: Scaling Open Language Models to {P} Parameters\n\n",
      "{M}: An Open Bilingual Pre-trained Model\n\n",
      "Training {M} on {H}\n\n",
      "",
  };
  static const Pool kOpen = {
      "We present {M}, a {PADJ}-parameter language model trained on {TOK}.",
      "We introduce {M}, a family of models ranging from {PLOW} to {PHIGH} parameters.",
      "This paper describes {M}, an open {P} model developed at {ORG} ({C}) and released in {Y}.",
      "In this work we train {M}, a decoder-only transformer with {P} parameters, and release it "
      "in {Y}.",
  };
  static const Pool kMiddle = {
      "Training took {T} on {H}.",
      "The model was trained on {H} for {T} using {CODE}.",
      "Using {TECH}, we train {M} on {H} in only {T}.",
      "We pre-train on {H} with a total budget of {GPUH}.",
  };
  static const Pool kClose = {
      "{M} matches {M2} on {BENCH} while being substantially smaller.",
      "Our results show that {M} outperforms {M2} and {M3} on most benchmarks.",
      "We release {M} and its checkpoints to the research community.",
      "Researchers in {C} and {C2} collaborated on the evaluation.",
  };
  b.emit(rng.pick(kTitle), s);
  b.append(rng.chance(0.5) ? "Abstract\n\n" : "Abstract. ");
  sentence(b, rng, kOpen, s);
  b.append(" ");
  sentence(b, rng, kMiddle, s);
  b.append(" ");
  sentence(b, rng, kNegatives, s);
  b.append(" ");
  sentence(b, rng, kClose, s);
}

void survey(Builder& b, DocumentWriter& w, const Slots& s) {
  Rng& rng = w.rng();
  static const Pool kIntro = {
      "Table 2 summarises the models discussed in this section.\n\n",
      "2.3 Large Language Models\n\n",
      "Below we list notable models in chronological order.\n\n",
      "",
  };
  static const Pool kEntry = {
      "{M} {CITE}: developed by {ORG} ({C}) in {Y}, with {P} parameters, trained on {H} for {T}.",
      "{M} {CITE}: a {PADJ}-parameter model released in {Y}; training took {T}.",
      "{M} {CITE} ({Y}) scales to {P} parameters and was trained on {H}.",
      "{M} {CITE}: {CO}'s {P} model, trained on {TOK} using {H}.",
      "{M} {CITE}: released by researchers in {C} in {Y}; {P} parameters; {BENCH} accuracy of "
      "{SCORE}%.",
      "- {M} {CITE}: {P} parameters, {H}, {T}, {Y}.",
  };
  b.emit(rng.pick(kIntro), s);
  const int entries = rng.between(2, 5);
  for (int i = 0; i < entries; ++i) {
    if (i > 0) b.append("\n\n");
    // Each entry is about a different model, with its own facts.
    Slots entry = i == 0 ? s : w.make_slots();
    sentence(b, rng, kEntry, entry);
    if (i == 0 || rng.chance(0.4)) {  // hard negatives in every document
      b.append(" ");
      sentence(b, rng, kNegatives, entry);
    }
  }
}

void model_card(Builder& b, DocumentWriter& w, const Slots& s) {
  Rng& rng = w.rng();
  const int layout = static_cast<int>(rng.below(3));
  struct Field {
    std::string_view label;
    std::string_view value;
  };
  static const std::vector<Field> kFields = {
      {"Model name", "{M}"},
      {"Model", "{M}"},
      {"Parameters", "{P}"},
      {"Model size", "{P}"},
      {"Training hardware", "{H}"},
      {"Hardware", "{H}"},
      {"Training time", "{T}"},
      {"Training duration", "{T}"},
      {"Release date", "{YDATE}"},
      {"Released", "{Y}"},
      {"Developed by", "{ORG}, {CAFF}"},
      {"Country", "{C}"},
      {"Training tokens", "{TOK}"},
      {"Context length", "{SEQ} tokens"},
      {"License", "Apache 2.0"},
      {"Compute", "{GPUH}"},
      {"Carbon emitted", "{CO2E}"},
      {"Data cutoff", "{MONTH} {NEGYEAR}"},
      {"Framework", "{CODE}"},
      {"Predecessor", "{M2}"},
  };
  if (rng.chance(0.5)) b.emit("# {M} model card\n\n", s);
  if (layout == 2) b.append("| Field | Value |\n| --- | --- |\n");
  std::vector<std::size_t> order(kFields.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  for (std::size_t i = 0; i + 1 < order.size(); i += 2) {
    if (rng.chance(0.5)) std::swap(order[i], order[i + 1]);  // pick one label of each pair
  }
  for (std::size_t i = 0; i < order.size(); i += 2) {
    if (i > 0 && rng.chance(0.25)) continue;
    const Field& field = kFields[order[i]];
    const std::string value(field.value);
    if (layout == 0) {
      b.append(fmt::format("{}: ", field.label));
    } else if (layout == 1) {
      b.append(fmt::format("**{}**: ", field.label));
    } else {
      b.append(fmt::format("| {} | ", field.label));
    }
    b.emit(value, s);
    b.append(layout == 2 ? " |\n" : "\n");
  }
  if (rng.chance(0.6)) {
    b.append("\n");
    sentence(b, rng, kNegatives, s);
    b.append("\n");
  }
}

void training_details(Builder& b, DocumentWriter& w, const Slots& s) {
  Rng& rng = w.rng();
  static const Pool kHeading = {"## Training details\n\n", "3.2 Training Setup\n\n",
                                "Training infrastructure. ", "4 Training\n\n", ""};
  static const Pool kBody = {
      "We trained {M} for {T} on {H}, using {CODE} with {TECH}.",
      "Pre-training of {M} ran on {H} and took {T}; supervised fine-tuning took a further {T2}.",
      "The {P} model was trained on {H} at a sequence length of {SEQ} tokens for {T}.",
      "Our largest model, {M}, was trained on {H} for approximately {T}, consuming {GPUH}.",
      "Training {M} required {GPUHN} {HCHIP} GPU hours in total.",
      "We plan to continue training {M} on {H2} for another {T2}.",
  };
  static const Pool kHyper = {
      "We use AdamW with a peak learning rate of {LR}, a batch size of {BATCH} and {TECH}.",
      "The global batch size is {BATCH} sequences of {SEQ} tokens.",
      "Nodes are connected with {GEAR}; data loading runs on {CPU}.",
      "Checkpoints were written every {NUM} minutes to survive hardware failures.",
  };
  b.emit(rng.pick(kHeading), s);
  const int sentences = rng.between(2, 4);
  for (int i = 0; i < sentences; ++i) {
    if (i > 0) b.append(" ");
    sentence(b, rng, i % 2 == 0 ? kBody : kHyper, s);
  }
  b.append(" ");
  sentence(b, rng, kNegatives, s);
}

void comparison(Builder& b, DocumentWriter& w, const Slots& s) {
  Rng& rng = w.rng();
  static const Pool kBody = {
      "Compared with {M2} ({P2}) and {M3} ({P3}), our {M} ({P}) reaches higher accuracy on "
      "{BENCH}.",
      "{M} outperforms {CO}'s {M2} and {CO2}'s {M3} on {BENCH}, and is competitive with {M4}.",
      "We compare against {M2}, {M3} and {M4}, with sizes from {PLOW} to {PHIGH}.",
      "Unlike {M2}, which was trained on {H2}, {M} used {H} and finished in {T}.",
      "Table 3 compares {M} with {M2} [{NUM}] and {M3} [{NUM}]: at {P} parameters it is the "
      "smallest.",
      "{M2} and {M3} were released in {Y2}, a year before {M}.",
  };
  const int sentences = rng.between(2, 4);
  for (int i = 0; i < sentences; ++i) {
    if (i > 0) b.append(" ");
    sentence(b, rng, kBody, s);
  }
  b.append(" ");
  sentence(b, rng, kNegatives, s);
}

void raw_paper(Builder& b, DocumentWriter& w, const Slots& s) {
  Rng& rng = w.rng();
  static const Pool kTitle = {"{M}: Efficient Training of a {PADJ}-Parameter Language Model",
                              "Scaling {M} with {TECH}", "{M} Technical Report",
                              "On the Training Dynamics of {M}"};
  b.emit(rng.pick(kTitle), s);
  b.append("\n\n");
  b.emit(rng.chance(0.5) ? "A. Author1, B. Author2, C. Author3\n1 {ORG}, {CITY}, {CAFF}\n2 {ORG2}, "
                           "{CITY2}, {CAFF2}\n\n"
                         : "Anonymous authors\n{ORG}, {CITY}, {CAFF}\n\n",
         s);
  b.append("Abstract\n\n");
  b.emit("We present {M}, a {PADJ}-parameter model trained on {TOK}. ", s);
  sentence(b, rng, kNegatives, s);
  b.append("\n\nTEXT\n\n1 Introduction\n\n");
  b.emit("Large language models {CITE} have grown from {M2} {CITE2} to {M3}. ", s);
  sentence(b, rng, kNegatives, s);
  b.append("\n\n$$\n");
  static const Pool kMath = {"L(\\theta) = -\\sum_{t=1}^{T} \\log p_\\theta(x_t \\mid x_{<t})",
                             "C \\approx 6 N D",
                             "\\Sigma = \\frac{1}{n} \\sum_i (x_i - \\mu)(x_i - \\mu)^\\top"};
  b.append(rng.pick(kMath));
  b.append("\n$$\n\n");
  b.append(rng.chance(0.5) ? "3.2 Training Setup\n\n" : "4 Experiments\n\n");
  b.emit("We train {M} on {H} for {T}, with a compute budget of {FLOPSTEX} FLOPs. ", s);
  b.emit("The model was released in {Y} by researchers in {C}. ", s);
  sentence(b, rng, kNegatives, s);
  if (rng.chance(0.5)) {
    b.append("\n\nTEXT\n\n");
    b.emit("Table 1: Comparison of {M} with {M4} {CITE} and {M2}.", s);
  }
  b.append("\n");
}

// Wraps long paragraph lines the way PDF extraction does: spaces become line
// breaks, and some long plain words are hyphenated across the break.
void wrap_like_pdf(Builder& b, Rng& rng) {
  std::string& text = b.text();
  std::vector<Mention>& mentions = b.mentions();
  if (rng.chance(0.15)) return;  // some papers keep very long lines
  const std::size_t width = static_cast<std::size_t>(rng.between(60, 100));
  const auto inside_mention = [&](std::size_t pos) {
    for (const Mention& m : mentions) {
      if (pos >= m.span.begin && pos < m.span.end) return true;
    }
    return false;
  };
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  std::vector<std::pair<std::size_t, std::size_t>> insertions;  // (original offset, bytes inserted)
  std::size_t line_length = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      line_length = 0;
      out += c;
      continue;
    }
    if (c == ' ' && line_length >= width) {
      out += '\n';
      line_length = 0;
      continue;
    }
    // Hyphenate a long lowercase word that runs past the line end.
    const auto lower_at = [&](std::size_t at) {
      return std::islower(static_cast<unsigned char>(text[at])) != 0;
    };
    if (line_length >= width && i >= 3 && lower_at(i) && lower_at(i - 1) && lower_at(i - 2) &&
        lower_at(i - 3) && i + 3 < text.size() &&
        std::islower(static_cast<unsigned char>(text[i + 1])) &&
        std::islower(static_cast<unsigned char>(text[i + 2])) && !inside_mention(i) &&
        rng.chance(0.5)) {
      out += "-\n";
      insertions.emplace_back(i, 2);
      line_length = 0;
    }
    out += c;
    ++line_length;
  }
  for (Mention& m : mentions) {
    std::size_t shift_begin = 0;
    std::size_t shift_end = 0;
    for (const auto& [offset, bytes] : insertions) {
      if (offset <= m.span.begin) shift_begin += bytes;
      if (offset < m.span.end) shift_end += bytes;
    }
    m.span.begin += shift_begin;
    m.span.end += shift_end;
  }
  text = std::move(out);
}

Style pick_style(Rng& rng, const std::array<double, kStyleCount>& weights) {
  double total = 0;
  for (const double w : weights)
    total += w;
  double roll = rng.real() * total;
  for (std::size_t i = 0; i < kStyleCount; ++i) {
    if (roll < weights[i]) return static_cast<Style>(i);
    roll -= weights[i];
  }
  for (std::size_t i = kStyleCount; i-- > 0;) {
    if (weights[i] > 0) return static_cast<Style>(i);
  }
  return Style::kNews;
}

}  // namespace

std::string_view style_name(Style style) {
  return kStyleNames[static_cast<std::size_t>(style)];
}

std::array<double, kStyleCount> parse_style_weights(std::string_view spec) {
  if (spec == "all" || spec.empty()) return {1, 1, 1, 1, 1, 1, 1};
  std::array<double, kStyleCount> weights{};
  std::size_t begin = 0;
  while (begin <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', begin), spec.size());
    const std::string_view item = spec.substr(begin, comma - begin);
    const std::size_t equals = item.find('=');
    const std::string_view name = item.substr(0, equals);
    double weight = 1.0;
    if (equals != std::string_view::npos) {
      const std::string number(item.substr(equals + 1));
      char* end = nullptr;
      weight = std::strtod(number.c_str(), &end);
      if (number.empty() || *end != '\0' || !(weight >= 0)) {
        throw Error(fmt::format("style '{}': weight must be a non-negative number", item));
      }
    }
    const auto it = std::find(kStyleNames.begin(), kStyleNames.end(), name);
    if (it == kStyleNames.end()) {
      throw Error(
          fmt::format("unknown style '{}': use all or a list of news, abstract, survey, "
                      "model-card, training-details, comparison, raw-paper",
                      name));
    }
    weights[static_cast<std::size_t>(it - kStyleNames.begin())] = weight;
    begin = comma + 1;
  }
  double total = 0;
  for (const double w : weights)
    total += w;
  if (total <= 0) throw Error("styles: at least one style needs a positive weight");
  return weights;
}

Split split_of_name(std::string_view name, const SplitFractions& fractions) {
  // A fixed seed: a name's split must not change with the corpus seed.
  return split_by_hash(name, 0x5bd1e995, fractions);
}

GeneratedDocument generate_document(const GeneratorOptions& options, std::size_t index) {
  Rng rng(mix(options.seed, index));
  GeneratedDocument document;
  document.split = options.name_split ? split_of_unit_interval(rng.real(), options.split_fractions)
                                      : Split::kTrain;
  document.style = pick_style(rng, options.style_weights);
  document.name = fmt::format("{:06d}.txt", index);
  if (options.name_split)
    document.name = std::string(split_name(document.split)) + "/" + document.name;

  DocumentWriter writer(rng, document.split, options.name_split, options.split_fractions);
  const Slots slots = writer.make_slots();
  Builder builder;
  switch (document.style) {
    case Style::kNews:
      news(builder, writer, slots);
      break;
    case Style::kAbstract:
      abstract(builder, writer, slots);
      break;
    case Style::kSurvey:
      survey(builder, writer, slots);
      break;
    case Style::kModelCard:
      model_card(builder, writer, slots);
      break;
    case Style::kTrainingDetails:
      training_details(builder, writer, slots);
      break;
    case Style::kComparison:
      comparison(builder, writer, slots);
      break;
    case Style::kRawPaper:
      raw_paper(builder, writer, slots);
      wrap_like_pdf(builder, rng);
      break;
  }

  document.text = std::move(builder.text());
  std::vector<Mention>& mentions = builder.mentions();
  // Weak labels: drop mentions (repeats and comparison models three times as
  // often, normalised so the document's expected drop fraction is drop_rate),
  // then write some of the rest with the seeds' boundary variants.
  double weight_sum = 0;
  for (const Mention& m : mentions)
    weight_sum += m.role == Role::kFirst ? 1.0 : 3.0;
  const double mean_weight =
      mentions.empty() ? 1.0 : weight_sum / static_cast<double>(mentions.size());
  for (const Mention& m : mentions) {
    document.gold.push_back(m.span);
    const double weight = m.role == Role::kFirst ? 1.0 : 3.0;
    if (rng.chance(std::min(1.0, options.drop_rate * weight / mean_weight))) continue;
    Span weak = m.span;
    if (m.variant_prefix > 0) {
      ++document.variant_eligible;
      if (rng.chance(options.boundary_noise)) {
        weak.begin += m.variant_prefix;
        ++document.variants;
      }
    }
    document.weak.push_back(weak);
  }
  assign_code_point_offsets(document.text, document.gold);
  assign_code_point_offsets(document.text, document.weak);
  return document;
}

void GenerationTotals::add(const GeneratedDocument& document) {
  ++documents;
  gold_mentions += document.gold.size();
  weak_mentions += document.weak.size();
  variant_eligible += document.variant_eligible;
  variants += document.variants;
  ++per_style[static_cast<std::size_t>(document.style)];
}

GenerationTotals& GenerationTotals::operator+=(const GenerationTotals& other) {
  documents += other.documents;
  gold_mentions += other.gold_mentions;
  weak_mentions += other.weak_mentions;
  variant_eligible += other.variant_eligible;
  variants += other.variants;
  for (std::size_t i = 0; i < kStyleCount; ++i)
    per_style[i] += other.per_style[i];
  return *this;
}

double GenerationTotals::drop_rate() const {
  return gold_mentions == 0
             ? 0.0
             : 1.0 - static_cast<double>(weak_mentions) / static_cast<double>(gold_mentions);
}

double GenerationTotals::boundary_noise() const {
  return variant_eligible == 0
             ? 0.0
             : static_cast<double>(variants) / static_cast<double>(variant_eligible);
}

GenerationTotals write_corpus(const GeneratorOptions& options, const WriteOptions& write) {
  const std::size_t total = options.documents;
  const int threads =
      std::max(1, std::min<int>(write.threads, static_cast<int>(std::max<std::size_t>(1, total))));
  std::vector<GenerationTotals> per_thread(static_cast<std::size_t>(threads));
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex failure_mutex;
  std::optional<std::string> failure;
  std::mutex progress_mutex;

  const auto work = [&](std::size_t thread_index) {
    try {
      for (std::size_t index = next++; index < total; index = next++) {
        const GeneratedDocument document = generate_document(options, index);
        const std::string body =
            write.raw ? document.text : render_tagged_text(document.text, document.weak);
        write_file_atomically(write.out / document.name, body);
        if (!write.gold_out.empty()) {
          write_file_atomically(write.gold_out / document.name,
                                render_tagged_text(document.text, document.gold));
        }
        per_thread[thread_index].add(document);
        const std::size_t finished = ++done;
        if (write.progress) {
          std::lock_guard<std::mutex> lock(progress_mutex);
          write.progress(finished, total);
        }
      }
    } catch (const std::exception& error) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = error.what();
      next = total;  // stop the other workers
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back(work, static_cast<std::size_t>(t));
  work(0);
  for (std::thread& thread : pool)
    thread.join();
  if (failure) throw Error(*failure);

  GenerationTotals totals;
  for (const GenerationTotals& part : per_thread) {
    totals += part;
  }
  return totals;
}

}  // namespace ner::corpus
