// ner-tag: tags raw papers with an exported model and writes them inline, as
// JSON lines, CoNLL columns or an HTML view. No LibTorch in this process.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "datasets/command_line.h"
#include "datasets/corpus.h"
#include "datasets/error.h"
#include "datasets/progress.h"
#include "datasets/utf8.h"
#include "infer/output_formats.h"
#include "infer/tagger.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kStandardInput = "-";
// Documents tagged together: enough windows to fill batches across short
// documents, few enough that output keeps flowing.
constexpr std::size_t kDocumentsPerRound = 16;

struct TagOptions {
  std::string model;
  std::string format = "inline";
  std::string out;
  std::vector<std::string> inputs;
  int threads = 0;
  std::size_t batch_size = 32;
  std::string progress = "auto";
  std::string gemm;
  bool info = false;
};

struct InputDocument {
  std::string name;  // relative to the input directory, the file's name, or "stdin"
  fs::path path;     // empty for standard input

  // How messages name it.
  std::string shown() const { return path.empty() ? "<stdin>" : path.string(); }
};

// Every document the inputs name, in order; an input that does not exist or
// cannot be listed goes to `skip`.
std::vector<InputDocument> collect_inputs(const std::vector<std::string>& inputs,
                                          const std::function<void(const std::string&)>& skip) {
  std::vector<InputDocument> documents;
  for (const std::string& input : inputs) {
    if (input == kStandardInput) {
      documents.push_back({"stdin", {}});
      continue;
    }
    try {
      for (const fs::path& file : ner::list_corpus_files(input))
        documents.push_back({ner::corpus_document_name(input, file), file});
    } catch (const ner::Error& failure) {
      skip(failure.what());
    }
  }
  return documents;
}

