// Raw text in, entity spans out: tokenizes with the model's own SentencePiece
// model, tags overlapping windows with the engine, and merges them per document.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/labels.h"
#include "datasets/tokenizer.h"
#include "infer/engine.h"
#include "models/document_entities.h"
#include "models/model_file.h"

namespace ner {

struct TaggerOptions {
  int threads = 0;              // 0: all cores
  std::size_t batch_size = 32;  // windows per engine call
  GemmBackend gemm = default_gemm_backend();
  // Scores as the model computes them (mean label probability of the
  // pieces) instead of calibrated by the model file's map.
  bool raw_scores = false;
};

// A tagged document: its entities and their scores.
using TaggedDocument = DocumentEntities;

class Tagger {
 public:
  // `source` names the model file in errors.
  Tagger(ModelFile model, const TaggerOptions& options, const std::string& source);

  // Tags documents (valid UTF-8), batching windows across them;
  // `on_windows(done, total)` follows the engine batch by batch.
  using WindowProgress = std::function<void(std::size_t done, std::size_t total)>;
  std::vector<TaggedDocument> tag(const std::vector<std::string_view>& texts,
                                  const WindowProgress& on_windows = {});
  TaggedDocument tag(std::string_view text) { return tag(std::vector<std::string_view>{text})[0]; }

  const ModelFile& model() const { return model_; }
  const LabelSet& label_set() const { return label_set_; }
  Engine& engine() { return engine_; }

 private:
  ModelFile model_;
  LabelSet label_set_;
  Tokenizer tokenizer_;
  Engine engine_;
  std::size_t batch_size_;
  bool raw_scores_ = false;
};

}  // namespace ner
