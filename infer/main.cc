// ner-tag: tags raw papers with an exported model and writes them inline, as
// JSON lines, CoNLL columns or an HTML view. No LibTorch in this process.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/command_line.h"
#include "base/error.h"
#include "base/file_io.h"
#include "base/output_paths.h"
#include "base/progress.h"
#include "base/utf8.h"
#include "datasets/corpus.h"
#include "datasets/entity_type.h"
#include "datasets/threshold_search.h"
#include "infer/output_formats.h"
#include "infer/pdf_text.h"
#include "infer/tagger.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kStandardInput = "-";
// Documents tagged together: enough windows to fill batches across short
// documents, few enough that output keeps flowing.
constexpr std::size_t kDocumentsPerRound = 16;

struct TagOptions {
  std::string model;
  std::string format = "auto";
  std::string out;
  std::vector<std::string> inputs;
  std::vector<std::string> globs = {"*.txt", "*.jsonl", "*.pdf"};
  int threads = 0;
  std::size_t batch_size = 32;
  ner::ProgressStyle progress = ner::ProgressStyle::kAuto;
  std::string gemm;
  bool info = false;
  bool json = false;
  std::string on_error = "skip";
  bool raw_scores = false;
  double min_score = 0;
  std::vector<std::string> thresholds;  // TYPE=SCORE
};

// The least score an entity of each type needs to be kept: --min-score, or
// its --threshold TYPE=SCORE.
std::array<double, ner::kEntityTypeCount> score_thresholds(const TagOptions& options) {
  std::array<double, ner::kEntityTypeCount> thresholds;
  thresholds.fill(options.min_score);
  for (const std::string& threshold : options.thresholds) {
    const auto [type, score] = ner::parse_type_score(threshold, "--threshold");
    thresholds[static_cast<std::size_t>(type)] = score;
  }
  return thresholds;
}

// Leaves out the entities scored below their type's threshold.
void apply_thresholds(ner::TaggedDocument& tagged,
                      const std::array<double, ner::kEntityTypeCount>& thresholds) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < tagged.spans.size(); ++i) {
    if (tagged.scores[i] < thresholds[static_cast<std::size_t>(tagged.spans[i].type)]) continue;
    tagged.spans[kept] = tagged.spans[i];
    tagged.scores[kept] = tagged.scores[i];
    ++kept;
  }
  tagged.spans.resize(kept);
  tagged.scores.resize(kept);
}

struct InputDocument {
  std::string name;  // relative to the input directory, the file's name, or "stdin"
  fs::path path;     // empty for standard input

  // How messages name it.
  std::string shown() const { return path.empty() ? "<stdin>" : path.string(); }
};

// What a directory holds besides the files chosen: "3 *.md, 1 *.pdf".
std::string other_files_text(const std::map<std::string, std::size_t>& other_files) {
  std::string text;
  for (const auto& [extension, count] : other_files)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", count, extension);
  return text;
}

// A glob for the kind of file a directory holds most of (every file when
// none of them has an extension).
std::string most_common_kind(const std::map<std::string, std::size_t>& other_files) {
  std::string kind = "*";
  std::size_t most = 0;
  for (const auto& [extension, count] : other_files) {
    if (extension.rfind("*.", 0) == 0 && count > most) {
      kind = extension;
      most = count;
    }
  }
  return kind;
}

