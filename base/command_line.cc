#include "base/command_line.h"

#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <map>

#include "base/error.h"

namespace ner {

int run_command_line(CLI::App& app, int argc, char** argv, const std::function<int()>& dispatch) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitSuccess : kExitError;
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

}  // namespace ner
