#include "models/torch_runtime.h"

#include <ATen/Context.h>
#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

// Debian's CPU-only LibTorch ships the c10/cuda headers too, but not the CUDA
// runtime they include: both must be there.
#if __has_include(<c10/cuda/CUDACachingAllocator.h>) && __has_include(<cuda_runtime_api.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#define NER_HAS_CUDA_ALLOCATOR_STATS 1
#endif

#include <mutex>
#include <thread>

#include "base/blas_threads.h"
#include "base/error.h"
#include "models/torch_compat.h"

namespace ner {

torch::Device resolve_device(std::string_view name) {
  if (name == "auto") {
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0)
                                       : torch::Device(torch::kCPU);
  }
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    const auto available = static_cast<long>(torch::cuda::device_count());
    if (available == 0) {
      throw Error(fmt::format("device '{}' requested, but no CUDA device is available{}", name,
                              torch::cuda::is_available() ? "" : " (CPU-only LibTorch or no GPU)"));
    }
    long index = 0;
    if (name.size() > 5) {
      const std::string digits(name.substr(5));
      if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 6) {
        throw Error(fmt::format("device '{}': expected cuda:N with N a number", name));
      }
      index = std::stol(digits);
    }
    if (index >= available) {
      throw Error(fmt::format("device '{}': this machine has {} CUDA device(s)", name, available));
    }
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw Error(fmt::format("unknown device '{}': use auto, cpu, cuda or cuda:N", name));
}

int configure_cpu_threads(int requested) {
  if (requested < 0) throw Error(fmt::format("thread count must be >= 0, got {}", requested));
  int threads = requested;
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  // Debian's LibTorch calls the system BLAS; OpenBLAS's pthreads pool beside
  // LibTorch's OpenMP pool oversubscribes the cores (a training step of
  // configs/small.yaml took twice as long on 2 cores, train_step_bench).
  limit_openblas_threads(/*for_caller_threads=*/false);
  return threads;
}

namespace {

at::Generator generator_for(const torch::Device& device) {
  return at::globalContext().defaultGenerator(device.is_cuda() ? device
                                                               : torch::Device(torch::kCPU));
}

}  // namespace

at::Tensor rng_state(const torch::Device& device) {
  at::Generator generator = generator_for(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_rng_state(const torch::Device& device, const at::Tensor& state) {
  at::Generator generator = generator_for(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

DeviceMemory device_memory(const torch::Device& device) {
#ifdef NER_HAS_CUDA_ALLOCATOR_STATS
  if (device.is_cuda()) {
    // The caching allocator starts with the first CUDA allocation and refuses
    // to report before it: until then nothing is allocated.
    try {
      const auto stats =
          c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
      const auto& all_pools = stats.allocated_bytes[0];
      return {all_pools.current, all_pools.peak};
    } catch (const c10::Error&) {
      return {};
    }
  }
#endif
  (void)device;
  return {};
}

bool has_device_memory_statistics() {
#ifdef NER_HAS_CUDA_ALLOCATOR_STATS
  return true;
#else
  return false;
#endif
}

AutocastScope::AutocastScope(c10::DeviceType device, c10::ScalarType dtype)
    : device_(device),
      previous_enabled_(torch_compat::is_autocast_enabled(device)),
      previous_dtype_(torch_compat::autocast_dtype(device)) {
  if (!torch_compat::autocast_supported(device)) {
    throw Error(
        fmt::format("autocast is not supported on device type {}", c10::DeviceTypeName(device)));
  }
  if (dtype != c10::ScalarType::BFloat16 && dtype != c10::ScalarType::Half) {
    throw Error(
        fmt::format("autocast precision must be bf16 or fp16, not {}", c10::toString(dtype)));
  }
  torch_compat::set_autocast_dtype(device, dtype);
  torch_compat::set_autocast_enabled(device, true);
}

AutocastScope::~AutocastScope() {
  torch_compat::set_autocast_enabled(device_, previous_enabled_);
  torch_compat::set_autocast_dtype(device_, previous_dtype_);
  torch_compat::clear_autocast_cache();
}

nlohmann::json describe_runtime() {
  nlohmann::json cuda_devices = nlohmann::json::array();
  const auto device_count = static_cast<int>(torch::cuda::device_count());
  for (int i = 0; i < device_count; ++i)
    cuda_devices.push_back(fmt::format("cuda:{}", i));
  return {
      {"libtorch_version", TORCH_VERSION},
      {"scaled_dot_product_attention", torch_compat::kHasScaledDotProductAttention},
      {"cuda_available", torch::cuda::is_available()},
      {"cudnn_available", torch::cuda::cudnn_is_available()},
      {"cuda_devices", std::move(cuda_devices)},
      {"cuda_memory_statistics", has_device_memory_statistics()},
      {"cpu_cores", std::thread::hardware_concurrency()},
      {"intra_op_threads", torch::get_num_threads()},
      {"openblas", openblas_threading_name(openblas_threading())},
      {"default_device", resolve_device("auto").str()},
  };
}

}  // namespace ner
