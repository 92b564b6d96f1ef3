// ner-train: the training side's command line. For now `env`, which reports the
// LibTorch runtime (version, CUDA devices, threads) that training would use.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "datasets/command_line.h"
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train named-entity recognizers for ML-model facts", "ner-train"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ner-train ") + NER_VERSION);
  app.footer("Exit status: 0 success, 2 error.");

  bool env_json = false;
  int env_threads = 0;
  CLI::App* env = app.add_subcommand(
      "env", "Report the LibTorch runtime: version, CUDA devices, CPU threads, fused attention");
  env->add_flag("--json", env_json, "Print JSON instead of key/value lines");
  env->add_option("--threads", env_threads, "CPU threads to configure (0: all cores)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);

  return ner::run_command_line(app, argc, argv, [&] {
    if (*env) return run_env(env_json, env_threads);
    return ner::kExitError;
  });
}
