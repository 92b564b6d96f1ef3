// A wall-clock stopwatch for the benchmarks under tools/bench.
// Benchmarks report ratios of these readings taken in the same run.
#pragma once

#include <chrono>

namespace ner {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  void restart() { start_ = std::chrono::steady_clock::now(); }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ner
