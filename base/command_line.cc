#include "base/command_line.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace ner {

namespace {

bool names_an_option(const CLI::App& app, const std::string& name) {
  if (app.get_option_no_throw(name) != nullptr) return true;
  for (const CLI::App* subcommand : app.get_subcommands({}))
    if (names_an_option(*subcommand, name)) return true;
  return false;
}

// The first argument that looks like an option but is none of `app` or its
// subcommands ("--bogus", "-x"); a negative number is a value, not an option.
std::optional<std::string> unknown_option(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if (argument == "--") break;
    if (argument.size() < 2 || argument[0] != '-' || argument[1] == '.' ||
        (argument[1] >= '0' && argument[1] <= '9'))
      continue;
    const std::string name(argument[1] == '-' ? argument.substr(0, argument.find('='))
                                              : argument.substr(0, 2));
    if (!names_an_option(app, name)) return name;
  }
  return std::nullopt;
}

std::string subcommand_names(const CLI::App& app) {
  std::string names;
  for (const CLI::App* subcommand : app.get_subcommands({}))
    names += (names.empty() ? "" : ", ") + subcommand->get_name();
  return names;
}

// A usage error found before CLI11 parses, which would otherwise answer a
// mistyped subcommand followed by --help with the top-level help and exit 0.
std::optional<std::string> subcommand_error(const CLI::App& app, int argc, char** argv) {
  if (app.get_subcommands({}).empty()) return std::nullopt;
  // An app that takes positional arguments reads a bare word as one of them.
  if (!app.get_options([](const CLI::Option* option) { return option->get_positional(); }).empty())
    return std::nullopt;
  if (argc < 2) {
    if (app.get_require_subcommand_min() == 0) return std::nullopt;
    return fmt::format("give a subcommand: {}", subcommand_names(app));
  }
  const std::string first = argv[1];
  if (first.empty() || first[0] == '-') return std::nullopt;
  for (const CLI::App* subcommand : app.get_subcommands({}))
    if (subcommand->check_name(first)) return std::nullopt;
  return fmt::format("no subcommand '{}'; the subcommands are: {}", first, subcommand_names(app));
}

// argv with old spellings replaced by their new ones ("--data X" and
// "--data=X" alike, in the subcommand that had them), saying so once each.
std::vector<std::string> respelled_arguments(const CLI::App& app, int argc, char** argv,
                                             const std::vector<OldSpelling>& old_spellings) {
  std::vector<std::string> arguments(argv, argv + argc);
  std::string subcommand;
  std::vector<std::string> noted;
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    std::string& argument = arguments[i];
    if (argument == "--") break;
    if (subcommand.empty() && !argument.empty() && argument[0] != '-') {
      for (const CLI::App* candidate : app.get_subcommands({}))
        if (candidate->check_name(argument)) subcommand = candidate->get_name();
    }
    for (const OldSpelling& spelling : old_spellings) {
      if (spelling.subcommand != subcommand) continue;
      const bool whole = argument == spelling.old_name;
      if (!whole && argument.rfind(spelling.old_name + "=", 0) != 0) continue;
      argument = spelling.new_name + argument.substr(spelling.old_name.size());
      if (std::find(noted.begin(), noted.end(), spelling.old_name) == noted.end()) {
        fmt::print(stderr, "{}: note: {} is now {}; the old spelling goes in the next release\n",
                   app.get_name(), spelling.old_name, spelling.new_name);
        noted.push_back(spelling.old_name);
      }
      break;
    }
  }
  return arguments;
}

}  // namespace

int run_command_line(CLI::App& app, int argc, char** argv, const std::function<int()>& dispatch,
                     const std::vector<OldSpelling>& old_spellings) {
  std::vector<std::string> arguments = respelled_arguments(app, argc, argv, old_spellings);
  std::vector<char*> pointers;
  for (std::string& argument : arguments)
    pointers.push_back(argument.data());
  pointers.push_back(nullptr);
  argv = pointers.data();
  if (const auto error = subcommand_error(app, argc, argv)) {
    fmt::print(stderr, "{}: error: {} (see --help)\n", app.get_name(), *error);
    return kExitError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are answered by CLI11; a usage error is one line
    // like every other error.
    if (error.get_exit_code() == 0) return app.exit(error) == 0 ? kExitSuccess : kExitError;
    // CLI11 checks required options before unknown ones, so `--bogus` would
    // otherwise be reported as some other option missing.
    const std::optional<std::string> unknown = unknown_option(app, argc, argv);
    if (unknown) {
      fmt::print(stderr, "{}: error: unknown option {} (see --help)\n", app.get_name(), *unknown);
    } else {
      fmt::print(stderr, "{}: error: {} (see --help)\n", app.get_name(), error.what());
    }
    return kExitError;
  }
  try {
    return dispatch();
  } catch (const Error& error) {
    fmt::print(stderr, "{}: error: {}\n", app.get_name(), error.what());
  } catch (const std::exception& error) {
    fmt::print(stderr, "{}: unexpected error: {}\n", app.get_name(), error.what());
  }
  return kExitError;
}

CLI::Option* add_progress_option(CLI::App& app, ProgressStyle& style, const std::string& lines) {
  static const std::map<std::string, ProgressStyle> kStyles = {{"auto", ProgressStyle::kAuto},
                                                               {"bar", ProgressStyle::kBar},
                                                               {"lines", ProgressStyle::kLines},
                                                               {"none", ProgressStyle::kNone}};
  return app
      .add_option_function<std::string>(
          "--progress", [&style](const std::string& name) { style = kStyles.at(name); },
          fmt::format("auto: a bar on a terminal, else {}; bar; lines; none (warnings and "
                      "errors only)",
                      lines))
      ->check(CLI::IsMember(kStyles))
      ->default_str("auto");
}

CLI::Validator whole_number(long long minimum, const std::string& meaning, long long maximum) {
  const std::string wanted =
      maximum >= std::numeric_limits<int>::max()
          ? fmt::format("give a whole number, {} or more", minimum)
          : fmt::format("give a whole number from {} to {}", minimum, maximum);
  const std::string advice = meaning.empty() ? wanted : fmt::format("{} ({})", wanted, meaning);
  return CLI::Validator(
      [minimum, maximum, advice](std::string& text) -> std::string {
        long long value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error == std::errc() && stop == end && value >= minimum && value <= maximum) return "";
        return fmt::format("{} is not allowed: {}", text, advice);
      },
      "", "whole number");
}

}  // namespace ner
