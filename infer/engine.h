// The inference engine: runs an exported model's transformer on the CPU with
// Eigen (no LibTorch), on batches of windows, and decodes their labels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "models/decoding.h"
#include "models/model_file.h"

namespace ner {

// A batch's logits: window w owns rows [offsets[w], offsets[w + 1]) of the
// row-major (rows, labels) matrix `values`.
struct BatchLogits {
  std::size_t labels = 0;
  std::vector<std::size_t> offsets{0};
  std::vector<float> values;

  const float* window(std::size_t w) const { return values.data() + offsets[w] * labels; }
  std::size_t length(std::size_t w) const { return offsets[w + 1] - offsets[w]; }
};

// Who multiplies the matrices of the linear layers: Eigen's own kernels, or
// the system BLAS (OpenBLAS on our machines; faster there, see engine_bench).
enum class GemmBackend { kEigen, kBlas };

// kBlas when this build has a BLAS, else kEigen.
GemmBackend default_gemm_backend();
// "eigen" or "blas"; throws ner::Error for others and for blas without one.
GemmBackend parse_gemm_backend(std::string_view name);

class Engine {
 public:
  // Checks every tensor the config needs (name and shape) and keeps its own
  // copy of the weights. threads 0: all cores. Throws ner::Error naming
  // `source` (the model file) when a tensor is missing or mis-shaped.
  Engine(const ModelFile& model, int threads, const std::string& source,
         GemmBackend gemm = default_gemm_backend());
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Logits for windows of piece ids (each at most max_positions long,
  // non-empty). Windows are packed without padding; buffers are reused
  // across calls. Not safe to call from several threads at once.
  void forward(const std::vector<std::vector<std::int32_t>>& windows, BatchLogits& logits);

  // forward, then each window's labels and confidences.
  std::vector<DecodedWindow> tag(const std::vector<std::vector<std::int32_t>>& windows);

  const ModelConfig& config() const;
  int threads() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ner
