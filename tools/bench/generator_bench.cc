// Speed of `ner-corpus generate`: 10,000 documents on one thread, written with
// their gold twins, against the baseline of writing the same bytes with plain
// stream writes (no generation). Exits non-zero above the 30 s target.
// Usage: build/tools/bench/generator_bench [DOCS] [SCRATCH_DIR]
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "datasets/tagged_text.h"
#include "tools/bench/stopwatch.h"
#include "tools/corpus/generator.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const std::size_t documents = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  const fs::path scratch =
      argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "ner-generator-bench";
  constexpr double kTargetSeconds = 30.0;
  fs::remove_all(scratch);

  ner::corpus::GeneratorOptions options;
  options.documents = documents;
  options.seed = 1;

  // In memory only: generation and rendering.
  ner::Stopwatch stopwatch;
  std::vector<std::pair<std::string, std::string>> rendered;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < documents; ++i) {
    const auto document = ner::corpus::generate_document(options, i);
    rendered.emplace_back(ner::render_tagged_text(document.text, document.weak),
                          ner::render_tagged_text(document.text, document.gold));
    bytes += rendered.back().first.size() + rendered.back().second.size();
  }
  const double in_memory = stopwatch.seconds();

  // Baseline: writing the same bytes to the same number of files.
  stopwatch.restart();
  fs::create_directories(scratch / "baseline" / "weak");
  fs::create_directories(scratch / "baseline" / "gold");
  for (std::size_t i = 0; i < documents; ++i) {
    const std::string name = fmt::format("{:06d}.txt", i);
    std::ofstream(scratch / "baseline" / "weak" / name, std::ios::binary) << rendered[i].first;
    std::ofstream(scratch / "baseline" / "gold" / name, std::ios::binary) << rendered[i].second;
  }
  const double baseline = stopwatch.seconds();

  // The real thing, one thread, atomic writes.
  stopwatch.restart();
  ner::corpus::WriteOptions write{scratch / "weak", scratch / "gold", false, 1, {}};
  ner::corpus::write_corpus(options, write);
  const double full = stopwatch.seconds();
  fs::remove_all(scratch);

  fmt::print("documents                      {}\n", documents);
  fmt::print("bytes (weak + gold)            {:.1f} MB\n", bytes / 1e6);
  fmt::print("generate+render, in memory     {:.2f} s  ({:.0f} docs/s)\n", in_memory,
             documents / in_memory);
  fmt::print("baseline: plain file writes    {:.2f} s\n", baseline);
  fmt::print("generate --threads 1           {:.2f} s  ({:.2f}x the baseline)\n", full,
             full / baseline);
  const double scaled = full * 10000.0 / static_cast<double>(documents);
  fmt::print("target: 10,000 documents in < {:.0f} s on one core: {} ({:.2f} s)\n", kTargetSeconds,
             scaled < kTargetSeconds ? "met" : "MISSED", scaled);
  return scaled < kTargetSeconds ? 0 : 1;
}
