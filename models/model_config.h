// Sizes and switches of the NER transformer, shared by training (LibTorch) and
// the exported-model engine (Eigen). No LibTorch here.
#pragma once

#include <string_view>

#include "base/config_schema.h"

namespace ner {

// How logits become labels: a linear-chain CRF, or softmax probabilities
// decoded by Viterbi under the label scheme's transition rules.
enum class DecoderKind { kCrf, kSoftmax };

// "crf" or "softmax".
std::string_view decoder_name(DecoderKind kind);
// Throws ner::Error listing the valid names.
DecoderKind parse_decoder_kind(std::string_view name);

struct ModelConfig {
  int vocab_size = 0;  // from the dataset's tokenizer
  int num_labels = 0;  // from the dataset's label set
  int d_model = 256;
  int layers = 4;
  int heads = 4;
  int ffn = 1024;
  double dropout = 0.1;
  int max_positions = 512;
  bool checkpointing = false;  // recompute each block in backward to save activation memory
  DecoderKind decoder = DecoderKind::kCrf;

  int head_dim() const { return d_model / heads; }
};

// Throws ner::Error naming the offending value, at the place `sources` says
// it was given when it came from a config.
void validate(const ModelConfig& config, const ConfigSources& sources = {});

}  // namespace ner
