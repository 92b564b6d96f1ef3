#include "infer/engine.h"

#include <fmt/format.h>
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <thread>
#include <unsupported/Eigen/SpecialFunctions>

#include "base/blas_threads.h"
#include "base/error.h"
#include "models/model_spec.h"

#ifdef NER_ENGINE_HAS_BLAS
// The Fortran BLAS interface every BLAS exports (column-major).
extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n,
                       const int* k, const float* alpha, const float* a, const int* lda,
                       const float* b, const int* ldb, const float* beta, float* c, const int* ldc);
#endif

namespace ner {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::RowVectorXf;

// LibTorch's LayerNorm default.
constexpr float kNormEpsilon = 1e-5f;
// Below about this many multiply-adds per thread, starting and joining a
// parallel region costs more than it saves. On a busy machine a region whose
// threads wait for a core costs far more, so small models and batches stay on
// the calling thread.
constexpr double kMinWorkPerThread = 1 << 17;

// How many threads `work` multiply-adds, split into at most `pieces` parts,
// are worth.
int worthwhile_threads(double work, std::int64_t pieces, int threads) {
  const double by_work = std::floor(work / kMinWorkPerThread);
  return static_cast<int>(std::max<double>(
      1.0, std::min({by_work, static_cast<double>(pieces), static_cast<double>(threads)})));
}

struct Linear {
  RowMatrix weight_t;  // (in, out): LibTorch's (out, in) weight transposed
  RowVector bias;
};

struct Norm {
  RowVector gain;
  RowVector bias;
};

struct Block {
  Norm attn_norm;
  Linear qkv;
  Linear attn_out;
  Norm ffn_norm;
  Linear ffn_in;
  Linear ffn_out;
};

// Copies the weights the specification declares out of the model file, in the
// layouts the engine multiplies with.
class WeightLoader {
 public:
  WeightLoader(const ModelFile& model, const std::string& source)
      : model_(model), source_(source) {}

  RowMatrix matrix(const TensorSpec& spec) const {
    return Eigen::Map<const RowMatrix>(require_tensor(model_, spec, source_).values.data(),
                                       spec.shape.at(0), spec.shape.at(1));
  }
  RowVector vector(const TensorSpec& spec) const {
    return Eigen::Map<const RowVector>(require_tensor(model_, spec, source_).values.data(),
                                       spec.shape.at(0));
  }
  Linear linear(const LinearSpec& spec) const {
    return {matrix(spec.weight).transpose(), vector(spec.bias)};
  }
  Norm norm(const NormSpec& spec) const { return {vector(spec.gain), vector(spec.bias)}; }

 private:
  const ModelFile& model_;
  const std::string& source_;
};

// out = in * weight_t (+ out when accumulating) for row-major matrices of
// exactly these shapes.
void blas_product(const float* in, const float* weight_t, float* out, Eigen::Index rows,
                  Eigen::Index inner, Eigen::Index cols, bool accumulate) {
#ifdef NER_ENGINE_HAS_BLAS
  // Row-major out (rows, cols) is column-major out^T = weight_t^T * in^T.
  const int m = static_cast<int>(cols), n = static_cast<int>(rows), k = static_cast<int>(inner);
  const float one = 1.0f, beta = accumulate ? 1.0f : 0.0f;
  sgemm_("N", "N", &m, &n, &k, &one, weight_t, &m, in, &k, &beta, out, &m);
#else
  (void)in, (void)weight_t, (void)out, (void)rows, (void)inner, (void)cols, (void)accumulate;
#endif
}

}  // namespace

GemmBackend default_gemm_backend() {
#ifdef NER_ENGINE_HAS_BLAS
  return GemmBackend::kBlas;
#else
  return GemmBackend::kEigen;
#endif
}

GemmBackend parse_gemm_backend(std::string_view name) {
  if (name == "eigen") return GemmBackend::kEigen;
  if (name == "blas") {
#ifdef NER_ENGINE_HAS_BLAS
    return GemmBackend::kBlas;
#else
    throw Error("this build has no BLAS: use --gemm eigen");
#endif
  }
  throw Error(fmt::format("unknown GEMM backend '{}': use eigen or blas", name));
}

struct Engine::State {
  ModelConfig config;
  Decoder decoder;
  int threads = 1;
  GemmBackend gemm = GemmBackend::kEigen;
  RowMatrix tokens;
  RowMatrix positions;
  std::vector<Block> blocks;
  Norm final_norm;
  Linear head;
  // Activations, grown to the largest batch seen and reused.
  RowMatrix x, normed, qkv, attended, hidden;
  std::vector<RowMatrix> scores;  // one (T, T) attention buffer per thread

