// What long work shows while it runs: a one-line progress bar on a terminal,
// else the lines it reports; warnings are shown whatever the style.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace ner {

// What --progress chooses: kAuto draws the bar when stderr is a terminal and
// prints lines otherwise; kNone shows neither (warnings still appear).
enum class ProgressStyle { kAuto, kBar, kLines, kNone };

class ProgressDisplay {
 public:
  explicit ProgressDisplay(ProgressStyle style);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // Redraws the bar with `text` (at most a few times a second unless
  // `final`); silent without a bar.
  void show(const std::string& text, bool final);
  // The bar for counted work: "[###...] 40/100 files 12.3 files/s ETA 5s",
  // the rate over the time since the display was made.
  void update_count(std::size_t done, std::size_t total, const std::string& unit);
  // The bar for work measured in bytes of text, which moves within a long
  // document: "[###...] 1.2/3.4 MB 45 KB/s ETA 50s, 3/40 docs" (`detail`
  // last). With --progress lines, the same as a line every 10 seconds.
  void update_bytes(std::size_t done, std::size_t total, const std::string& detail);
  // A progress line of its own (an evaluation, a summary); not under kNone.
  void line(const std::string& text);
  // A line that must be seen (a skipped input, a changed setting): always.
  void warn(const std::string& text);

  bool draws_bar() const { return bar_; }
  // Seconds since the display was made: how long the work it shows has run.
  double elapsed_seconds() const;

 private:
  void clear_bar();
  bool bar_ = false;
  // Exceptions in flight when the display was made: destroyed with more, it
  // is being unwound by an error, whose line must not be glued to the bar.
  int exceptions_at_start_ = 0;
  bool quiet_ = false;
  bool lines_ = false;  // --progress lines: periodic lines instead of a bar
  bool bar_visible_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  std::chrono::steady_clock::time_point last_line_ = started_;
};

// "812 B", "45.3 KB", "1.2 MB", "3.40 GB" (powers of 1000).
std::string format_bytes(double bytes);

// "[#####...]" of kBarWidth cells for a fraction in [0, 1].
std::string progress_bar(double fraction);

// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace ner
