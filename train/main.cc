// ner-train: the training side's command line: `prepare` (corpus -> dataset)
// and `env` (the LibTorch runtime training would use).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/command_line.h"
#include "datasets/error.h"
#include "models/torch_runtime.h"

namespace {

int run_env(bool json, int threads) {
  ner::configure_cpu_threads(threads);
  const nlohmann::json info = ner::describe_runtime();
  if (json) {
    fmt::print("{}\n", info.dump(2));
    return ner::kExitSuccess;
  }
  for (const auto& [key, value] : info.items()) {
    fmt::print("{:<30}{}\n", key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return ner::kExitSuccess;
}

// Debian's libsentencepiece carries its own copy of protobuf-lite, and loading
// it next to LibTorch's libprotobuf crashes at start-up. Dataset preparation
// (the only step that needs SentencePiece) therefore lives in its own
// executable beside this one, and `ner-train prepare` runs it.
int run_prepare_tool(int argc, char** argv) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path tool =
      (error ? std::filesystem::path(argv[0]) : self).parent_path() / "ner-train-prepare";
  std::vector<char*> arguments;
  arguments.push_back(const_cast<char*>("ner-train prepare"));
  for (int i = 2; i < argc; ++i)
    arguments.push_back(argv[i]);
  arguments.push_back(nullptr);
  ::execv(tool.c_str(), arguments.data());
  fmt::print(stderr, "ner-train: error: cannot run {}: {}\n", tool.string(), std::strerror(errno));
  return ner::kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "prepare") return run_prepare_tool(argc, argv);
  CLI::App app{"Train named-entity recognizers for ML-model facts", "ner-train"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ner-train ") + NER_VERSION);
  app.footer("Exit status: 0 success, 1 finished but some documents were skipped, 2 error.");

  bool env_json = false;
  int env_threads = 0;
  CLI::App* env = app.add_subcommand(
      "env", "Report the LibTorch runtime: version, CUDA devices, CPU threads, fused attention");
  env->add_flag("--json", env_json, "Print JSON instead of key/value lines");
  env->add_option("--threads", env_threads, "CPU threads to configure (0: all cores)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);

  // Listed for --help; main() hands `prepare` to ner-train-prepare before parsing.
  app.add_subcommand(
         "prepare",
         "Tokenize and label a tagged corpus into an HDF5 dataset (see 'prepare --help')")
      ->allow_extras();

  return ner::run_command_line(app, argc, argv, [&] {
    if (*env) return run_env(env_json, env_threads);
    return ner::kExitError;
  });
}