  // Calls body(first_row, row_count) on disjoint row ranges, in parallel
  // where `work_per_row` multiply-adds per row make that worthwhile.
  template <typename Body>
  void for_row_ranges(Eigen::Index rows, double work_per_row, const Body& body) const {
    const int chunks = worthwhile_threads(static_cast<double>(rows) * work_per_row, rows, threads);
    if (chunks == 1) {
      body(Eigen::Index{0}, rows);
      return;
    }
#pragma omp parallel for num_threads(chunks) schedule(static)
    for (int chunk = 0; chunk < chunks; ++chunk) {
      const Eigen::Index first = rows * chunk / chunks;
      const Eigen::Index last = rows * (chunk + 1) / chunks;
      body(first, last - first);
    }
  }

  // target = source * layer.weight_t + bias, or += with `accumulate`.
  template <typename Target>
  void product(const Linear& layer, const RowMatrix& in, Target&& target, Eigen::Index first,
               Eigen::Index count, bool accumulate) const {
    if (gemm == GemmBackend::kBlas) {
      blas_product(in.data() + first * in.cols(), layer.weight_t.data(), target.data(), count,
                   layer.weight_t.rows(), layer.weight_t.cols(), accumulate);
    } else if (accumulate) {
      target.noalias() += in.middleRows(first, count) * layer.weight_t;
    } else {
      target.noalias() = in.middleRows(first, count) * layer.weight_t;
    }
    target.rowwise() += layer.bias;
  }

  // out = layer(in) over the first `rows` rows, or out += layer(in) with
  // `accumulate` (the residual connection).
  template <typename Out>
  void apply_linear(const Linear& layer, const RowMatrix& in, Out& out, Eigen::Index rows,
                    bool accumulate = false) const {
    const auto work_per_row = static_cast<double>(layer.weight_t.size());
    for_row_ranges(rows, work_per_row, [&](Eigen::Index first, Eigen::Index count) {
      product(layer, in, out.middleRows(first, count), first, count, accumulate);
    });
  }

  void apply_norm(const Norm& norm, const RowMatrix& in, RowMatrix& out, Eigen::Index rows) const {
    for_row_ranges(
        rows, 4.0 * static_cast<double>(in.cols()), [&](Eigen::Index first, Eigen::Index count) {
          for (Eigen::Index r = first; r < first + count; ++r) {
            const auto row = in.row(r).array();
            const float mean = row.mean();
            const float variance = (row - mean).square().mean();
            const float scale = 1.0f / std::sqrt(variance + kNormEpsilon);
            out.row(r).array() = (row - mean) * scale * norm.gain.array() + norm.bias.array();
          }
        });
  }

  // Exact (erf) GELU, as torch::gelu computes it by default.
  void apply_gelu(RowMatrix& values, Eigen::Index rows) const {
    // erf costs some ten multiply-adds.
    for_row_ranges(rows, 10.0 * static_cast<double>(values.cols()),
                   [&](Eigen::Index first, Eigen::Index count) {
                     auto block = values.middleRows(first, count).array();
                     block = 0.5f * block * (1.0f + (block * static_cast<float>(M_SQRT1_2)).erf());
                   });
  }

  void attention(const std::vector<std::size_t>& offsets) {
    const Eigen::Index heads = config.heads, head_dim = config.head_dim(),
                       channels = config.d_model;
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    const int tasks = static_cast<int>((offsets.size() - 1) * static_cast<std::size_t>(heads));
    double work = 0;  // two (T, T, head_dim) products per head
    for (std::size_t w = 0; w + 1 < offsets.size(); ++w) {
      const auto length = static_cast<double>(offsets[w + 1] - offsets[w]);
      work += 2.0 * length * length * static_cast<double>(channels);
    }
#pragma omp parallel for num_threads(worthwhile_threads(work, tasks, threads)) schedule(dynamic)
    for (int task = 0; task < tasks; ++task) {
      const auto window = static_cast<std::size_t>(task / heads);
      const Eigen::Index head = task % heads;
      const auto first = static_cast<Eigen::Index>(offsets[window]);
      const auto length = static_cast<Eigen::Index>(offsets[window + 1]) - first;
      const auto q = qkv.block(first, head * head_dim, length, head_dim);
      const auto k = qkv.block(first, channels + head * head_dim, length, head_dim);
      const auto v = qkv.block(first, 2 * channels + head * head_dim, length, head_dim);
      auto s = scores[static_cast<std::size_t>(omp_get_thread_num())].topLeftCorner(length, length);
      s.noalias() = (q * scale) * k.transpose();
      for (Eigen::Index r = 0; r < length; ++r) {
        auto row = s.row(r).array();
        row = (row - row.maxCoeff()).exp();
        row /= row.sum();
      }
      attended.block(first, head * head_dim, length, head_dim).noalias() = s * v;
    }
  }
};

