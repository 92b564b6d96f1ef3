#include "train/run_directory.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include "base/error.h"
#include "base/file_io.h"

namespace ner {
namespace {

constexpr const char* kRunFormatName = "ner-ml-facts-run";
constexpr int kRunFormatVersion = 1;

// " (process N)" when the lock file names a live process: the pid is only
// written after locking, so it may be missing or a dead process's.
std::string describe_holder(const std::string& lock_content) {
  try {
    const long pid = std::stol(lock_content);
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM))
      return fmt::format(" (process {})", pid);
  } catch (const std::logic_error&) {
  }
  return "";
}

}  // namespace

nlohmann::json read_json_file(const std::filesystem::path& path) {
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& error) {
    throw Error(fmt::format("{}: not valid JSON: {}", path.string(), error.what()));
  }
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

RunLock RunDirectory::lock() const {
  std::error_code error;
  std::filesystem::create_directories(root_, error);
  if (error) {
    throw Error(
        fmt::format("{}: cannot create the run directory: {}", root_.string(), error.message()));
  }
  const std::filesystem::path path = lock_file();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error(fmt::format("{}: cannot open the run's lock file: {}", path.string(),
                            std::strerror(errno)));
  }
  RunLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int code = errno;
    if (code != EWOULDBLOCK) {
      throw Error(
          fmt::format("{}: cannot lock the run directory: {}", path.string(), std::strerror(code)));
    }
    throw Error(fmt::format(
        "{}: another ner-train{} is training in this run directory; wait for it to end, or choose "
        "another --out",
        root_.string(), describe_holder(read_file(path))));
  }
  // The holder's process id, for the message above; the lock itself is the flock.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    throw Error(fmt::format("{}: cannot write the run's lock file: {}", path.string(),
                            std::strerror(errno)));
  }
  return lock;
}

RunDirectory RunDirectory::of_checkpoint(const std::filesystem::path& checkpoint) {
  RunDirectory run(checkpoint.has_parent_path() ? checkpoint.parent_path()
                                                : std::filesystem::path("."));
  if (!std::filesystem::exists(run.info())) {
    throw Error(fmt::format("{}: not inside a training run directory (no run.json beside it)",
                            checkpoint.string()));
  }
  return run;
}

std::filesystem::path RunDirectory::checkpoint(std::string_view which) const {
  return root_ / (std::string(which) + ".pt");
}

bool RunDirectory::has_started() const {
  return std::filesystem::is_regular_file(last_checkpoint());
}

void RunDirectory::create(const RunInfo& info, const std::string& config_yaml,
                          const std::string& tokenizer_model) const {
  std::error_code error;
  std::filesystem::create_directories(root_, error);
  if (error) {
    throw Error(
        fmt::format("{}: cannot create the run directory: {}", root_.string(), error.message()));
  }
  write_info(info);
  std::filesystem::remove(log(), error);
  write_config(config_yaml);
  write_file_atomically(tokenizer(), tokenizer_model);
  write_file_atomically(data_config(), info.data_config);
}

void RunDirectory::write_info(const RunInfo& info) const {
  nlohmann::json json = {{"format", kRunFormatName},       {"format_version", kRunFormatVersion},
                         {"version", info.version},        {"dataset", info.dataset},
                         {"tag_scheme", info.tag_scheme},  {"label_names", info.label_names},
                         {"vocab_size", info.vocab_size},  {"label_source", info.label_source},
                         {"data_config", info.data_config}};
  if (!info.pretrained.is_null()) json["pretrained"] = info.pretrained;
  write_file_atomically(this->info(), json.dump(2) + "\n");
}

void RunDirectory::write_config(const std::string& config_yaml) const {
  write_file_atomically(config(), config_yaml);
}

void RunDirectory::write_metrics(const nlohmann::json& metrics) const {
  write_file_atomically(this->metrics(), metrics.dump(2) + "\n");
}

RunInfo RunDirectory::read_info() const {
  const nlohmann::json json = read_json_file(info());
  if (json.value("format", "") != kRunFormatName)
    throw Error(fmt::format("{}: not a training run's run.json", info().string()));
  RunInfo run;
  try {
    run.version = json.value("version", "");
    run.dataset = json.value("dataset", "");
    run.tag_scheme = json.at("tag_scheme").get<std::string>();
    run.label_names = json.at("label_names").get<std::vector<std::string>>();
    run.vocab_size = json.at("vocab_size").get<int>();
    run.label_source = json.value("label_source", nlohmann::json::object());
    run.data_config = json.value("data_config", "");
    run.pretrained = json.value("pretrained", nlohmann::json());
  } catch (const nlohmann::json::exception& error) {
    throw Error(fmt::format("{}: {}", info().string(), error.what()));
  }
  return run;
}

std::string RunDirectory::read_tokenizer() const {
  return read_file(tokenizer());
}

std::string RunDirectory::read_config() const {
  return read_file(config());
}

std::optional<nlohmann::json> RunDirectory::read_metrics() const {
  if (!std::filesystem::exists(metrics())) return std::nullopt;
  return read_json_file(metrics());
}

}  // namespace ner
