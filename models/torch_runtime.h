// Device choice, CPU thread count and a description of the LibTorch runtime.
// Used by ner-train (training, `env`) and the LibTorch side of the benchmarks.
#pragma once

#include <torch/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ner {

// "auto" (CUDA when available), "cpu", "cuda" or "cuda:N". Throws ner::Error
// for an unknown name or a CUDA device this machine does not have.
torch::Device resolve_device(std::string_view name);

// Sets LibTorch's intra-op threads; 0 means all cores. LibTorch starts with a
// single thread on Debian's build, so this is always called. Returns the count.
int configure_cpu_threads(int requested);

// A scoped autocast region for one device type in one precision (bf16 or
// fp16); restores the previous state and clears the cast cache on exit.
class AutocastScope {
 public:
  AutocastScope(c10::DeviceType device, c10::ScalarType dtype);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  c10::DeviceType device_;
  bool previous_enabled_;
  c10::ScalarType previous_dtype_;
};

// The state of the default generator that random ops on `device` draw from
// (dropout masks, initialisation), to save and restore exactly.
at::Tensor rng_state(const torch::Device& device);
void set_rng_state(const torch::Device& device, const at::Tensor& state);

// Bytes the CUDA caching allocator has handed out on `device`: now, and at
// most since the process started. Between training steps `current` is what
// stays resident (weights, gradients, optimizer state), so `peak - current`
// is what the step itself needed, activations above all. Both are 0 on the
// CPU and in builds without the allocator's statistics.
struct DeviceMemory {
  std::int64_t current_bytes = 0;
  std::int64_t peak_bytes = 0;
};
DeviceMemory device_memory(const torch::Device& device);

// Whether this build can read the CUDA caching allocator's statistics.
bool has_device_memory_statistics();

// LibTorch version, CUDA devices, threads and precision support, for
// `ner-train env` and for bug reports.
nlohmann::json describe_runtime();

}  // namespace ner
