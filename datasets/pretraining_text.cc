#include "datasets/pretraining_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string_view>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"
#include "base/utf8.h"
#include "datasets/tokenizer.h"

namespace ner {
namespace fs = std::filesystem;
namespace {

void log_line(const PretrainingTextOptions& options, const std::string& line) {
  if (options.log) options.log(line);
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

// Why `text` cannot be a document, if it cannot: SentencePiece and the
// offsets downstream assume well-formed UTF-8, and a NUL byte means binary.
std::optional<std::string> text_problem(std::string_view text) {
  if (const auto bad = find_invalid_utf8(text)) return fmt::format("not UTF-8 at byte {}", *bad);
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    return fmt::format("a NUL byte at byte {}", nul);
  return std::nullopt;
}

// The "text" of one JSON Lines document, or why there is none.
std::optional<std::string> jsonl_text(const std::string& line, std::string& text) {
  if (const auto problem = text_problem(line)) return problem;
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& error) {
    return fmt::format("not JSON (at byte {})", error.byte);
  }
  if (!document.is_object()) return std::string("not a JSON object");
  const auto found = document.find("text");
  if (found == document.end() || !found->is_string()) return std::string("no string \"text\"");
  text = found->get<std::string>();
  return text_problem(text);
}

// Walks the documents of the inputs in order, one at a time, applying the
// error policy and the document limit. Both passes walk the same documents.
class DocumentWalk {
 public:
  using Visit = std::function<void(const std::string& text)>;
  // After each input: its index and how many of its documents were visited.
  using InputDone = std::function<void(std::size_t input, std::size_t documents)>;

  DocumentWalk(const PretrainingTextOptions& options, bool report_skips)
      : options_(options), report_skips_(report_skips) {}

  void run(const Visit& visit, const InputDone& input_done) {
    for (std::size_t i = 0; i < options_.inputs.size(); ++i) {
      const std::size_t before = documents_;
      if (!full()) {
        const fs::path& input = options_.inputs[i];
        if (input.extension() == ".jsonl" && !fs::is_directory(input))
          walk_jsonl(input, visit);
        else
          walk_text_files(input, visit);
      }
      input_done(i, documents_ - before);
    }
  }

  std::size_t documents() const { return documents_; }
  std::size_t skipped() const { return skipped_; }
  std::size_t empty() const { return empty_; }

 private:
  bool full() const { return options_.max_documents != 0 && documents_ >= options_.max_documents; }

  void accept(const std::string& text, const Visit& visit) {
    if (is_blank(text)) {
      ++empty_;
      return;
    }
    visit(text);
    ++documents_;
  }

  void reject(SkippedDocument skipped) {
    if (options_.on_error == OnError::kFail) throw Error(skipped.reason);
    ++skipped_;
    if (report_skips_ && options_.on_skip) options_.on_skip(skipped);
  }

  void walk_jsonl(const fs::path& path, const Visit& visit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      reject(
          {path.string(), fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno))});
      return;
    }
    std::string line;
    std::string text;
    for (std::size_t number = 1; !full() && std::getline(in, line); ++number) {
      if (is_blank(line)) continue;
      if (const auto problem = jsonl_text(line, text)) {
        const std::string where = fmt::format("{}:{}", path.string(), number);
        reject({where, fmt::format("{}: {}", where, *problem)});
        continue;
      }
      accept(text, visit);
    }
    if (in.bad()) throw Error(fmt::format("{}: read error", path.string()));
  }

  void walk_text_files(const fs::path& root, const Visit& visit) {
    const CorpusListing listing = list_corpus(root);
    if (listing.files.empty() && listing.unreadable.empty()) {
      throw Error(
          fmt::format("{}: no *.txt documents found (give each *.jsonl file as its own --text)",
                      root.string()));
    }
    for (const SkippedDocument& unreadable : listing.unreadable)
      reject(unreadable);
    for (const fs::path& file : listing.files) {
      if (full()) return;
      std::string text;
      try {
        text = read_file(file);
      } catch (const Error& error) {
        reject({file.string(), error.what()});
        continue;
      }
      if (const auto problem = text_problem(text)) {
        reject({file.string(), fmt::format("{}: {}", file.string(), *problem)});
        continue;
      }
      accept(text, visit);
    }
  }

  const PretrainingTextOptions& options_;
  bool report_skips_;
  std::size_t documents_ = 0;
  std::size_t skipped_ = 0;
  std::size_t empty_ = 0;
};

// A uniform random sample of at most `capacity` non-blank lines of all the
// text offered (reservoir sampling): the tokenizer then learns from every
// input in proportion to its size, not from the first files alone, in one
// pass and bounded memory. Seeded, so the same inputs give the same sample.
class LineSample {
 public:
  LineSample(std::size_t capacity, std::uint64_t seed) : capacity_(capacity), random_(seed) {}

  void add_text(std::string_view text) {
    std::size_t begin = 0;
    while (begin < text.size()) {
      const std::size_t end = std::min(text.find('\n', begin), text.size());
      add_line(text.substr(begin, end - begin));
      begin = end + 1;
    }
  }