// Every document the inputs name, in order; an input that does not exist or
// cannot be listed, and a file of it that cannot be reached, go to `skip`.
// A directory is searched for files whose names match `globs`; how many
// matched goes to `note`, and a directory where none did is an error.
std::vector<InputDocument> collect_inputs(const std::vector<std::string>& inputs,
                                          const std::vector<std::string>& globs,
                                          const std::function<void(const std::string&)>& skip,
                                          const std::function<void(const std::string&)>& note) {
  std::vector<InputDocument> documents;
  const std::string wanted = fmt::format("{}", fmt::join(globs, " or "));
  for (const std::string& input : inputs) {
    if (input == kStandardInput) {
      documents.push_back({"stdin", {}});
      continue;
    }
    ner::CorpusListing listing;
    try {
      listing = ner::list_corpus(input, globs);
    } catch (const ner::Error& failure) {
      skip(failure.what());
      continue;
    }
    std::error_code not_a_directory;
    if (fs::is_directory(input, not_a_directory)) {
      if (listing.files.empty() && listing.unreadable.empty()) {
        throw ner::Error(fmt::format(
            "{}: no file matches {}{}", input, wanted,
            listing.other_files.empty()
                ? std::string(" (the directory holds no files)")
                : fmt::format(" (it holds {}); choose the files with --glob, e.g. --glob '{}'",
                              other_files_text(listing.other_files),
                              most_common_kind(listing.other_files))));
      }
      note(fmt::format("{}: {} file{} match{} {}", input, listing.files.size(),
                       listing.files.size() == 1 ? "" : "s", listing.files.size() == 1 ? "es" : "",
                       wanted));
    }
    for (const ner::SkippedDocument& unreadable : listing.unreadable)
      skip(unreadable.reason);
    for (const fs::path& file : listing.files)
      documents.push_back({ner::corpus_document_name(input, file), file});
  }
  return documents;
}

// --out may not replace, hold or lie inside the model or an input: a file
// of an input folder may be a link to elsewhere, so the documents found are
// checked as well as the inputs named.
void check_out_apart_from_inputs(const TagOptions& options,
                                 const std::vector<InputDocument>& documents) {
  if (options.out.empty()) return;
  std::vector<ner::CommandPath> inputs = {{"--model", options.model}};
  for (const std::string& input : options.inputs)
    inputs.push_back({"input", input});
  for (const InputDocument& document : documents)
    inputs.push_back({"input", document.path});
  ner::refuse_output_over_inputs({"--out", options.out}, inputs);
}

