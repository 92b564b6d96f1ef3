#include "datasets/command_line.h"

#include <fmt/format.h>

#include <cstdio>
#include <exception>

#include "datasets/error.h"

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

}  // namespace ner
