// Speed of `ner-train prepare` on 10,000 generated documents with gold twins,
// against reading and parsing the same corpus (the baseline every run pays).
// Exits non-zero above the 30 s target.
// Usage: build/tools/bench/prepare_bench [DOCS] [CONFIG]   (default 10000, configs/small.yaml)
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "datasets/corpus.h"
#include "datasets/data_config.h"
#include "datasets/prepare.h"
#include "tools/bench/stopwatch.h"
#include "tools/corpus/generator.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const std::size_t documents = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  const fs::path config_file = argc > 2 ? fs::path(argv[2]) : fs::path("configs/small.yaml");
  constexpr double kTargetSeconds = 30.0;
  const fs::path scratch = fs::temp_directory_path() / "ner-prepare-bench";
  fs::remove_all(scratch);

  ner::corpus::GeneratorOptions generator;
  generator.documents = documents;
  ner::corpus::write_corpus(
      generator, ner::corpus::WriteOptions{scratch / "weak", scratch / "gold", false, 2, {}});

  ner::Stopwatch stopwatch;
  ner::CorpusReport report;
  const auto corpus = ner::read_corpus(scratch / "weak", ner::CorpusOptions{}, &report);
  const double read_seconds = stopwatch.seconds();
  std::size_t bytes = 0;
  for (const auto& document : corpus)
    bytes += document.text.size();

  ner::PrepareOptions options;
  options.data = scratch / "weak";
  options.gold = scratch / "gold";
  options.out = scratch / "data.h5";
  options.config = ner::load_data_config(fs::exists(config_file) ? config_file : fs::path(), {});
  stopwatch.restart();
  const ner::PrepareReport prepared = ner::prepare_dataset(options);
  const double prepare_seconds = stopwatch.seconds();
  const auto file_size = fs::file_size(options.out);
  fs::remove_all(scratch);

  fmt::print("documents                        {}\n", documents);
  fmt::print("plain text                       {:.1f} MB\n", bytes / 1e6);
  fmt::print("baseline: read + parse corpus    {:.2f} s\n", read_seconds);
  fmt::print("prepare (tokenizer {} pieces)  {:.2f} s  ({:.2f}x the baseline, {:.2f} MB/s)\n",
             prepared.vocab_size, prepare_seconds, prepare_seconds / read_seconds,
             bytes / 1e6 / prepare_seconds);
  fmt::print("dataset file                     {:.1f} MB\n", file_size / 1e6);
  fmt::print(
      "boundaries inside a piece        {} of {} ({:.3f}%)\n", prepared.misaligned_boundaries,
      prepared.boundaries,
      100.0 * prepared.misaligned_boundaries / std::max<std::size_t>(1, prepared.boundaries));
  const double scaled = prepare_seconds * 10000.0 / static_cast<double>(documents);
  fmt::print("target: 10,000 documents in < {:.0f} s: {} ({:.2f} s)\n", kTargetSeconds,
             scaled < kTargetSeconds ? "met" : "MISSED", scaled);
  return scaled < kTargetSeconds ? 0 : 1;
}