std::string read_standard_input() {
  // Nothing typed yet looks like a hang; say what is being waited for.
  if (::isatty(STDIN_FILENO) != 0) {
    fmt::print(stderr,
               "ner-tag: reading standard input: type or paste the text, then Ctrl-D (or give "
               "files and directories as arguments)\n");
  }
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

// The text of a document (a PDF's extracted, with its pages), or the
// reason it cannot be tagged. A PDF is known by its first bytes, whatever
// its name.
std::optional<ner::ExtractedText> load_text(const InputDocument& document, std::string& reason) {
  ner::ExtractedText extracted;
  std::string& text = extracted.text;
  const std::string shown = document.shown();
  try {
    text = document.path.empty() ? read_standard_input() : ner::read_file(document.path);
    if (ner::looks_like_pdf(text)) extracted = ner::extract_pdf_text(text, shown);
  } catch (const ner::Error& error) {
    reason = error.what();
    return std::nullopt;
  }
  // A PDF's text is checked too: what a damaged font maps its glyphs to is not ours to trust.
  if (const auto bad = ner::find_invalid_utf8(text)) {
    reason = fmt::format("{}: not UTF-8 (byte 0x{:02x})",
                         ner::format_location(ner::locate_byte(text, *bad, shown)),
                         static_cast<unsigned char>(text[*bad]));
    return std::nullopt;
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    reason = fmt::format("{}: a NUL byte (binary file?)",
                         ner::format_location(ner::locate_byte(text, nul, shown)));
    return std::nullopt;
  }
  return extracted;
}

void write_to_stdout(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (std::ferror(stdout)) throw ner::Error("cannot write to standard output");
}

// A provenance value, or what to show when an older file lacks it.
std::string text_at(const nlohmann::json& json, const nlohmann::json::json_pointer& where) {
  if (!json.contains(where)) return "?";
  const nlohmann::json& value = json.at(where);
  return value.is_string() ? value.get<std::string>() : value.dump();
}

double number_at(const nlohmann::json& json, const nlohmann::json::json_pointer& where) {
  return json.contains(where) && json.at(where).is_number() ? json.at(where).get<double>() : -1;
}

std::string score_text(double value) {
  return value < 0 ? "?" : fmt::format("{:.3f}", value);
}

// Everything the file says, as one JSON object (--info --json).
nlohmann::json info_json(const ner::ModelFile& model, const std::string& path) {
  const ner::ModelConfig& c = model.config;
  return {{"file", path},
          {"format_version", model.format_version},
          {"network",
           {{"d_model", c.d_model},
            {"layers", c.layers},
            {"heads", c.heads},
            {"ffn", c.ffn},
            {"max_positions", c.max_positions},
            {"vocab_size", c.vocab_size},
            {"decoder", ner::decoder_name(c.decoder)}}},
          {"tag_scheme", model.tag_scheme},
          {"labels", model.label_names},
          {"max_len", model.max_len},
          {"stride", model.stride},
          {"weights", model.storage == ner::WeightStorage::kFp16 ? "fp16" : "fp32"},
          {"score_calibration",
           model.calibration.empty() ? nlohmann::json() : model.calibration.to_json()},
          {"provenance", model.provenance}};
}

// A screenful: what it finds, how big it is, how well it did, what it
// learnt from and when (the rest under --json).
void print_info(const ner::ModelFile& model, const std::string& path) {
  using Pointer = nlohmann::json::json_pointer;
  const ner::ModelConfig& c = model.config;
  const nlohmann::json& provenance = model.provenance;
  std::vector<std::string> types;
  for (const std::string& label : model.label_names) {
    if (label.size() > 2 && label[1] == '-' && (label[0] == 'B' || label[0] == 'U') &&
        std::find(types.begin(), types.end(), label.substr(2)) == types.end())
      types.push_back(label.substr(2));
  }
  std::size_t weights = 0;
  for (const auto& [name, tensor] : model.weights)
    weights += tensor.values.size();
  std::error_code no_size;
  const auto bytes = fs::file_size(path, no_size);
  fmt::print("model file   {} (format {}, {:.1f} MB, {} weights)\n", path, model.format_version,
             no_size ? 0.0 : static_cast<double>(bytes) / 1e6,
             model.storage == ner::WeightStorage::kFp16 ? "fp16" : "fp32");
  fmt::print("finds        {} ({} tags)\n", fmt::join(types, ", "), model.tag_scheme);
  fmt::print(
      "size         {:.2f}M weights: {} layers of {}, {} heads, {} decoder; windows of {} "
      "pieces, vocabulary {}\n",
      static_cast<double>(weights) / 1e6, c.layers, c.d_model, c.heads,
      ner::decoder_name(c.decoder), model.max_len, c.vocab_size);
  const Pointer test("/held_out/test");
  if (provenance.contains(test)) {
    std::vector<std::string> per_type;
    for (const std::string& type : types) {
      per_type.push_back(
          fmt::format("{} {}", type,
                      score_text(number_at(provenance, test / "types" / type / "strict" / "f1"))));
    }
    fmt::print("held-out F1  {} strict, {} partial on the test split ({} documents, {} labels)\n",
               score_text(number_at(provenance, test / "micro" / "strict" / "f1")),
               score_text(number_at(provenance, test / "micro" / "partial" / "f1")),
               text_at(provenance, test / "documents"),
               text_at(provenance, Pointer("/held_out/label_source/test")));
    fmt::print("             {}\n", fmt::join(per_type, ", "));
  }
  fmt::print("trained on   {} (train labels {}), checkpoint of step {}\n",
             text_at(provenance, Pointer("/dataset")),
             text_at(provenance, Pointer("/label_source/train")),
             text_at(provenance, Pointer("/step")));
  if (provenance.contains("pretraining")) {
    const nlohmann::json& pretraining = provenance["pretraining"];
    fmt::print("pretrained   {} steps on {} documents ({})\n",
               text_at(pretraining, Pointer("/steps")), text_at(pretraining, Pointer("/documents")),
               text_at(pretraining, Pointer("/run")));
  }
  if (provenance.contains("calibration")) {
    fmt::print(
        "scores       calibrated on {} dev entities ({} labels): expected calibration error "
        "{} raw, {} calibrated\n",
        text_at(provenance, Pointer("/calibration/entities")),
        text_at(provenance, Pointer("/calibration/label_source")),
        score_text(number_at(provenance, Pointer("/calibration/ece_before"))),
        score_text(number_at(provenance, Pointer("/calibration/ece_after"))));
  } else {
    fmt::print("scores       not calibrated: the mean label probability of the pieces\n");
  }
  fmt::print("exported     {} by version {}\n", text_at(provenance, Pointer("/exported")),
             text_at(provenance, Pointer("/version")));
  fmt::print("(everything, configs included: --info --json)\n");
}

// Counts and reports inputs that are left out, which never stop the others;
// under --on-error fail the first one stops the run instead.
class SkipReport {
 public:
  SkipReport(ner::ProgressDisplay& display, ner::OnError on_error)
      : display_(display), on_error_(on_error) {}
  void operator()(const std::string& reason) {
    if (on_error_ == ner::OnError::kFail)
      throw ner::Error(fmt::format("{} (--on-error skip leaves it out and goes on)", reason));
    display_.warn(fmt::format("ner-tag: {}; skipped", reason));
    ++count_;
  }
  std::size_t count() const { return count_; }

 private:
  ner::ProgressDisplay& display_;
  ner::OnError on_error_;
  std::size_t count_ = 0;
};

// Where tagged documents go: standard output, or one file per document under
// --out (apart from every input: check_out_apart_from_inputs), written
// atomically.
class OutputSink {
 public:
  OutputSink(ner::OutputFormat format, const std::string& out) : format_(format), out_(out) {
    if (!to_directory()) write_to_stdout(ner::format_header(format_, "Tagged documents"));
  }

  bool to_directory() const { return !out_.empty(); }

  // Writes one document's output (`name`: its name in the output, `shown`:
  // how messages name it); the reason it cannot, or nullopt.
  std::optional<std::string> write(const std::string& name, const std::string& shown,
                                   const std::string& output, const ner::TaggedDocument& tagged) {
    if (!to_directory()) {
      write_to_stdout(output);
      return std::nullopt;
    }
    const std::string file = ner::output_file_name(format_, name);
    const fs::path target = fs::path(out_) / file;
    if (const auto earlier = written_.find(target); earlier != written_.end()) {
      return fmt::format("{}: its output {} was already written for {}", shown, target.string(),
                         earlier->second);
    }
    // A failure to write (a full disk, say) stops the run: it is no one document's fault.
    ner::write_file_atomically(
        target, ner::format_header(format_, name) + output + ner::format_footer(format_));
    written_.emplace(target, shown);
    if (format_ == ner::OutputFormat::kHtml) {
      ner::HtmlIndexEntry entry{name, file, {}};
      for (const ner::Span& span : tagged.spans)
        ++entry.entities[static_cast<std::size_t>(span.type)];
      index_.push_back(std::move(entry));
    }
    return std::nullopt;
  }

  // Adds one line of a JSON Lines input's output: to standard output now,
  // to its file when end_lines() writes it whole.
  std::optional<std::string> add_line(const InputDocument& input, const std::string& line) {
    if (!to_directory()) {
      write_to_stdout(line);
      return std::nullopt;
    }
    lines_of_ = &input;
    lines_ += line;
    return std::nullopt;
  }
  // Writes the lines of `input` added since its first (nothing without --out
  // or when none was added).
  std::optional<std::string> end_lines(const InputDocument& input) {
    if (!to_directory() || lines_of_ != &input) return std::nullopt;
    const fs::path target =
        fs::path(out_) / ner::output_file_name(ner::OutputFormat::kJsonl, input.name);
    lines_of_ = nullptr;
    const std::string lines = std::move(lines_);
    lines_.clear();
    if (const auto earlier = written_.find(target); earlier != written_.end()) {
      return fmt::format("{}: its output {} was already written for {}", input.shown(),
                         target.string(), earlier->second);
    }
    ner::write_file_atomically(target, lines);
    written_.emplace(target, input.shown());
    return std::nullopt;
  }

  // Ends standard output, or writes the index page of a directory of HTML
  // pages: index.html, or _index.html when a document's page took that name.
  // Returns the index written, if any.
  std::optional<fs::path> finish() const {
    if (!to_directory()) {
      write_to_stdout(ner::format_footer(format_));
      return std::nullopt;
    }
    if (index_.empty()) return std::nullopt;
    fs::path index = fs::path(out_) / "index.html";
    if (written_.count(index) > 0) index = fs::path(out_) / "_index.html";
    ner::write_file_atomically(index, ner::html_index(index_));
    return index;
  }

 private:
  ner::OutputFormat format_;
  std::string out_;
  std::map<fs::path, std::string> written_;  // output file -> the document it holds
  std::vector<ner::HtmlIndexEntry> index_;   // the HTML pages written, in order
  const InputDocument* lines_of_ = nullptr;  // the JSON Lines input being written
  std::string lines_;                        // its output so far
};

struct TagTotals {
  std::size_t tagged = 0;
  std::size_t entities = 0;
};

// One document waiting in a round: a text file, standard input, or a line
// of a JSON Lines file (`record`, whose output is the record with entities).
struct PendingDocument {
  const InputDocument* input = nullptr;
  std::string text;
  std::size_t bytes = 0;                         // of input it stands for, for progress
  std::optional<nlohmann::ordered_json> record;  // key order kept
  std::string where;                             // "file:line" of a JSON line, for messages
  std::vector<ner::PageRange> pages;             // of a PDF's text
  std::string record_name;                       // a JSON line's: "<file stem>/<id>"
};

// Tags documents a round at a time, batching windows across them, and hands
// each result to the sink; progress counts bytes of text, so that it moves
// within one long document as the engine works through its windows.
class RoundTagger {
 public:
  RoundTagger(ner::Tagger& tagger, ner::OutputFormat format, bool json_lines_as_lines,
              OutputSink& sink, ner::ProgressDisplay& display, SkipReport& skip,
              std::size_t total_bytes, std::size_t documents,
              const std::array<double, ner::kEntityTypeCount>& thresholds)
      : tagger_(tagger),
        thresholds_(thresholds),
        format_(format),
        json_lines_as_lines_(json_lines_as_lines),
        sink_(sink),
        display_(display),
        skip_(skip),
        total_bytes_(total_bytes),
        documents_(documents) {}

  void add(PendingDocument document) {
    round_.push_back(std::move(document));
    if (round_.size() >= kDocumentsPerRound) flush();
  }
  // Counts input that was skipped or is done without a document of its own.
  void pass(std::size_t bytes) { done_bytes_ += bytes; }
  void grow_total(std::size_t bytes) { total_bytes_ += bytes; }
  void input_done() { ++inputs_done_; }

  void flush() {
    if (round_.empty()) return;
    std::size_t round_bytes = 0;
    std::vector<std::string_view> texts;
    for (const PendingDocument& document : round_) {
      round_bytes += document.bytes;
      texts.emplace_back(document.text);
    }
    const std::string documents_done = fmt::format("{}/{} inputs", inputs_done_, documents_);
    std::vector<ner::TaggedDocument> tagged =
        tagger_.tag(texts, [&](std::size_t windows_done, std::size_t windows) {
          if (windows_done < windows)
            display_.update_bytes(done_bytes_ + round_bytes * windows_done / windows, total_bytes_,
                                  documents_done);
        });
    for (std::size_t i = 0; i < round_.size(); ++i) {
      apply_thresholds(tagged[i], thresholds_);
      write(round_[i], tagged[i]);
    }
    done_bytes_ += round_bytes;
    round_.clear();
    display_.update_bytes(std::min(done_bytes_, total_bytes_), total_bytes_,
                          fmt::format("{}/{} inputs", inputs_done_, documents_));
  }

  const TagTotals& totals() const { return totals_; }

 private:
  // A JSON line comes back as the same line with jsonl (or as the input),
  // and as a document of its own (named "<file stem>/<id>") in the other formats.
  void write(const PendingDocument& document, const ner::TaggedDocument& tagged) {
    const InputDocument& input = *document.input;
    const bool as_line = document.record && json_lines_as_lines_;
    const std::string& name = document.record ? document.record_name : input.name;
    const std::string shown = document.record ? document.where : input.shown();
    std::string output;
    try {
      output = as_line ? ner::jsonl_record(*document.record, document.text, tagged)
                       : ner::format_document(format_, name, document.text, tagged, document.pages);
    } catch (const ner::Error& error) {
      skip_(fmt::format("{}: cannot be written {}: {}", shown, ner::output_format_name(format_),
                        error.what()));
      return;
    }
    const std::optional<std::string> failure =
        as_line ? sink_.add_line(input, output) : sink_.write(name, shown, output, tagged);
    if (failure) {
      skip_(*failure);
      return;
    }
    ++totals_.tagged;
    totals_.entities += tagged.spans.size();
  }

  ner::Tagger& tagger_;
  std::array<double, ner::kEntityTypeCount> thresholds_;
  ner::OutputFormat format_;
  bool json_lines_as_lines_;  // a JSON line comes back as a line (jsonl, or as the input)
  OutputSink& sink_;
  ner::ProgressDisplay& display_;
  SkipReport& skip_;
  std::size_t total_bytes_;
  std::size_t documents_;
  std::size_t done_bytes_ = 0;
  std::size_t inputs_done_ = 0;
  std::vector<PendingDocument> round_;
  TagTotals totals_;
};

// The name a JSON line's document takes in formats other than jsonl:
// "<file name without .jsonl>/<id>", the id kept to letters, digits and
// ._:- (others become _), or the line number where there is no usable id.
std::string record_document_name(const std::string& file_name, const nlohmann::ordered_json& record,
                                 std::size_t line) {
  std::string stem = file_name;
  if (stem.size() > 6 && stem.compare(stem.size() - 6, 6, ".jsonl") == 0)
    stem.resize(stem.size() - 6);
  std::string id;
  if (const auto found = record.find("id"); found != record.end()) {
    id = found->is_string() ? found->get<std::string>() : found->dump();
    for (char& c : id) {
      const bool kept =
          std::isalnum(static_cast<unsigned char>(c)) != 0 || std::strchr("._:-", c) != nullptr;
      if (!kept) c = '_';
    }
  }
  if (id.empty() || id == "." || id == ".." || id.size() > 200) id = fmt::format("line-{}", line);
  return stem + "/" + id;
}

bool is_json_lines(const InputDocument& document) {
  return document.path.extension() == ".jsonl";
}

// The documents of a JSON Lines file, one {"text": ...} object per line (any
// other fields are kept in the output); a line that is not one is skipped
// and reported as file:line.
void add_json_lines(const InputDocument& input, RoundTagger& rounds, SkipReport& skip) {
  std::ifstream in(input.path, std::ios::binary);
  if (!in) {
    skip(fmt::format("{}: cannot open: {}", input.shown(), std::strerror(errno)));
    return;
  }
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::size_t bytes = line.size() + 1;
    const std::string where = fmt::format("{}:{}", input.shown(), number);
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      rounds.pass(bytes);
      continue;
    }
    nlohmann::ordered_json record;
    try {
      record = nlohmann::ordered_json::parse(line);
    } catch (const nlohmann::json::parse_error& error) {
      rounds.pass(bytes);
      skip(fmt::format("{}: not JSON ({})", where, error.what()));
      continue;
    }
    if (!record.is_object() || !record.contains("text") || !record["text"].is_string()) {
      rounds.pass(bytes);
      skip(fmt::format("{}: not a document: expected an object with a string \"text\"", where));
      continue;
    }
    std::string text = record["text"].get<std::string>();
    if (text.find('\0') != std::string::npos) {
      rounds.pass(bytes);
      skip(fmt::format("{}: its text holds a NUL character", where));
      continue;
    }
    std::string name = record_document_name(input.name, record, number);
    rounds.add({&input, std::move(text), bytes, std::move(record), where, {}, std::move(name)});
  }
  if (in.bad()) skip(fmt::format("{}: cannot read: {}", input.shown(), std::strerror(errno)));
  // A JSON Lines file is written whole, once its last line is tagged.
  rounds.flush();
}

