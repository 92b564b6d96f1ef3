#include "train/training_log.h"

#include <fmt/format.h>

#include <sstream>

#include "base/error.h"
#include "base/file_io.h"
#include "base/progress.h"

namespace ner {

std::string step_status_text(const StepStatus& s) {
  const double fraction =
      s.total_steps > 0 ? static_cast<double>(s.step) / static_cast<double>(s.total_steps) : 0.0;
  const double left = s.steps_elapsed > 0
                          ? s.elapsed_seconds / static_cast<double>(s.steps_elapsed) *
                                static_cast<double>(s.total_steps - s.step)
                          : 0.0;
  return fmt::format("epoch {}/{} {} {}/{} loss {:.4f} {:.0f} pieces/s ETA {}", s.epoch, s.epochs,
                     progress_bar(fraction), s.step, s.total_steps, s.loss, s.pieces_per_second,
                     format_duration(left));
}

std::size_t rewind_log(const std::filesystem::path& path, std::int64_t step) {
  if (!std::filesystem::exists(path)) return 0;
  std::istringstream lines(read_file(path));
  std::string kept;
  std::size_t dropped = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    const bool keep = record.is_object() && record.value("event", "") != "test" &&
                      record.contains("step") && record["step"].is_number_integer() &&
                      record["step"].get<std::int64_t>() <= step;
    if (keep) {
      kept += line + '\n';
    } else {
      ++dropped;
    }
  }
  if (dropped > 0) write_file_atomically(path, kept);
  return dropped;
}

JsonlLog::JsonlLog(const std::filesystem::path& path)
    : path_(path), out_(path, std::ios::app | std::ios::binary) {
  if (!out_) throw Error(fmt::format("{}: cannot open the log for writing", path.string()));
}

void JsonlLog::write(const nlohmann::json& record) {
  out_ << record.dump() << '\n';
  out_.flush();
  if (!out_) throw Error(fmt::format("{}: cannot write to the log", path_.string()));
}

}  // namespace ner
