#include "datasets/pretraining_corpus.h"

#include <fmt/format.h>

#include <numeric>

#include "base/error.h"
#include "base/hdf5_storage.h"

namespace ner {
namespace {

// More pieces than any tokenizer we train; beyond it a size is damage.
constexpr std::int64_t kMaxVocabSize = 1 << 24;

// Everything a reader relies on: windows that cut the pieces into runs of 1
// to max_len, ids inside the vocabulary, one word-start flag per id, and
// sources that add up to the documents.
void check_corpus(const PretrainingCorpus& corpus, const std::function<void(std::string)>& fail) {
  if (corpus.tokenizer_model.empty()) fail("no tokenizer model");
  if (corpus.vocab_size <= 0 || corpus.vocab_size > kMaxVocabSize)
    fail(fmt::format("vocabulary size {} is out of range", corpus.vocab_size));
  if (corpus.starts_word.size() != static_cast<std::size_t>(corpus.vocab_size)) {
    fail(fmt::format("{} word-start flags for a vocabulary of {}", corpus.starts_word.size(),
                     corpus.vocab_size));
  }
  for (const std::uint8_t flag : corpus.starts_word)
    if (flag > 1) fail(fmt::format("word-start flag {} is neither 0 nor 1", flag));
  if (corpus.max_len <= 0) fail(fmt::format("max_len {} is not positive", corpus.max_len));
  const auto& offsets = corpus.window_offsets;
  if (offsets.empty() || offsets.front() != 0) fail("window offsets do not start at 0");
  for (std::size_t w = 0; w + 1 < offsets.size(); ++w) {
    const std::int64_t length = offsets[w + 1] - offsets[w];
    if (length <= 0 || length > corpus.max_len) {
      fail(
          fmt::format("window {} holds {} pieces, not 1 to max_len {}", w, length, corpus.max_len));
    }
  }
  if (offsets.back() != corpus.piece_count()) {
    fail(fmt::format("window offsets end at {}, not at the piece count {}", offsets.back(),
                     corpus.piece_count()));
  }
  for (std::size_t i = 0; i < corpus.piece_ids.size(); ++i) {
    if (corpus.piece_ids[i] < 0 || corpus.piece_ids[i] >= corpus.vocab_size) {
      fail(fmt::format("piece {} has id {}, outside the vocabulary of {}", i, corpus.piece_ids[i],
                       corpus.vocab_size));
    }
  }
  if (corpus.sources.size() != corpus.source_documents.size())
    fail("sources and their document counts differ in number");
  for (const std::int64_t count : corpus.source_documents)
    if (count < 0) fail(fmt::format("a source of {} documents", count));
  const std::int64_t documents = std::accumulate(corpus.source_documents.begin(),
                                                 corpus.source_documents.end(), std::int64_t{0});
  if (documents != corpus.documents) {
    fail(fmt::format("the sources hold {} documents, the corpus says {}", documents,
                     corpus.documents));
  }
  if (corpus.text_bytes < 0) fail(fmt::format("text size {} is negative", corpus.text_bytes));
}

}  // namespace

void write_pretraining_corpus(const std::filesystem::path& path, const PretrainingCorpus& corpus) {
  check_corpus(corpus, [&](const std::string& what) {
    throw Error(fmt::format("{}: {}", path.string(), what));
  });
  hdf5::write_file_atomically(path, "pretraining corpus", [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    hdf5::write_format_mark(root, {kPretrainingCorpusFormatName, kPretrainingCorpusFormatVersion});
    hdf5::write_attribute(root, "vocab_size", corpus.vocab_size);
    hdf5::write_attribute(root, "max_len", corpus.max_len);
    hdf5::write_attribute(root, "documents", corpus.documents);
    hdf5::write_attribute(root, "text_bytes", corpus.text_bytes);
    hdf5::write_bytes(root, "tokenizer_model", corpus.tokenizer_model);
    hdf5::write_array(root, "starts_word", corpus.starts_word);
    hdf5::write_array(root, "piece_ids", corpus.piece_ids);
    hdf5::write_array(root, "window_offsets", corpus.window_offsets);
    hdf5::write_string_list(root, "sources", corpus.sources);
    hdf5::write_array(root, "source_documents", corpus.source_documents);
  });
}

PretrainingCorpus read_pretraining_corpus(const std::filesystem::path& path) {
  PretrainingCorpus corpus;
  hdf5::read_file(path, "pretraining corpus", [&](H5::H5File& file) {
    const hdf5::GroupReader root(path, file.openGroup("/"), "");
    const hdf5::FormatMark mark = hdf5::read_format_mark(root);
    if (mark.name != kPretrainingCorpusFormatName)
      root.fail(fmt::format("not a pretraining corpus (format '{}')", mark.name));
    if (mark.version < 1 || mark.version > kPretrainingCorpusFormatVersion) {
      root.fail(fmt::format(
          "this build reads pretraining corpus format version <= {}, the file is version {}",
          kPretrainingCorpusFormatVersion, mark.version));
    }
    const std::int64_t vocab_size = root.integer_attribute("vocab_size");
    if (vocab_size <= 0 || vocab_size > kMaxVocabSize)
      root.fail(fmt::format("vocabulary size {} is out of range", vocab_size));
    corpus.vocab_size = static_cast<int>(vocab_size);
    corpus.max_len = root.integer_attribute("max_len");
    corpus.documents = root.integer_attribute("documents");
    corpus.text_bytes = root.integer_attribute("text_bytes");
    corpus.tokenizer_model = root.bytes("tokenizer_model");
    corpus.starts_word = root.array<std::uint8_t>("starts_word");
    corpus.piece_ids = root.array<std::int32_t>("piece_ids");
    corpus.window_offsets = root.array<std::int64_t>("window_offsets");
    corpus.sources = root.string_list("sources");
    corpus.source_documents = root.array<std::int64_t>("source_documents");
    check_corpus(corpus, [&](const std::string& what) { root.fail(what); });
  });
  return corpus;
}

}  // namespace ner
