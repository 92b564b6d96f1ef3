#include "models/torch_runtime.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "base/blas_threads.h"
#include "base/error.h"
#include "models/torch_compat.h"

// OpenBLAS's own query, to see what configure_cpu_threads left it with.
extern "C" int openblas_get_num_threads() __attribute__((weak));

namespace ner {
namespace {

TEST(TorchRuntime, ResolvesDevices) {
  EXPECT_EQ(resolve_device("cpu"), torch::Device(torch::kCPU));
  const torch::Device automatic = resolve_device("auto");
  EXPECT_EQ(automatic.is_cuda(), torch::cuda::is_available());
  EXPECT_THROW(resolve_device("tpu"), Error);
  EXPECT_THROW(resolve_device("cuda:x"), Error);
  if (!torch::cuda::is_available()) {
    try {
      resolve_device("cuda");
      FAIL() << "expected an error without CUDA";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find("no CUDA device"), std::string::npos);
    }
  } else {
    EXPECT_TRUE(resolve_device("cuda:0").is_cuda());
    EXPECT_THROW(resolve_device("cuda:4096"), Error);
  }
}

TEST(TorchRuntime, ConfiguresThreads) {
  EXPECT_EQ(configure_cpu_threads(1), 1);
  EXPECT_EQ(torch::get_num_threads(), 1);
  const int all = configure_cpu_threads(0);
  EXPECT_GE(all, 1);
  EXPECT_EQ(torch::get_num_threads(), all);
  EXPECT_THROW(configure_cpu_threads(-1), Error);
}

TEST(TorchRuntime, OpenBlasThreadPoolIsKeptToOneThreadBesideLibTorchs) {
  if (openblas_threading() != OpenBlasThreading::kOwnThreadPool ||
      openblas_get_num_threads == nullptr) {
    GTEST_SKIP() << "the BLAS here is not OpenBLAS with a thread pool of its own ("
                 << openblas_threading_name(openblas_threading()) << ")";
  }
  set_openblas_threads(2);
  ASSERT_EQ(openblas_get_num_threads(), 2);
  configure_cpu_threads(0);
  EXPECT_EQ(openblas_get_num_threads(), 1);
}

TEST(TorchCompat, AutocastSwitchesRoundTrip) {
  const auto cpu = c10::DeviceType::CPU;
  const bool was_enabled = torch_compat::is_autocast_enabled(cpu);
  const c10::ScalarType was_dtype = torch_compat::autocast_dtype(cpu);
  torch_compat::set_autocast_dtype(cpu, c10::ScalarType::BFloat16);
  torch_compat::set_autocast_enabled(cpu, true);
  EXPECT_TRUE(torch_compat::is_autocast_enabled(cpu));
  EXPECT_EQ(torch_compat::autocast_dtype(cpu), c10::ScalarType::BFloat16);
  torch_compat::set_autocast_enabled(cpu, was_enabled);
  torch_compat::set_autocast_dtype(cpu, was_dtype);
  EXPECT_EQ(torch_compat::is_autocast_enabled(cpu), was_enabled);
}

// The point of autocast: a linear layer computes in bf16 inside the scope and
// in fp32 again after it.
TEST(TorchCompat, AutocastScopeRunsLinearInBfloat16OnCpu) {
  torch::manual_seed(0);
  torch::nn::Linear linear(8, 4);
  const torch::Tensor input = torch::randn({2, 8});
  {
    AutocastScope scope(c10::DeviceType::CPU, c10::ScalarType::BFloat16);
    const torch::Tensor output = linear(input);
    EXPECT_EQ(output.scalar_type(), torch::kBFloat16);
    EXPECT_TRUE(torch::allclose(output.to(torch::kFloat), linear(input).to(torch::kFloat)));
  }
  EXPECT_FALSE(torch_compat::is_autocast_enabled(c10::DeviceType::CPU));
  EXPECT_EQ(linear(input).scalar_type(), torch::kFloat);
  EXPECT_THROW(AutocastScope(c10::DeviceType::CPU, c10::ScalarType::Float), Error);
}

TEST(TorchRuntime, DescribesTheRuntime) {
  const nlohmann::json info = describe_runtime();
  EXPECT_EQ(info["libtorch_version"].get<std::string>().rfind(
                std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR), 0),
            0u);
  EXPECT_EQ(info["cuda_available"], torch::cuda::is_available());
  EXPECT_EQ(info["scaled_dot_product_attention"], torch_compat::kHasScaledDotProductAttention);
  EXPECT_EQ(info["cuda_memory_statistics"], has_device_memory_statistics());
}

TEST(TorchRuntime, DeviceMemoryIsZeroOnTheCpuAndCountsAllocationsOnCuda) {
  const DeviceMemory cpu = device_memory(torch::Device(torch::kCPU));
  EXPECT_EQ(cpu.current_bytes, 0);
  EXPECT_EQ(cpu.peak_bytes, 0);
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  ASSERT_TRUE(has_device_memory_statistics())
      << "a CUDA build must read the caching allocator's statistics";
  const torch::Device cuda(torch::kCUDA, 0);
  const DeviceMemory before = device_memory(cuda);
  const std::int64_t bytes = std::int64_t{64} << 20;
  {
    const torch::Tensor block = torch::empty({bytes}, torch::dtype(torch::kUInt8).device(cuda));
    const DeviceMemory during = device_memory(cuda);
    EXPECT_GE(during.current_bytes - before.current_bytes, bytes);
    EXPECT_GE(during.peak_bytes, during.current_bytes);
  }
  const DeviceMemory after = device_memory(cuda);
  EXPECT_EQ(after.current_bytes, before.current_bytes);
  EXPECT_GE(after.peak_bytes, before.current_bytes + bytes);
}

}  // namespace
}  // namespace ner
