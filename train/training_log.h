// What a training run reports as it goes: the status its progress bar shows,
// and log.jsonl, one JSON object per step and per evaluation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace ner {

struct StepStatus {
  std::int64_t epoch = 0;  // 1-based for display
  std::int64_t epochs = 0;
  std::int64_t step = 0;  // steps done
  std::int64_t total_steps = 0;
  double loss = 0;                 // smoothed
  double pieces_per_second = 0;    // smoothed
  double elapsed_seconds = 0;      // in this invocation
  std::int64_t steps_elapsed = 0;  // steps taken in this invocation
};

// "epoch 2/10 [####....] 120/600 loss 0.4321 9000 pieces/s ETA 3m05s".
std::string step_status_text(const StepStatus& status);

// Rewrites the log a resumed run continues so that it ends where its
// checkpoint was taken: records of later steps (logged before an interruption,
// about to be trained again), a line cut off mid-write and a test event go.
// The log then stays in step order. Returns how many records were dropped.
std::size_t rewind_log(const std::filesystem::path& path, std::int64_t step);

// Appends one JSON object per line, flushed each time so a crash loses at
// most the line being written.
class JsonlLog {
 public:
  explicit JsonlLog(const std::filesystem::path& path);
  void write(const nlohmann::json& record);

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

}  // namespace ner
