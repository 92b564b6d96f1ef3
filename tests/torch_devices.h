// The devices LibTorch tests run on: the CPU always, and CUDA where the build
// and the machine have it, so a GPU machine checks its paths with the same tests.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

namespace ner::testing {

inline bool device_available(torch::DeviceType device) {
  return device != torch::kCUDA || torch::cuda::is_available();
}

// For INSTANTIATE_TEST_SUITE_P over a torch::DeviceType parameter.
inline auto all_devices() {
  return ::testing::Values(torch::kCPU, torch::kCUDA);
}

inline std::string device_test_name(const ::testing::TestParamInfo<torch::DeviceType>& info) {
  return info.param == torch::kCUDA ? "cuda" : "cpu";
}

}  // namespace ner::testing

// In a test body: skips the test where `device` is not there.
#define NER_SKIP_UNLESS_AVAILABLE(device)        \
  if (!::ner::testing::device_available(device)) \
  GTEST_SKIP() << "this machine has no " << ::c10::DeviceTypeName(device) << " device"
