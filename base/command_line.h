// The shared skeleton of every executable: parse with CLI11, dispatch, map
// errors to one line on stderr and the project's exit codes; common options.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "base/progress.h"

namespace ner {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitPartial = 1;  // finished, but some inputs were skipped
inline constexpr int kExitError = 2;

// An option's spelling of an earlier release, still read for one release:
// `old_name` (in `subcommand`, "" for the command itself) means `new_name`.
struct OldSpelling {
  std::string subcommand;
  std::string old_name;
  std::string new_name;
};

// Parses argv into `app` and calls `dispatch`, returning its exit code.
// Usage errors, ner::Error and any other exception end in kExitError with
// "<app name>: error: <message>" on stderr; --help and --version in 0. An
// old spelling is read as its new one, with a note on stderr.
int run_command_line(CLI::App& app, int argc, char** argv, const std::function<int()>& dispatch,
                     const std::vector<OldSpelling>& old_spellings = {});

// --progress auto|bar|lines|none, the same in every command: auto draws a bar
// on a terminal and prints lines otherwise; none shows no progress, only
// warnings and errors. `lines` says what the lines are in this command.
CLI::Option* add_progress_option(CLI::App& app, ProgressStyle& style, const std::string& lines);

// The check of an option that counts something (threads, documents, a batch):
// a whole number from `minimum` to `maximum`. A value outside is refused with
// what to give instead, e.g. "--threads: -1 is not allowed: give a whole
// number, 0 or more (0: all cores)"; `meaning` explains a special value. A
// `maximum` of int's largest value or more is a limit of the type, not of
// the option, and goes unmentioned.
CLI::Validator whole_number(long long minimum, const std::string& meaning = "",
                            long long maximum = std::numeric_limits<int>::max());

}  // namespace ner
