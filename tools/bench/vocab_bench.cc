// SentencePiece vocabulary sizes measured on the text a model trains on: for
// each size, a tokenizer trained on the training corpora, then per evaluation
// corpus the pieces per 1,000 bytes (shorter sequences: more text per window,
// faster training) and the share of entity boundaries inside a piece (labels
// can only start and end at piece edges). Training time is a ratio to the
// first size's, measured in the same run.
// Usage: build/tools/bench/vocab_bench --train DIR [--train DIR ...]
//          [--eval NAME=DIR ...] [--sizes 2000,4000,8000,16000] [--model-type unigram]
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "datasets/corpus.h"
#include "datasets/labels.h"
#include "datasets/tokenizer.h"
#include "tools/bench/stopwatch.h"

namespace {

struct EvalCorpus {
  std::string name;
  std::vector<ner::Document> documents;
};

[[noreturn]] void usage(const std::string& problem) {
  fmt::print(stderr,
             "vocab_bench: {}\nusage: vocab_bench --train DIR [--train DIR ...] [--eval NAME=DIR "
             "...] [--sizes 2000,4000,8000,16000] [--model-type unigram]\n",
             problem);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<ner::Document> train;
  std::vector<EvalCorpus> evaluations;
  std::vector<int> sizes = {2000, 4000, 8000, 16000};
  std::string model_type = "unigram";
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      if (i + 1 >= argc) usage(flag + " needs a value");
      const std::string value = argv[++i];
      if (flag == "--train") {
        for (ner::Document& document : ner::read_corpus(value, ner::CorpusOptions{}))
          train.push_back(std::move(document));
      } else if (flag == "--eval") {
        const std::size_t equals = value.find('=');
        if (equals == std::string::npos) usage("--eval takes NAME=DIR");
        evaluations.push_back(
            {value.substr(0, equals), ner::read_corpus(value.substr(equals + 1), {})});
      } else if (flag == "--sizes") {
        sizes.clear();
        for (std::size_t begin = 0; begin < value.size();) {
          const std::size_t comma = std::min(value.find(',', begin), value.size());
          sizes.push_back(std::stoi(value.substr(begin, comma - begin)));
          begin = comma + 1;
        }
      } else if (flag == "--model-type") {
        model_type = value;
      } else {
        usage("unknown option " + flag);
      }
    }
    if (train.empty()) usage("no --train documents");
    evaluations.insert(evaluations.begin(), EvalCorpus{"train", train});

    std::vector<std::string_view> texts;
    for (const ner::Document& document : train)
      texts.push_back(document.text);
    const ner::LabelSet labels(ner::TagScheme::kBio);
    fmt::print("{} training documents; tokenizer {}\n\n", train.size(), model_type);
    fmt::print("{:>7} {:>14}", "vocab", "train time");
    for (const EvalCorpus& corpus : evaluations)
      fmt::print(" {:>16} {:>14}", corpus.name + " pieces/KB", "inside (%)");
    fmt::print("\n");
    double baseline = 0;
    for (const int size : sizes) {
      ner::TokenizerConfig config;
      config.vocab_size = size;
      config.model_type = model_type;
      ner::Stopwatch stopwatch;
      const ner::Tokenizer tokenizer = ner::Tokenizer::train(texts, config);
      const double seconds = stopwatch.seconds();
      if (baseline == 0) baseline = seconds;
      fmt::print("{:>7} {:>13.2f}x", size, seconds / baseline);
      for (const EvalCorpus& corpus : evaluations) {
        std::size_t pieces = 0, bytes = 0, boundaries = 0, inside = 0;
        for (const ner::Document& document : corpus.documents) {
          const auto encoded = tokenizer.encode(document.text);
          const ner::PieceLabels labelled = ner::label_pieces(encoded, document.spans, labels);
          pieces += encoded.size();
          bytes += document.text.size();
          boundaries += labelled.boundaries;
          inside += labelled.misaligned_boundaries;
        }
        fmt::print(" {:>16.1f} {:>14.2f}", 1000.0 * static_cast<double>(pieces) / bytes,
                   boundaries == 0 ? 0.0 : 100.0 * static_cast<double>(inside) / boundaries);
      }
      fmt::print("\n");
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "vocab_bench: {}\n", error.what());
    return 2;
  }
  return 0;
}
