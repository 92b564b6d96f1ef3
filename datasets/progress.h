// What long work shows while it runs: a one-line progress bar on a terminal,
// else only the lines it reports, plus a JSONL log of training steps.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace ner {

enum class ProgressStyle { kAuto, kBar, kLines, kQuiet };

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

class ProgressDisplay {
 public:
  // kAuto draws the bar when stderr is a terminal, else prints lines.
  explicit ProgressDisplay(ProgressStyle style);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // Redraws the bar (at most a few times a second); silent without a bar.
  void update(const StepStatus& status);
  // The same for counted work: "[###...] 40/100 files 12.3 files/s ETA 5s".
  void update_count(std::size_t done, std::size_t total, const std::string& unit,
                    double elapsed_seconds);
  // A line of its own (evaluations, notes), shown in every style but quiet.
  void line(const std::string& text);

 private:
  void clear_bar();
  // Draws `text` as the bar unless one was drawn in the last 200 ms (`final` always draws).
  void draw(const std::string& text, bool final);
  bool bar_ = false;
  bool quiet_ = false;
  bool bar_visible_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

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
