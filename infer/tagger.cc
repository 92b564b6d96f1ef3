#include "infer/tagger.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "base/error.h"
#include "datasets/windows.h"

namespace ner {

Tagger::Tagger(ModelFile model, const TaggerOptions& options, const std::string& source)
    : model_(std::move(model)),
      label_set_(parse_tag_scheme(model_.tag_scheme)),
      tokenizer_(Tokenizer::load(model_.tokenizer_model)),
      engine_(model_, options.threads, source, options.gemm),
      batch_size_(std::max<std::size_t>(1, options.batch_size)),
      raw_scores_(options.raw_scores) {
  if (tokenizer_.vocab_size() != model_.config.vocab_size) {
    throw Error(fmt::format("{}: the tokenizer has {} pieces, the model {}", source,
                            tokenizer_.vocab_size(), model_.config.vocab_size));
  }
}

std::vector<TaggedDocument> Tagger::tag(const std::vector<std::string_view>& texts,
                                        const WindowProgress& on_windows) {
  struct WindowRef {
    std::size_t document;
    std::size_t window;
  };
  std::vector<std::vector<Piece>> pieces(texts.size());
  std::vector<std::vector<Window>> windows(texts.size());
  std::vector<std::vector<DecodedWindow>> decoded(texts.size());
  std::vector<WindowRef> queue;
  for (std::size_t d = 0; d < texts.size(); ++d) {
    pieces[d] = tokenizer_.encode(texts[d]);
    windows[d] = make_windows(pieces[d].size(), model_.max_len, model_.stride);
    decoded[d].resize(windows[d].size());
    for (std::size_t w = 0; w < windows[d].size(); ++w)
      queue.push_back({d, w});
  }
  std::vector<std::vector<std::int32_t>> batch;
  for (std::size_t first = 0; first < queue.size(); first += batch_size_) {
    const std::size_t last = std::min(queue.size(), first + batch_size_);
    batch.clear();
    for (std::size_t i = first; i < last; ++i) {
      const Window& window = windows[queue[i].document][queue[i].window];
      std::vector<std::int32_t> ids;
      ids.reserve(window.end - window.begin);
      for (std::size_t p = window.begin; p < window.end; ++p)
        ids.push_back(pieces[queue[i].document][p].id);
      batch.push_back(std::move(ids));
    }
    std::vector<DecodedWindow> results = engine_.tag(batch);
    for (std::size_t i = first; i < last; ++i)
      decoded[queue[i].document][queue[i].window] = std::move(results[i - first]);
    if (on_windows) on_windows(last, queue.size());
  }
  std::vector<TaggedDocument> documents;
  documents.reserve(texts.size());
  for (std::size_t d = 0; d < texts.size(); ++d)
    documents.push_back(document_entities(texts[d], pieces[d], windows[d], decoded[d], label_set_));
  if (!raw_scores_) {
    for (TaggedDocument& document : documents) {
      for (double& score : document.scores)
        score = model_.calibration(score);
    }
  }
  return documents;
}

}  // namespace ner