TagTotals tag_documents(ner::Tagger& tagger, const std::vector<InputDocument>& documents,
                        ner::OutputFormat format, bool json_lines_as_lines, OutputSink& sink,
                        ner::ProgressDisplay& display, SkipReport& skip,
                        const std::array<double, ner::kEntityTypeCount>& thresholds) {
  std::size_t total_bytes = 0;
  std::vector<std::size_t> sizes(documents.size(), 0);
  for (std::size_t i = 0; i < documents.size(); ++i) {
    std::error_code unknown;
    if (!documents[i].path.empty()) sizes[i] = fs::file_size(documents[i].path, unknown);
    if (unknown) sizes[i] = 0;
    total_bytes += sizes[i];
  }
  RoundTagger rounds(tagger, format, json_lines_as_lines, sink, display, skip, total_bytes,
                     documents.size(), thresholds);
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const InputDocument& document = documents[i];
    if (is_json_lines(document)) {
      rounds.flush();  // the file's lines are written together, apart from others
      add_json_lines(document, rounds, skip);
      if (const std::optional<std::string> failure = sink.end_lines(document)) skip(*failure);
    } else {
      std::string reason;
      if (std::optional<ner::ExtractedText> text = load_text(document, reason)) {
        // Standard input counts once it has been read.
        if (document.path.empty()) {
          sizes[i] = text->text.size();
          rounds.grow_total(sizes[i]);
        }
        rounds.add({&document,
                    std::move(text->text),
                    sizes[i],
                    std::nullopt,
                    document.shown(),
                    std::move(text->pages),
                    {}});
      } else {
        rounds.pass(sizes[i]);
        skip(reason);
      }
    }
    rounds.input_done();
  }
  rounds.flush();
  if (const std::optional<fs::path> index = sink.finish())
    display.line(fmt::format("index of the pages: {}", index->string()));
  return rounds.totals();
}

