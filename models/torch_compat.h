// Every difference between LibTorch 1.13 (Debian, CPU) and 2.x (GPU machines),
// and nowhere else: autocast switches and fused attention.
#pragma once

#include <ATen/autocast_mode.h>
#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>
#include <limits>

#define NER_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) ||      \
   (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace ner::torch_compat {

// at::scaled_dot_product_attention (flash / memory-efficient kernels) exists
// from 2.0 on; before that attention is written out with matmul and softmax.
inline constexpr bool kHasScaledDotProductAttention = NER_TORCH_AT_LEAST(2, 0);

inline bool autocast_supported(c10::DeviceType device) {
  return device == c10::DeviceType::CPU || device == c10::DeviceType::CUDA;
}

// 2.4 replaced the per-device functions with ones taking the device type; the
// old names still compile there but warn at every call.
inline void set_autocast_enabled(c10::DeviceType device, bool enabled) {
#if NER_TORCH_AT_LEAST(2, 4)
  at::autocast::set_autocast_enabled(device, enabled);
#else
  if (device == c10::DeviceType::CUDA) {
    at::autocast::set_enabled(enabled);
  } else {
    at::autocast::set_cpu_enabled(enabled);
  }
#endif
}

inline bool is_autocast_enabled(c10::DeviceType device) {
#if NER_TORCH_AT_LEAST(2, 4)
  return at::autocast::is_autocast_enabled(device);
#else
  return device == c10::DeviceType::CUDA ? at::autocast::is_enabled()
                                         : at::autocast::is_cpu_enabled();
#endif
}

inline void set_autocast_dtype(c10::DeviceType device, c10::ScalarType dtype) {
#if NER_TORCH_AT_LEAST(2, 4)
  at::autocast::set_autocast_dtype(device, dtype);
#else
  if (device == c10::DeviceType::CUDA) {
    at::autocast::set_autocast_gpu_dtype(dtype);
  } else {
    at::autocast::set_autocast_cpu_dtype(dtype);
  }
#endif
}

inline c10::ScalarType autocast_dtype(c10::DeviceType device) {
#if NER_TORCH_AT_LEAST(2, 4)
  return at::autocast::get_autocast_dtype(device);
#else
  return device == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype()
                                         : at::autocast::get_autocast_cpu_dtype();
#endif
}

// Multi-head attention over q, k, v (B, H, T, D) where `attend` (B, T) marks
// the keys that may be attended to. 2.x runs the fused kernels; 1.13 spells
// the same computation out. No dropout on the attention weights: on the CPU
// drawing that mask costs about a fifth of a training step.
inline torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const torch::Tensor& attend) {
  const auto key_mask = attend.view({attend.size(0), 1, 1, attend.size(1)});  // (B, 1, 1, T)
#if NER_TORCH_AT_LEAST(2, 0)
  return at::scaled_dot_product_attention(q, k, v, key_mask, 0.0, false);
#else
  // Dense blocks for the batched matmuls.
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q * scale, k.contiguous().transpose(-2, -1));  // (B, H, T, T)
  scores.masked_fill_(key_mask.logical_not(), -std::numeric_limits<float>::infinity());
  return torch::matmul(torch::softmax(scores, -1), v.contiguous());
#endif
}

// Autocast caches casted weights while enabled; the cache must be dropped when
// leaving the region or stale casts of updated weights would be reused.
inline void clear_autocast_cache() {
  at::autocast::clear_cache();
}

}  // namespace ner::torch_compat
