#include "base/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>

namespace ner {
namespace {

constexpr int kBarWidth = 24;

}  // namespace

ProgressDisplay::ProgressDisplay(ProgressStyle style)
    : exceptions_at_start_(std::uncaught_exceptions()) {
  quiet_ = style == ProgressStyle::kNone;
  lines_ = style == ProgressStyle::kLines;
  bar_ = style == ProgressStyle::kBar || (style == ProgressStyle::kAuto && ::isatty(2) == 1);
}

ProgressDisplay::~ProgressDisplay() {
  // Stopped by an error: the bar stays, showing how far the work got, and
  // the error that follows starts a line of its own, on a terminal or in a
  // log file alike.
  if (bar_visible_ && std::uncaught_exceptions() > exceptions_at_start_) {
    std::fputs("\n", stderr);
    std::fflush(stderr);
    return;
  }
  clear_bar();
}

void ProgressDisplay::clear_bar() {
  if (!bar_visible_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  bar_visible_ = false;
}

std::string progress_bar(double fraction) {
  const int filled = static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * kBarWidth));
  std::string bar(kBarWidth + 2, '.');
  bar.front() = '[';
  bar.back() = ']';
  std::fill_n(bar.begin() + 1, filled, '#');
  return bar;
}

void ProgressDisplay::show(const std::string& text, bool final) {
  if (!bar_) return;
  const auto now = std::chrono::steady_clock::now();
  if (bar_visible_ && !final && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  fmt::print(stderr, "\r\033[K{}", text);
  std::fflush(stderr);
  bar_visible_ = true;
}

double ProgressDisplay::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void ProgressDisplay::update_count(std::size_t done, std::size_t total, const std::string& unit) {
  if (!bar_) return;
  const double elapsed = elapsed_seconds();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double left = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : 0.0;
  show(fmt::format(
           "{} {}/{} {} {:.1f} {}/s ETA {}",
           progress_bar(total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0),
           done, total, unit, rate, unit, format_duration(left)),
       done >= total);
}

void ProgressDisplay::update_bytes(std::size_t done, std::size_t total, const std::string& detail) {
  if (!bar_ && !lines_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool final = done >= total;
  if (lines_ && !final && now - last_line_ < std::chrono::seconds(10)) return;
  const double elapsed = elapsed_seconds();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double left = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : 0.0;
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const std::string text = fmt::format(
      "{}/{} {}/s ETA {}, {}", format_bytes(static_cast<double>(done)),
      format_bytes(static_cast<double>(total)), format_bytes(rate), format_duration(left), detail);
  if (bar_) {
    show(progress_bar(fraction) + " " + text, final);
  } else {
    last_line_ = now;
    line(fmt::format("{:.0f}% {}", fraction * 100, text));
  }
}

void ProgressDisplay::line(const std::string& text) {
  if (quiet_) return;
  warn(text);
}

void ProgressDisplay::warn(const std::string& text) {
  clear_bar();
  fmt::print(stderr, "{}\n", text);
  std::fflush(stderr);
}

std::string format_bytes(double bytes) {
  if (bytes < 1e3) return fmt::format("{:.0f} B", bytes);
  if (bytes < 1e6) return fmt::format("{:.1f} KB", bytes / 1e3);
  if (bytes < 1e9) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.2f} GB", bytes / 1e9);
}

std::string format_duration(double seconds) {
  const auto total = static_cast<long>(std::lround(std::max(0.0, seconds)));
  if (total >= 3600) return fmt::format("{}h{:02}m", total / 3600, total % 3600 / 60);
  if (total >= 60) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}s", total);
}

}  // namespace ner
