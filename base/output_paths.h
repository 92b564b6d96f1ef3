// Keeps what a command writes apart from what it reads: no output may replace,
// hold or lie inside an input, and a used output folder needs --force.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ner {

// A path as the command line gave it, with the option that named it
// ("--out", "--gold"; a positional input by its name), so that a message
// names it the way the user wrote it.
struct CommandPath {
  std::string option;
  std::filesystem::path path;
};

// Throws ner::Error when `output` is one of `inputs`, holds one of them (a
// folder around it) or lies inside one of them (a folder the command reads):
// writing it could replace what is read, or mix output into input. Paths
// compare as the file system resolves them, so `..` and symbolic links cannot
// make one place look like two. Empty inputs and "-" (standard input) are
// ignored.
void refuse_output_over_inputs(const CommandPath& output, const std::vector<CommandPath>& inputs);

// Throws ner::Error naming the first input that does not exist, before any
// work starts rather than after some of it. Empty paths and "-" are ignored.
void refuse_missing_inputs(const std::vector<CommandPath>& inputs);

// Throws ner::Error when `file` cannot become a file: it is a folder, a part
// of its path is a file, or its folder cannot be written.
void refuse_unwritable_output_file(const CommandPath& file);

// Throws ner::Error when two outputs of one command are the same place or
// one holds the other: what is written to one would mix with the other.
void refuse_overlapping_outputs(const CommandPath& first, const CommandPath& second);

// Throws ner::Error when `folder` holds anything and `force` is false (what
// it holds would mix with the new output), or when it exists as a file.
void refuse_used_output_folder(const CommandPath& folder, bool force);

}  // namespace ner
