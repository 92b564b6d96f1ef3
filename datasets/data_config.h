// The data side of a configuration (tokenizer and dataset preparation):
// defaults < YAML file < `--set section.key=value`, unknown keys are errors.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/config_schema.h"
#include "datasets/splits.h"
#include "datasets/tokenizer.h"

namespace ner {

struct DataConfig {
  TokenizerConfig tokenizer;
  std::string tag_scheme = "bio";
  std::size_t max_len = 256;  // pieces per window
  std::size_t stride = 0;     // pieces between window starts; 0: three quarters of max_len
  bool weak_label_repair = true;
  // Weakly labelled text that the unknown rules mark (name-like words, scaled
  // numbers, years, durations, countries left untagged) is unknown, not O.
  bool weak_unknown = true;
  std::string split = "auto";  // auto (folders if present, else hash) | hash | folders
  SplitFractions split_fractions;
  std::uint64_t seed = 1;

  std::size_t effective_stride() const {
    return stride == 0 ? std::max<std::size_t>(1, max_len * 3 / 4) : stride;
  }
};

// Sections of a config file that belong to other stages; prepare keeps them
// verbatim and does not interpret them.
inline constexpr std::string_view kOtherConfigSections[] = {"model", "train", "pretrain",
                                                            "self_train"};

// Applies a YAML document on top of `config`. Throws ner::Error naming the
// source, line and column for an unknown key or a value of the wrong type.
void apply_yaml(DataConfig& config, std::string_view yaml, std::string_view source_name);

// Applies "section.key=value" (value in YAML syntax).
void apply_override(DataConfig& config, std::string_view assignment);

// Checks value ranges; throws ner::Error, at the place `sources` says the
// value was given when it came from a config.
void validate(const DataConfig& config, const ConfigSources& sources = {});

// The resolved configuration as YAML (what --dump-config prints and the
// dataset stores).
std::string to_yaml(const DataConfig& config);

// Defaults, then the file (if any), then the overrides; validated.
DataConfig load_data_config(const std::filesystem::path& file,
                            const std::vector<std::string>& overrides);

}  // namespace ner
