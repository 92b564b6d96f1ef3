// The shared skeleton of every executable: parse with CLI11, dispatch, and map
// errors to one line on stderr and the project's exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace ner {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitPartial = 1;  // finished, but some inputs were skipped
inline constexpr int kExitError = 2;

// Parses argv into `app` and calls `dispatch`, returning its exit code.
// Usage errors, ner::Error and any other exception end in kExitError with
// "<app name>: error: <message>" on stderr; --help and --version in 0.
int run_command_line(CLI::App& app, int argc, char** argv, const std::function<int()>& dispatch);

}  // namespace ner
