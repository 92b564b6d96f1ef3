// Raw text in, entity spans out: tokenizes with the model's own SentencePiece
// model, tags overlapping windows with the engine, and merges them per document.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/labels.h"
#include "datasets/tagged_text.h"
#include "datasets/tokenizer.h"
#include "datasets/windows.h"
#include "infer/engine.h"
#include "models/model_file.h"

namespace ner {

struct TaggerOptions {
  int threads = 0;              // 0: all cores
  std::size_t batch_size = 32;  // windows per engine call
  GemmBackend gemm = default_gemm_backend();
};

struct TaggedDocument {
  std::vector<Span> spans;     // byte and code-point offsets into the text
  std::vector<double> scores;  // per span: mean label probability of its pieces
};

// One label and confidence per piece of a document from its windows' decoded
// labels: each window decides the middle part of its overlaps, so an entity
// near one window's edge is labeled by a window where it has context.
DecodedWindow merge_windows(const std::vector<Window>& windows,
                            const std::vector<DecodedWindow>& decoded, std::size_t piece_count);

class Tagger {
 public:
  // `source` names the model file in errors.
  Tagger(ModelFile model, const TaggerOptions& options, const std::string& source);

  // Tags documents (valid UTF-8), batching windows across them.
  std::vector<TaggedDocument> tag(const std::vector<std::string_view>& texts);
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
};

}  // namespace ner
