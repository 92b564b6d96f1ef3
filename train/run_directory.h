// A training run's directory: the one place that names, writes and reads its
// files (run.json, configs, tokenizer, checkpoints, log, metrics, model file).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ner {

// run.json: what the run was trained on, enough to rebuild its model and to
// prepare other corpora it can be scored on.
struct RunInfo {
  std::string version;  // of the build that started the run
  std::string dataset;  // absolute path of the dataset file
  std::string tag_scheme;
  std::vector<std::string> label_names;
  int vocab_size = 0;
  nlohmann::json label_source = nlohmann::json::object();  // per split: "gold" or "weak"
  std::string data_config;                                 // the YAML the dataset was prepared with
  // The pretraining run the encoder started from (null: random weights).
  nlohmann::json pretrained;
};

// Holds an exclusive lock on a run directory (flock on its .lock file) for
// as long as it lives. The kernel releases the lock when the process ends,
// however it ends, so a lock left by a killed run never blocks the next one.
class RunLock {
 public:
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  friend class RunDirectory;
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Parses a JSON file of a run; throws ner::Error naming it when it cannot.
nlohmann::json read_json_file(const std::filesystem::path& path);

class RunDirectory {
 public:
  explicit RunDirectory(std::filesystem::path root) : root_(std::move(root)) {}

  // The run directory a checkpoint lives in; throws ner::Error when there is
  // no run.json beside it.
  static RunDirectory of_checkpoint(const std::filesystem::path& checkpoint);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path config() const { return root_ / "config.yaml"; }
  std::filesystem::path data_config() const { return root_ / "data_config.yaml"; }
  std::filesystem::path tokenizer() const { return root_ / "tokenizer.model"; }
  std::filesystem::path info() const { return root_ / "run.json"; }
  // "best" or "last".
  std::filesystem::path checkpoint(std::string_view which) const;
  std::filesystem::path best_checkpoint() const { return checkpoint("best"); }
  std::filesystem::path last_checkpoint() const { return checkpoint("last"); }
  std::filesystem::path log() const { return root_ / "log.jsonl"; }
  std::filesystem::path metrics() const { return root_ / "metrics.json"; }
  std::filesystem::path model_file() const { return root_ / "model.nerm"; }

  std::filesystem::path lock_file() const { return root_ / ".lock"; }

  // Creates the directory if needed and locks it for this process. Throws
  // ner::Error when another live process holds it, naming that process.
  RunLock lock() const;
  // Locks the directory and sets the run up with `set_up`. When `set_up`
  // throws (a bad dataset, config or --init), a directory this call created
  // is removed again unless a checkpoint reached it: a refused command leaves
  // nothing behind.
  template <typename SetUp>
  RunLock lock_and_set_up(SetUp&& set_up) const {
    const bool created = !std::filesystem::exists(root_);
    RunLock held = lock();
    try {
      set_up();
    } catch (...) {
      if (created && !has_started()) {
        std::error_code ignored;
        std::filesystem::remove_all(root_, ignored);
      }
      throw;
    }
    return held;
  }

  // A run to resume: one that has written its last checkpoint.
  bool has_started() const;

  // Creates the directory with what a new run starts from: run.json, the
  // training config, the tokenizer and the data config (with the tokenizer,
  // what `ner-train prepare --tokenizer` needs to prepare corpora this run
  // can be scored on). A log left by a start that never checkpointed goes.
  void create(const RunInfo& info, const std::string& config_yaml,
              const std::string& tokenizer_model) const;
  // Writes run.json (create() does; --init adds the pretraining to it).
  void write_info(const RunInfo& info) const;
  // Replaces the training config (overrides given on resume become the run's).
  void write_config(const std::string& config_yaml) const;
  void write_metrics(const nlohmann::json& metrics) const;

  // Throws ner::Error naming the file when it is missing or not a run's.
  RunInfo read_info() const;
  std::string read_tokenizer() const;
  std::string read_config() const;
  // metrics.json once training has finished; nullopt before.
  std::optional<nlohmann::json> read_metrics() const;

 private:
  std::filesystem::path root_;
};

}  // namespace ner
