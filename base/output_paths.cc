#include "base/output_paths.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "base/error.h"

namespace ner {
namespace fs = std::filesystem;
namespace {

// The path the file system would reach: absolute, `..` and symbolic links
// of its existing part resolved, no trailing separator.
fs::path resolved(const fs::path& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  if (error) absolute = path;
  fs::path canonical = fs::weakly_canonical(absolute, error);
  if (error) canonical = absolute.lexically_normal();
  if (canonical.has_relative_path() && canonical.filename().empty())
    canonical = canonical.parent_path();
  return canonical;
}

bool ignored(const fs::path& path) {
  return path.empty() || path == "-";
}

bool lies_within(const fs::path& inner, const fs::path& outer) {
  return std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end()).first == outer.end();
}

std::string describe_input(const CommandPath& input) {
  const bool named_by_option = input.option.rfind("-", 0) == 0;
  return named_by_option ? fmt::format("{} ({})", input.path.string(), input.option)
                         : input.path.string();
}

}  // namespace

void refuse_output_over_inputs(const CommandPath& output, const std::vector<CommandPath>& inputs) {
  const fs::path target = resolved(output.path);
  for (const CommandPath& input : inputs) {
    if (ignored(input.path)) continue;
    const fs::path source = resolved(input.path);
    const std::string shown = fmt::format("{} {}", output.option, output.path.string());
    if (target == source) {
      throw Error(fmt::format("{} would replace the input {}; choose another {}", shown,
                              describe_input(input), output.option));
    }
    if (lies_within(source, target)) {
      throw Error(
          fmt::format("{} holds the input {}, which writing there could replace; choose "
                      "another {}",
                      shown, describe_input(input), output.option));
    }
    if (lies_within(target, source)) {
      throw Error(
          fmt::format("{} lies inside the input {}, where output would mix with what is "
                      "read; choose another {} outside it",
                      shown, describe_input(input), output.option));
    }
  }
}

void refuse_missing_inputs(const std::vector<CommandPath>& inputs) {
  for (const CommandPath& input : inputs) {
    std::error_code error;
    if (!ignored(input.path) && !fs::exists(input.path, error)) {
      throw Error(
          fmt::format("{} {}: no such file or directory", input.option, input.path.string()));
    }
  }
}

void refuse_unwritable_output_file(const CommandPath& file) {
  std::error_code error;
  if (fs::is_directory(file.path, error)) {
    throw Error(fmt::format("{} {} is a folder; give the name of a file to write", file.option,
                            file.path.string()));
  }
  fs::path folder = resolved(file.path).parent_path();
  while (!fs::exists(folder, error) && folder.has_relative_path())
    folder = folder.parent_path();
  if (!fs::is_directory(folder, error)) {
    throw Error(fmt::format("{} {} cannot be written: {} is a file, not a folder", file.option,
                            file.path.string(), folder.string()));
  }
  if (::access(folder.c_str(), W_OK) != 0) {
    throw Error(fmt::format("{} {} cannot be written in {}: {}", file.option, file.path.string(),
                            folder.string(), std::strerror(errno)));
  }
}

void refuse_overlapping_outputs(const CommandPath& first, const CommandPath& second) {
  const fs::path one = resolved(first.path);
  const fs::path other = resolved(second.path);
  if (!lies_within(one, other) && !lies_within(other, one)) return;
  throw Error(fmt::format(
      "{} {} and {} {} are the same folder or one holds the other; give two separate folders",
      first.option, first.path.string(), second.option, second.path.string()));
}

void refuse_used_output_folder(const CommandPath& folder, bool force) {
  std::error_code error;
  const fs::file_status status = fs::status(folder.path, error);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status)) {
    throw Error(fmt::format("{} {}: a file, not a folder; choose a folder", folder.option,
                            folder.path.string()));
  }
  if (force || fs::is_empty(folder.path, error)) return;
  throw Error(fmt::format(
      "{} {} already holds files, which would mix with the new ones; choose a new or empty "
      "folder, or add --force to write over its corpus",
      folder.option, folder.path.string()));
}

}  // namespace ner
