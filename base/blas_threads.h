// Keeps OpenBLAS's own thread pool from competing with the caller's threads
// (LibTorch's OpenMP pool in training, the engine's row threads in tagging).
#pragma once

namespace ner {

enum class OpenBlasThreading {
  kNotLoaded,      // the process's BLAS is not OpenBLAS
  kSequential,     // OpenBLAS built without threads
  kOwnThreadPool,  // pthreads build: its workers run beside the caller's
  kSharedOpenMp,   // OpenMP build: it shares the caller's OpenMP threads
};

// How the OpenBLAS loaded into this process (if any) runs its threads.
OpenBlasThreading openblas_threading();

// "not loaded", "sequential", "own thread pool" or "shared OpenMP".
const char* openblas_threading_name(OpenBlasThreading threading);

// Makes OpenBLAS single-threaded where its threads would compete with the
// caller's: always when `for_caller_threads` (callers that run BLAS from
// several threads of their own), otherwise only for the pthreads build.
void limit_openblas_threads(bool for_caller_threads);

// Sets OpenBLAS's thread count where OpenBLAS is loaded (for benchmarks that
// compare both settings); does nothing otherwise.
void set_openblas_threads(int threads);

}  // namespace ner
