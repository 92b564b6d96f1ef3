#include "datasets/splits.h"

#include <fmt/format.h>

#include "base/error.h"

namespace ner {

std::string_view split_name(Split split) {
  return split == Split::kTrain ? "train" : split == Split::kDev ? "dev" : "test";
}

Split parse_split(std::string_view name) {
  for (const Split split : kSplits) {
    if (split_name(split) == name) return split;
  }
  throw Error(fmt::format("unknown split '{}': use train, dev or test", name));
}

void check_fractions(const SplitFractions& f) {
  if (!(f.train > 0) || !(f.dev >= 0) || !(f.test > 0)) {
    throw Error(
        fmt::format("split fractions {}/{}/{}: train and test must be positive, dev not negative",
                    f.train, f.dev, f.test));
  }
}

Split split_of_unit_interval(double value, const SplitFractions& f) {
  const double total = f.train + f.dev + f.test;
  if (value * total < f.train) return Split::kTrain;
  if (value * total < f.train + f.dev) return Split::kDev;
  return Split::kTest;
}

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed) {
  // FNV-1a over the bytes, then a SplitMix64 finaliser to spread the bits.
  std::uint64_t h = 1469598103934665603ull ^ (seed * 0x9E3779B97F4A7C15ull);
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

Split split_by_hash(std::string_view document_name, std::uint64_t seed,
                    const SplitFractions& fractions) {
  const double unit = static_cast<double>(stable_hash(document_name, seed) >> 11) * 0x1.0p-53;
  return split_of_unit_interval(unit, fractions);
}

std::optional<Split> split_from_folder(std::string_view document_name) {
  const std::size_t slash = document_name.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view folder = document_name.substr(0, slash);
  for (const Split split : kSplits) {
    if (split_name(split) == folder) return split;
  }
  return std::nullopt;
}

}  // namespace ner
