#include "base/blas_threads.h"

// OpenBLAS's own entry points. Weak, so the project links and runs with any
// other BLAS (or none), where they stay null.
extern "C" void openblas_set_num_threads(int threads) __attribute__((weak));
extern "C" int openblas_get_parallel() __attribute__((weak));

namespace ner {

OpenBlasThreading openblas_threading() {
  if (openblas_set_num_threads == nullptr || openblas_get_parallel == nullptr)
    return OpenBlasThreading::kNotLoaded;
  switch (openblas_get_parallel()) {
    case 0:
      return OpenBlasThreading::kSequential;
    case 2:
      return OpenBlasThreading::kSharedOpenMp;
    default:
      return OpenBlasThreading::kOwnThreadPool;
  }
}

const char* openblas_threading_name(OpenBlasThreading threading) {
  switch (threading) {
    case OpenBlasThreading::kNotLoaded:
      return "not loaded";
    case OpenBlasThreading::kSequential:
      return "sequential";
    case OpenBlasThreading::kOwnThreadPool:
      return "own thread pool";
    case OpenBlasThreading::kSharedOpenMp:
      return "shared OpenMP";
  }
  return "unknown";
}

void limit_openblas_threads(bool for_caller_threads) {
  const OpenBlasThreading threading = openblas_threading();
  if (threading == OpenBlasThreading::kOwnThreadPool ||
      (for_caller_threads && threading == OpenBlasThreading::kSharedOpenMp))
    openblas_set_num_threads(1);
}

void set_openblas_threads(int threads) {
  if (openblas_threading() != OpenBlasThreading::kNotLoaded) openblas_set_num_threads(threads);
}

}  // namespace ner
