// Tokens/s of the engine (Eigen's GEMM and the system BLAS's) against a
// LibTorch CPU forward of the same model (same weights, same windows of piece
// ids), on 1 and 2 threads at batch 1 and 32. Targets: the engine at least as fast as LibTorch at
// batch 32 and faster at batch 1; exits 1 when one is missed. Usage: build/tools/bench/engine_bench
// [MODEL.nerm] [WINDOWS]
//        (default build/demo/run-small/model.nerm, 256 windows of max_len pieces)
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <vector>

#include "base/error.h"
#include "infer/engine.h"
#include "models/model_file.h"
#include "models/ner_model.h"
#include "tools/bench/stopwatch.h"

namespace {

// Passes per measurement; the best one counts (this machine's cores are shared).
constexpr int kRepeats = 5;

using Windows = std::vector<std::vector<std::int32_t>>;

ner::NerModel torch_model(const ner::ModelFile& file) {
  const ner::LabelSet label_set(ner::parse_tag_scheme(file.tag_scheme));
  ner::NerModel model(file.config, ner::transition_rules(label_set));
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters()) {
    const auto found = file.weights.find(item.key());
    if (found == file.weights.end()) throw ner::Error("model file lacks " + item.key());
    item.value().copy_(torch::from_blob(const_cast<float*>(found->second.values.data()),
                                        item.value().sizes(), torch::kFloat));
  }
  model->eval();
  return model;
}

// Best of `repeats` passes over all windows, in pieces per second.
template <typename Pass>
double pieces_per_second(std::size_t pieces, int repeats, const Pass& pass) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const ner::Stopwatch stopwatch;
    pass();
    best = std::min(best, stopwatch.seconds());
  }
  return static_cast<double>(pieces) / best;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string path = argc > 1 ? argv[1] : "build/demo/run-small/model.nerm";
    const std::size_t window_count = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 256;
    const ner::ModelFile file = ner::read_model_file(path);
    const auto length = static_cast<std::int64_t>(file.max_len);
    std::mt19937 random(1);
    std::uniform_int_distribution<std::int32_t> piece(0, file.config.vocab_size - 1);
    Windows windows(window_count, std::vector<std::int32_t>(static_cast<std::size_t>(length)));
    for (auto& window : windows)
      for (auto& id : window)
        id = piece(random);
    const std::size_t pieces = window_count * static_cast<std::size_t>(length);
    ner::NerModel model = torch_model(file);
    const auto& c = file.config;
    fmt::print("model {}: d_model {}, {} layers, ffn {}; {} windows of {} pieces\n", path,
               c.d_model, c.layers, c.ffn, window_count, length);
    fmt::print("ratios against LibTorch; the default engine uses {}\n",
               ner::default_gemm_backend() == ner::GemmBackend::kBlas ? "BLAS" : "Eigen");
    fmt::print("{:>7} {:>5} | {:>14} {:>12} {:>12} | {:>6} {:>6}  target (default engine)\n",
               "threads", "batch", "LibTorch tok/s", "Eigen tok/s", "BLAS tok/s", "Eigen", "BLAS");
    bool all_met = true;
    for (const int threads : {1, 2}) {
      at::set_num_threads(threads);
      ner::Engine eigen_engine(file, threads, path, ner::GemmBackend::kEigen);
      ner::Engine blas_engine(file, threads, path, ner::default_gemm_backend());
      for (const std::size_t batch : {std::size_t{1}, std::size_t{32}}) {
        const double torch_speed = pieces_per_second(pieces, kRepeats, [&] {
          torch::InferenceMode inference;
          for (std::size_t first = 0; first < window_count; first += batch) {
            const auto count = static_cast<std::int64_t>(std::min(batch, window_count - first));
            auto ids = torch::empty({count, length}, torch::kLong);
            for (std::int64_t b = 0; b < count; ++b)
              for (std::int64_t t = 0; t < length; ++t)
                ids[b][t] =
                    windows[first + static_cast<std::size_t>(b)][static_cast<std::size_t>(t)];
            const auto attend = torch::ones({count, length}, torch::kBool);
            const auto logits = model->forward(ids, attend);
            (void)logits.data_ptr<float>();
          }
        });
        ner::BatchLogits logits;
        const auto engine_speed = [&](ner::Engine& engine) {
          return pieces_per_second(pieces, kRepeats, [&] {
            for (std::size_t first = 0; first < window_count; first += batch) {
              const Windows slice(windows.begin() + static_cast<std::ptrdiff_t>(first),
                                  windows.begin() + static_cast<std::ptrdiff_t>(
                                                        std::min(window_count, first + batch)));
              engine.forward(slice, logits);
            }
          });
        };
        const double eigen_speed = engine_speed(eigen_engine);
        const double blas_speed = engine_speed(blas_engine);
        const double ratio =
            (ner::default_gemm_backend() == ner::GemmBackend::kBlas ? blas_speed : eigen_speed) /
            torch_speed;
        const bool met = batch == 1 ? ratio > 1.0 : ratio >= 1.0;
        all_met = all_met && met;
        fmt::print("{:>7} {:>5} | {:>14.0f} {:>12.0f} {:>12.0f} | {:>5.2f}x {:>5.2f}x  {} ({})\n",
                   threads, batch, torch_speed, eigen_speed, blas_speed, eigen_speed / torch_speed,
                   blas_speed / torch_speed, met ? "met" : "MISSED", batch == 1 ? "> 1x" : ">= 1x");
      }
    }
    return all_met ? 0 : 1;
  } catch (const std::exception& error) {
    fmt::print(stderr, "engine_bench: {}\n", error.what());
    return 2;
  }
}
