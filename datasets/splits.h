// Deterministic train/dev/test assignment of documents: by a hash of the
// document's name and a seed, or by the folder the generator's --name-split wrote.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ner {

enum class Split : unsigned char { kTrain, kDev, kTest };
inline constexpr std::array<Split, 3> kSplits = {Split::kTrain, Split::kDev, Split::kTest};

std::string_view split_name(Split split);
// "train", "dev" or "test"; throws ner::Error otherwise.
Split parse_split(std::string_view name);

// Fractions need not sum to 1; they are normalised. Throws ner::Error unless
// train and test are positive and dev is not negative.
struct SplitFractions {
  double train = 0.8;
  double dev = 0.1;
  double test = 0.1;
};
void check_fractions(const SplitFractions& fractions);

// Maps a number in [0, 1) to a split by the fractions.
Split split_of_unit_interval(double value, const SplitFractions& fractions);

// The split of a document by a stable 64-bit hash of its name and the seed:
// the same on every machine, run and thread count.
Split split_by_hash(std::string_view document_name, std::uint64_t seed,
                    const SplitFractions& fractions);

// "train/...", "dev/..." or "test/..." as written by `ner-corpus generate
// --name-split`; nullopt for any other name.
std::optional<Split> split_from_folder(std::string_view document_name);

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed);

}  // namespace ner
