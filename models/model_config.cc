#include "models/model_config.h"

#include <fmt/format.h>

#include "base/error.h"

namespace ner {

std::string_view decoder_name(DecoderKind kind) {
  return kind == DecoderKind::kCrf ? "crf" : "softmax";
}

DecoderKind parse_decoder_kind(std::string_view name) {
  if (name == "crf") return DecoderKind::kCrf;
  if (name == "softmax") return DecoderKind::kSoftmax;
  throw Error(fmt::format("unknown decoder '{}': use crf or softmax", name));
}

void validate(const ModelConfig& config) {
  const auto require = [](bool ok, const std::string& message) {
    if (!ok) throw Error("model config: " + message);
  };
  require(config.vocab_size > 0,
          fmt::format("vocab_size must be positive, got {}", config.vocab_size));
  require(config.num_labels > 1,
          fmt::format("num_labels must be at least 2, got {}", config.num_labels));
  require(config.d_model > 0 && config.layers > 0 && config.heads > 0 && config.ffn > 0,
          "d_model, layers, heads and ffn must be positive");
  require(config.d_model % config.heads == 0,
          fmt::format("d_model {} must be divisible by heads {}", config.d_model, config.heads));
  require(config.dropout >= 0 && config.dropout < 1,
          fmt::format("dropout {} must be in [0, 1)", config.dropout));
  require(config.max_positions > 0, "max_positions must be positive");
}

}  // namespace ner