std::string read_standard_input() {
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

// The text of a document, or the reason it cannot be tagged.
std::optional<std::string> load_text(const InputDocument& document, std::string& reason) {
  std::string text;
  const std::string shown = document.shown();
  try {
    text = document.path.empty() ? read_standard_input() : ner::read_file(document.path);
  } catch (const ner::Error& error) {
    reason = error.what();
    return std::nullopt;
  }
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
  return text;
}

void write_to_stdout(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (std::ferror(stdout)) throw ner::Error("cannot write to standard output");
}

void print_info(const ner::ModelFile& model, const std::string& path) {
  const ner::ModelConfig& c = model.config;
  fmt::print("model file  {} (format version {})\n", path, model.format_version);
  fmt::print("network     d_model {}, {} layers, {} heads, ffn {}, {} positions, {} decoder\n",
             c.d_model, c.layers, c.heads, c.ffn, c.max_positions, c.decoder);
  fmt::print("labels      {} ({}): {}\n", model.label_names.size(), model.tag_scheme,
             fmt::join(model.label_names, " "));
  fmt::print("windows     {} pieces, stride {}; vocabulary {}\n", model.max_len, model.stride,
             c.vocab_size);
  fmt::print("weights     {} tensors stored as {}\n", model.weights.size(),
             model.storage == ner::WeightStorage::kFp16 ? "fp16" : "fp32");
  fmt::print("provenance  {}\n", model.provenance.dump(2));
}

int run_tag(const TagOptions& options) {
  ner::ModelFile model = ner::read_model_file(options.model);
  if (options.info) {
    print_info(model, options.model);
    return ner::kExitSuccess;
  }
  const ner::OutputFormat format = ner::parse_output_format(options.format);
  ner::TaggerOptions tagger_options;
  tagger_options.threads = options.threads;
  tagger_options.batch_size = options.batch_size;
  if (!options.gemm.empty()) tagger_options.gemm = ner::parse_gemm_backend(options.gemm);
  ner::Tagger tagger(std::move(model), tagger_options, options.model);

  // "none" turns the bar off, never the reports of skipped inputs.
  const ner::ProgressStyle style = options.progress == "none"  ? ner::ProgressStyle::kLines
                                   : options.progress == "bar" ? ner::ProgressStyle::kBar
                                                               : ner::ProgressStyle::kAuto;
  ner::ProgressDisplay display(style);
  std::size_t skipped = 0;
  const auto report_skip = [&](const std::string& reason) {
    display.line(fmt::format("ner-tag: {}; skipped", reason));
    ++skipped;
  };
  const std::vector<InputDocument> documents = collect_inputs(
      options.inputs.empty() ? std::vector<std::string>{kStandardInput} : options.inputs,
      report_skip);
  const bool to_directory = !options.out.empty();
  if (!to_directory) write_to_stdout(ner::format_header(format, "Tagged documents"));

  std::map<fs::path, std::string> written;  // output file -> the document that produced it
  // No output may replace any input, whichever document it belongs to.
  std::map<fs::path, std::string> input_files;
  for (const InputDocument& document : documents) {
    std::error_code error;
    if (!document.path.empty())
      input_files.emplace(fs::weakly_canonical(document.path, error), document.path.string());
  }
  const auto started = std::chrono::steady_clock::now();
  std::size_t done = 0, tagged_count = 0, entities = 0;
  for (std::size_t first = 0; first < documents.size(); first += kDocumentsPerRound) {
    const std::size_t last = std::min(documents.size(), first + kDocumentsPerRound);
    std::vector<const InputDocument*> round;
    std::vector<std::string> texts;
    for (std::size_t i = first; i < last; ++i) {
      std::string reason;
      if (std::optional<std::string> text = load_text(documents[i], reason)) {
        round.push_back(&documents[i]);
        texts.push_back(std::move(*text));
      } else {
        report_skip(reason);
      }
    }
    const std::vector<std::string_view> views(texts.begin(), texts.end());
    const std::vector<ner::TaggedDocument> tagged = tagger.tag(views);
    for (std::size_t i = 0; i < round.size(); ++i) {
      const InputDocument& document = *round[i];
      const std::string shown = document.shown();
      std::string output;
      try {
        output = ner::format_document(format, document.name, texts[i], tagged[i]);
      } catch (const ner::Error& error) {
        report_skip(
            fmt::format("{}: cannot be written {}: {}", shown, options.format, error.what()));
        continue;
      }
      if (to_directory) {
        const fs::path target =
            fs::path(options.out) / ner::output_file_name(format, document.name);
        std::error_code error;
        if (const auto input = input_files.find(fs::weakly_canonical(target, error));
            input != input_files.end()) {
          report_skip(fmt::format("{}: its output would replace the input {}; choose another --out",
                                  shown, input->second));
          continue;
        }
        if (const auto [it, inserted] = written.emplace(target, shown); !inserted) {
          report_skip(fmt::format("{}: its output {} was already written for {}", shown,
                                  target.string(), it->second));
          continue;
        }
        ner::write_file_atomically(target, ner::format_header(format, document.name) + output +
                                               ner::format_footer(format));
      } else {
        write_to_stdout(output);
      }
      ++tagged_count;
      entities += tagged[i].spans.size();
    }
    done = last;
    display.update_count(
        done, documents.size(), "docs",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  if (!to_directory) write_to_stdout(ner::format_footer(format));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (to_directory || ::isatty(2) == 1 || style == ner::ProgressStyle::kBar) {
    display.line(fmt::format("tagged {} documents, {} entities, in {:.1f} s{}", tagged_count,
                             entities, seconds,
                             skipped > 0 ? fmt::format("; {} skipped", skipped) : ""));
  }
  return skipped > 0 ? ner::kExitPartial : ner::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tag ML-model facts (model, params, country, year, hardware, training) in raw text",
               "ner-tag"};
  app.set_version_flag("--version", std::string("ner-tag ") + NER_VERSION);
  app.footer(
      "Inputs are files, directories (every *.txt under them) or - for standard input (the\n"
      "default). Without --out, results go to standard output.\n"
      "Exit status: 0 success, 1 some inputs were skipped (reported on stderr), 2 error.");
  TagOptions options;
  app.add_option("--model,-m", options.model,
                 "Model file written by training or 'ner-train export'")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--format,-f", options.format,
                 "inline (the input with tags), jsonl, conll or html")
      ->capture_default_str()
      ->check(CLI::IsMember({"inline", "jsonl", "conll", "html"}));
  app.add_option("--out,-o", options.out,
                 "Directory for one output file per document (inline keeps the input's name)");
  app.add_option("--threads", options.threads, "CPU threads (0: all cores)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--batch-size", options.batch_size, "Windows per engine call")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--gemm", options.gemm,
                 "Matrix products: blas (the system BLAS, default when built with one) or eigen")
      ->check(CLI::IsMember({"eigen", "blas"}));
  app.add_option("--progress", options.progress, "auto: a bar when stderr is a terminal; bar; none")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "bar", "none"}));
  app.add_flag("--info", options.info, "Print the model's config, labels and provenance, and exit");
  app.add_option("inputs", options.inputs, "Files, directories, or - for standard input");
  return ner::run_command_line(app, argc, argv, [&] { return run_tag(options); });
}
