#include "base/command_line.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <exception>
#include <map>

#include "base/error.h"

namespace ner {

int run_command_line(CLI::App& app, int argc, char** argv, const std::function<int()>& dispatch) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are answered by CLI11; a usage error is one line
    // like every other error.
    if (error.get_exit_code() == 0) return app.exit(error) == 0 ? kExitSuccess : kExitError;
    fmt::print(stderr, "{}: error: {} (see --help)\n", app.get_name(), error.what());
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
