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

void validate(const ModelConfig& config, const ConfigSources& sources) {
  const auto positive = [&sources](int value, const char* field) {
    sources.require(value > 0, field, fmt::format("{} must be positive, got {}", field, value));
  };
  positive(config.vocab_size, "model.vocab_size");
  sources.require(config.num_labels > 1, "model.num_labels",
                  fmt::format("model.num_labels must be at least 2, got {}", config.num_labels));
  positive(config.d_model, "model.d_model");
  positive(config.layers, "model.layers");
  positive(config.heads, "model.heads");
  positive(config.ffn, "model.ffn");
  sources.require(
      config.d_model % config.heads == 0, "model.heads",
      fmt::format("model.heads {} must divide model.d_model {}", config.heads, config.d_model));
  sources.require(config.dropout >= 0 && config.dropout < 1, "model.dropout",
                  fmt::format("model.dropout {} must be in [0, 1)", config.dropout));
  positive(config.max_positions, "model.max_positions");
}

}  // namespace ner