  std::vector<std::string_view> lines() const { return {lines_.begin(), lines_.end()}; }
  std::size_t seen() const { return seen_; }

 private:
  void add_line(std::string_view line) {
    if (is_blank(line)) return;
    ++seen_;
    if (lines_.size() < capacity_) {
      lines_.emplace_back(line);
      return;
    }
    const std::uint64_t slot = random_() % seen_;
    if (slot < capacity_) lines_[static_cast<std::size_t>(slot)].assign(line);
  }

  std::size_t capacity_;
  std::mt19937_64 random_;
  std::vector<std::string> lines_;
  std::size_t seen_ = 0;
};

Tokenizer train_tokenizer(const PretrainingTextOptions& options, PretrainingTextReport& report) {
  const TokenizerConfig& config = options.config.tokenizer;
  LineSample sample(config.max_training_lines, options.config.seed);
  DocumentWalk walk(options, false);
  walk.run([&](const std::string& text) { sample.add_text(text); },
           [](std::size_t, std::size_t) {});
  if (walk.documents() == 0) throw Error("no document in the inputs has any text");
  const std::vector<std::string_view> lines = sample.lines();
  log_line(options, fmt::format("training a {} tokenizer ({} pieces) on {} of {} lines of {} "
                                "documents",
                                config.model_type, config.vocab_size, lines.size(), sample.seen(),
                                walk.documents()));
  report.training_lines = lines.size();
  report.tokenizer_trained = true;
  return Tokenizer::train(lines, config);
}

}  // namespace

// SentencePiece writes only spaces as U+2581; a newline or tab becomes a byte
// piece (or a piece of its own) and the word after it has no U+2581. Such a
// piece starts the word it precedes, the way U+2581 does, so whole-word
// masking never glues the first word of a line to the last of the one before.
bool piece_starts_word(std::string_view piece) {
  constexpr std::string_view kWordStart = "\xE2\x96\x81";  // U+2581
  if (piece.substr(0, kWordStart.size()) == kWordStart) return true;
  constexpr std::string_view kWhitespace = "\t\n\v\f\r";
  if (!piece.empty() && kWhitespace.find(piece.front()) != std::string_view::npos) return true;
  for (const char c : kWhitespace)
    if (piece == fmt::format("<0x{:02X}>", static_cast<int>(c))) return true;
  return false;
}

std::vector<std::size_t> balanced_window_lengths(std::size_t pieces, std::size_t max_len) {
  if (max_len == 0) throw Error("windows need a max_len of at least 1");
  const std::size_t windows = (pieces + max_len - 1) / max_len;
  std::vector<std::size_t> lengths;
  lengths.reserve(windows);
  for (std::size_t w = 0; w < windows; ++w)
    lengths.push_back((w + 1) * pieces / windows - w * pieces / windows);
  return lengths;
}

PretrainingCorpus build_pretraining_corpus(const PretrainingTextOptions& options,
                                           PretrainingTextReport& report) {
  report = {};
  if (options.inputs.empty()) throw Error("no input text given");
  const Tokenizer tokenizer = options.tokenizer_model.empty()
                                  ? train_tokenizer(options, report)
                                  : reuse_tokenizer(options.tokenizer_model, options.log);

  PretrainingCorpus corpus;
  corpus.tokenizer_model = tokenizer.serialized_model();
  corpus.vocab_size = tokenizer.vocab_size();
  for (int id = 0; id < corpus.vocab_size; ++id)
    corpus.starts_word.push_back(piece_starts_word(tokenizer.piece_text(id)) ? 1 : 0);
  corpus.max_len = static_cast<std::int64_t>(options.config.max_len);

  const auto start = std::chrono::steady_clock::now();
  DocumentWalk walk(options, true);
  walk.run(
      [&](const std::string& text) {
        const std::vector<Piece> pieces = tokenizer.encode(text);
        for (const Piece& piece : pieces)
          corpus.piece_ids.push_back(static_cast<std::int32_t>(piece.id));
        for (const std::size_t length :
             balanced_window_lengths(pieces.size(), options.config.max_len)) {
          corpus.window_offsets.push_back(corpus.window_offsets.back() +
                                          static_cast<std::int64_t>(length));
        }
        corpus.text_bytes += static_cast<std::int64_t>(text.size());
      },
      [&](std::size_t input, std::size_t documents) {
        corpus.sources.push_back(options.inputs[input].string());
        corpus.source_documents.push_back(static_cast<std::int64_t>(documents));
        log_line(options, fmt::format("{}: {} documents; {} documents, {} pieces so far",
                                      options.inputs[input].string(), documents, walk.documents(),
                                      corpus.piece_count()));
      });
  report.tokenize_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.skipped_documents = walk.skipped();
  report.empty_documents = walk.empty();
  corpus.documents = static_cast<std::int64_t>(walk.documents());
  if (corpus.documents == 0) throw Error("no document in the inputs has any text");
  return corpus;
}

}  // namespace ner