Engine::Engine(const ModelFile& model, int threads, const std::string& source, GemmBackend gemm)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.gemm = gemm;
#ifdef NER_ENGINE_HAS_BLAS
  if (gemm == GemmBackend::kBlas) limit_openblas_threads(/*for_caller_threads=*/true);
#endif
  s.config = model.config;
  s.decoder = model.decoder();
  s.threads =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const ModelConfig& c = s.config;
  const WeightLoader load(model, source);
  const ModelSpec spec = model_spec(c);
  s.tokens = load.matrix(spec.tokens);
  s.positions = load.matrix(spec.positions);
  for (const BlockSpec& declared : spec.blocks) {
    s.blocks.push_back({load.norm(declared.attn_norm), load.linear(declared.qkv),
                        load.linear(declared.attn_out), load.norm(declared.ffn_norm),
                        load.linear(declared.ffn_in), load.linear(declared.ffn_out)});
  }
  s.final_norm = load.norm(spec.final_norm);
  s.head = load.linear(spec.head);
  s.scores.assign(static_cast<std::size_t>(s.threads), RowMatrix(c.max_positions, c.max_positions));
}

Engine::~Engine() = default;

const ModelConfig& Engine::config() const {
  return state_->config;
}

int Engine::threads() const {
  return state_->threads;
}

void Engine::forward(const std::vector<std::vector<std::int32_t>>& windows, BatchLogits& logits) {
  State& s = *state_;
  const ModelConfig& c = s.config;
  logits.labels = static_cast<std::size_t>(c.num_labels);
  logits.offsets.assign(1, 0);
  for (const auto& window : windows) {
    if (window.empty() || window.size() > static_cast<std::size_t>(c.max_positions)) {
      throw Error(fmt::format("engine: a window of {} pieces; the model takes 1 to {}",
                              window.size(), c.max_positions));
    }
    logits.offsets.push_back(logits.offsets.back() + window.size());
  }
  const auto rows = static_cast<Eigen::Index>(logits.offsets.back());
  logits.values.clear();
  if (rows == 0) return;
  const auto grow = [rows](RowMatrix& buffer, Eigen::Index cols) {
    if (buffer.rows() < rows || buffer.cols() != cols)
      buffer.resize(std::max(rows, buffer.rows()), cols);
  };
  grow(s.x, c.d_model);
  grow(s.normed, c.d_model);
  grow(s.qkv, 3 * c.d_model);
  grow(s.attended, c.d_model);
  grow(s.hidden, c.ffn);

  Eigen::Index row = 0;
  for (const auto& window : windows) {
    for (std::size_t t = 0; t < window.size(); ++t, ++row) {
      const std::int32_t id = window[t];
      if (id < 0 || id >= c.vocab_size)
        throw Error(
            fmt::format("engine: piece id {} outside the vocabulary of {}", id, c.vocab_size));
      s.x.row(row) = s.tokens.row(id) + s.positions.row(static_cast<Eigen::Index>(t));
    }
  }
  for (const Block& block : s.blocks) {
    s.apply_norm(block.attn_norm, s.x, s.normed, rows);
    s.apply_linear(block.qkv, s.normed, s.qkv, rows);
    s.attention(logits.offsets);
    s.apply_linear(block.attn_out, s.attended, s.x, rows, true);
    s.apply_norm(block.ffn_norm, s.x, s.normed, rows);
    s.apply_linear(block.ffn_in, s.normed, s.hidden, rows);
    s.apply_gelu(s.hidden, rows);
    s.apply_linear(block.ffn_out, s.hidden, s.x, rows, true);
  }
  s.apply_norm(s.final_norm, s.x, s.normed, rows);
  logits.values.resize(static_cast<std::size_t>(rows) * logits.labels);
  Eigen::Map<RowMatrix> out(logits.values.data(), rows, c.num_labels);
  s.apply_linear(s.head, s.normed, out, rows);
}

std::vector<DecodedWindow> Engine::tag(const std::vector<std::vector<std::int32_t>>& windows) {
  BatchLogits logits;
  forward(windows, logits);
  std::vector<DecodedWindow> decoded(windows.size());
  const int count = static_cast<int>(windows.size());
  // Viterbi costs labels² per piece.
  const auto labels = static_cast<double>(logits.labels);
  const double work = static_cast<double>(logits.offsets.back()) * labels * labels;
#pragma omp parallel for num_threads(worthwhile_threads(work, count, state_->threads)) \
    schedule(dynamic)
  for (int w = 0; w < count; ++w) {
    const auto index = static_cast<std::size_t>(w);
    decoded[index] = decode_window(logits.window(index), logits.length(index), state_->decoder);
  }
  return decoded;
}

}  // namespace ner
