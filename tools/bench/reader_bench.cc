// Throughput of the tagged-text reader and writer, as ratios against plain
// UTF-8 validation of the same bytes (the least any reader must do).
// Usage: build/tools/bench/reader_bench [--benchmark_filter=...] [SEEDS_DIR]
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/utf8.h"
#include "datasets/corpus.h"
#include "datasets/tagged_text.h"

namespace {

// About 4 MB of tagged text: the seed documents repeated, or a fixed
// paragraph when the seeds are not beside the repository.
std::string make_input(const std::filesystem::path& seeds) {
  std::string unit;
  if (std::filesystem::is_directory(seeds)) {
    for (const auto& file : ner::list_corpus_files(seeds))
      unit += ner::read_file(file) + "\n\n";
  }
  if (unit.empty()) {
    unit =
        "Researchers in <country>the United States</country> trained <model>NeuraScale-9</model> "
        "(<params>1.2 trillion</params>) on <hardware>512 NVIDIA A100 GPUs</hardware> for "
        "<training>21 days</training> in <year>2023</year>; Σ 🚀 <p>text</p>\n\n";
  }
  std::string input;
  while (input.size() < (4u << 20))
    input += unit;
  return input;
}

// Google Benchmark 1.8 replaced Run::error_occurred with Run::skipped (Debian 12
// has 1.7.1, Debian 13 has 1.9.1).
template <typename BenchmarkRun>
auto did_not_run(const BenchmarkRun& run, int) -> decltype(static_cast<bool>(run.skipped)) {
  return static_cast<bool>(run.skipped);
}
template <typename BenchmarkRun>
bool did_not_run(const BenchmarkRun& run, long) {
  return run.error_occurred;
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && !did_not_run(run, 0)) {
        seconds_[run.benchmark_name()] = run.GetAdjustedRealTime();
      }
    }
  }
  void print_ratios(const std::string& baseline) const {
    const auto base = seconds_.find(baseline);
    if (base == seconds_.end()) return;
    fmt::print("\nTime relative to {} (same input, same run):\n", baseline);
    for (const auto& [name, time] : seconds_) {
      fmt::print("  {:<28} {:6.2f}x\n", name, time / base->second);
    }
  }

 private:
  std::map<std::string, double> seconds_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const std::filesystem::path seeds = argc > 1 ? argv[1] : "../shared/seeds";
  const std::string input = make_input(seeds);
  const ner::Document parsed = ner::parse_tagged_text(input, "bench");
  const auto bytes = static_cast<std::int64_t>(input.size());

  benchmark::RegisterBenchmark("validate_utf8", [&](benchmark::State& state) {
    for (auto _ : state)
      benchmark::DoNotOptimize(ner::find_invalid_utf8(input));
    state.SetBytesProcessed(state.iterations() * bytes);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("parse_tagged_text", [&](benchmark::State& state) {
    for (auto _ : state)
      benchmark::DoNotOptimize(ner::parse_tagged_text(input, "bench"));
    state.SetBytesProcessed(state.iterations() * bytes);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("render_tagged_text", [&](benchmark::State& state) {
    for (auto _ : state) {
      benchmark::DoNotOptimize(ner::render_tagged_text(parsed.text, parsed.spans));
    }
    state.SetBytesProcessed(state.iterations() * bytes);
  })->Unit(benchmark::kMillisecond);

  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios("validate_utf8");
  benchmark::Shutdown();
  return 0;
}