ner::Tagger load_tagger(ner::ModelFile model, const TagOptions& options) {
  ner::TaggerOptions tagger_options;
  tagger_options.threads = options.threads;
  tagger_options.batch_size = options.batch_size;
  if (!options.gemm.empty()) tagger_options.gemm = ner::parse_gemm_backend(options.gemm);
  tagger_options.raw_scores = options.raw_scores;
  return ner::Tagger(std::move(model), tagger_options, options.model);
}

int run_tag(const TagOptions& options) {
  const std::array<double, ner::kEntityTypeCount> thresholds = score_thresholds(options);
  if (!options.info) check_out_apart_from_inputs(options, {});
  ner::ModelFile model = ner::read_model_file(options.model);
  if (options.info) {
    if (options.json) {
      fmt::print("{}\n", info_json(model, options.model).dump(2));
    } else {
      print_info(model, options.model);
    }
    return ner::kExitSuccess;
  }
  // "auto": every input in its own kind, inline text or JSON lines.
  const bool as_input = options.format == "auto";
  const ner::OutputFormat format =
      as_input ? ner::OutputFormat::kInline : ner::parse_output_format(options.format);
  ner::Tagger tagger = load_tagger(std::move(model), options);
  ner::ProgressDisplay display(options.progress);
  SkipReport skip(display, ner::parse_on_error(options.on_error));
  const std::vector<InputDocument> documents = collect_inputs(
      options.inputs.empty() ? std::vector<std::string>{kStandardInput} : options.inputs,
      options.globs, [&](const std::string& reason) { skip(reason); },
      [&](const std::string& text) { display.line(text); });
  check_out_apart_from_inputs(options, documents);
  OutputSink sink(format, options.out);
  const TagTotals totals =
      tag_documents(tagger, documents, format, as_input || format == ner::OutputFormat::kJsonl,
                    sink, display, skip, thresholds);
  // A summary where it does not mix into piped output: with files written,
  // or beside a bar.
  if (sink.to_directory() || display.draws_bar() ||
      options.progress == ner::ProgressStyle::kLines) {
    display.line(fmt::format("tagged {} documents, {} entities, in {:.1f} s{}", totals.tagged,
                             totals.entities, display.elapsed_seconds(),
                             skip.count() > 0 ? fmt::format("; {} skipped", skip.count()) : ""));
  }
  return skip.count() > 0 ? ner::kExitPartial : ner::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tag ML-model facts (model, params, country, year, hardware, training) in raw text",
               "ner-tag"};
  app.set_version_flag("--version", std::string("ner-tag ") + NER_VERSION);
  app.footer(
      "Inputs are files, directories (every file under them whose name matches --glob) or -\n"
      "for standard input (the default): text, JSON lines of {\"id\", \"text\"}, or PDF papers\n"
      "(their text in reading order, line-end hyphens resolved). Without --out, results go to "
      "standard output; --out may "
      "not be, hold or lie\n"
      "inside an input.\n"
      "Exit status: 0 success, 1 some inputs were skipped (reported on stderr), 2 error.");
  TagOptions options;
  app.add_option("--model,-m", options.model,
                 "Model file written by training or 'ner-train export'")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--format,-f", options.format,
                 "auto (each input as it came: JSON lines as JSON lines, the rest inline), "
                 "inline (the text with tags; for a PDF, its extracted text), jsonl (a PDF's "
                 "entities with their page), conll or html")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "inline", "jsonl", "conll", "html"}));
  app.add_option("--out,-o", options.out,
                 "Directory for one output file per document (inline keeps the input's name)");
  app.add_option("--threads", options.threads, "CPU threads (0: all cores)")
      ->capture_default_str()
      ->check(ner::whole_number(0, "0: all cores"));
  app.add_option("--batch-size", options.batch_size, "Windows per engine call")
      ->capture_default_str()
      ->check(ner::whole_number(1));
  app.add_option("--gemm", options.gemm,
                 "Matrix products: blas (the system BLAS, default when built with one) or eigen")
      ->check(CLI::IsMember({"eigen", "blas"}));
  ner::add_progress_option(app, options.progress, "a summary line when writing to --out");
  app.add_option("--min-score", options.min_score,
                 "Leave out entities scored below this (the score is the calibrated probability "
                 "that the entity is right, when the model file has a calibration)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--threshold", options.thresholds,
                 "A type's own least score, TYPE=SCORE, e.g. --threshold model=0.6 (repeatable; "
                 "overrides --min-score for that type)")
      ->allow_extra_args(false);
  app.add_flag("--raw-scores", options.raw_scores,
               "Scores as the model computes them (mean label probability of the pieces), not "
               "calibrated");
  app.add_option(
         "--on-error", options.on_error,
         "On an input that cannot be tagged (unreadable, not UTF-8, a damaged PDF): skip it "
         "and report "
         "it (exit status 1), or fail (exit status 2)")
      ->capture_default_str()
      ->check(CLI::IsMember({"fail", "skip"}));
  CLI::Option* info = app.add_flag(
      "--info", options.info,
      "Print what the model finds, its size, held-out F1, training data and date, and exit");
  app.add_flag("--json", options.json, "With --info: everything the file records, as JSON")
      ->needs(info);
  app.add_option("--glob,-g", options.globs,
                 "Files to tag in input directories, by name (repeatable; a file named as an "
                 "input is always tagged)")
      ->allow_extra_args(false)
      ->capture_default_str();
  app.add_option("inputs", options.inputs, "Files, directories, or - for standard input");
  return ner::run_command_line(app, argc, argv, [&] { return run_tag(options); });
}
