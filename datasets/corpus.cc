#include "datasets/corpus.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <system_error>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"

namespace ner {
namespace fs = std::filesystem;
namespace {

// Why a path that should lead to a file does not: a symbolic link that ends
// nowhere or in a loop, or what the system said.
std::string unreachable_reason(const fs::path& path, const std::error_code& error) {
  if (error == std::errc::too_many_symbolic_link_levels)
    return fmt::format("{}: a symbolic-link loop", path.string());
  std::error_code not_a_link;
  const fs::path target = fs::read_symlink(path, not_a_link);
  if (!not_a_link)
    return fmt::format("{}: a symbolic link to {}, which does not exist", path.string(),
                       target.string());
  return fmt::format("{}: {}", path.string(), error.message());
}

bool matches_any(const std::vector<std::string>& globs, const fs::path& file) {
  const std::string name = file.filename().string();
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) {
    return ::fnmatch(glob.c_str(), name.c_str(), FNM_PERIOD) == 0;
  });
}

// Adds the files under `directory` whose names match `globs` to `listing`;
// what cannot be read (a subfolder that cannot be listed, a matching link that
// leads nowhere) goes to its unreadable entries, so the caller's error policy
// decides. A root that cannot be listed holds no corpus at all: that throws
// ner::Error.
void collect_files(const fs::path& directory, const std::vector<std::string>& globs,
                   CorpusListing& listing, bool root) {
  std::error_code error;
  fs::directory_iterator it(directory, error);
  if (error && root)
    throw Error(fmt::format("{}: cannot list directory: {}", directory.string(), error.message()));
  for (const fs::directory_iterator end; !error && it != end; it.increment(error)) {
    const fs::directory_entry& entry = *it;
    std::error_code link_error;
    const bool is_link = entry.is_symlink(link_error);
    std::error_code status_error;
    const fs::file_status status = fs::status(entry.path(), status_error);
    // Links to directories are not followed: they could form cycles.
    if (fs::is_directory(status)) {
      if (!is_link) collect_files(entry.path(), globs, listing, false);
    } else if (!matches_any(globs, entry.path())) {
      if (fs::is_regular_file(status)) {
        const std::string extension = entry.path().extension().string();
        ++listing.other_files[extension.empty() ? "(no extension)" : "*" + extension];
      }
    } else if (status_error) {
      listing.unreadable.push_back(
          {entry.path().string(), unreachable_reason(entry.path(), status_error)});
    } else if (fs::is_regular_file(status)) {
      listing.files.push_back(entry.path());
    }
  }
  if (error) {
    listing.unreadable.push_back(
        {directory.string(),
         fmt::format("{}: cannot list directory: {}", directory.string(), error.message())});
  }
}

}  // namespace

OnError parse_on_error(std::string_view name) {
  if (name == "fail") return OnError::kFail;
  if (name == "skip") return OnError::kSkip;
  throw Error(fmt::format("unknown error policy '{}': use 'fail' or 'skip'", name));
}

CorpusListing list_corpus(const fs::path& root) {
  return list_corpus(root, {"*.txt"});
}

CorpusListing list_corpus(const fs::path& root, const std::vector<std::string>& globs) {
  std::error_code error;
  const fs::file_status status = fs::status(root, error);
  if (error && error != std::errc::no_such_file_or_directory)
    throw Error(unreachable_reason(root, error));
  if (!fs::exists(status)) {
    std::error_code not_a_link;
    if (fs::is_symlink(fs::symlink_status(root, not_a_link)))
      throw Error(unreachable_reason(root, error));
    throw Error(fmt::format("{}: no such file or directory", root.string()));
  }
  CorpusListing listing;
  if (!fs::is_directory(status)) {
    listing.files.push_back(root);
    return listing;
  }
  collect_files(root, globs, listing, true);
  std::vector<std::pair<std::string, fs::path>> named;
  named.reserve(listing.files.size());
  for (fs::path& file : listing.files)
    named.emplace_back(corpus_document_name(root, file), std::move(file));
  std::sort(named.begin(), named.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  listing.files.clear();
  for (auto& entry : named)
    listing.files.push_back(std::move(entry.second));
  std::sort(listing.unreadable.begin(), listing.unreadable.end(),
            [](const SkippedDocument& a, const SkippedDocument& b) { return a.path < b.path; });
  return listing;
}

std::vector<fs::path> list_corpus_files(const fs::path& root) {
  CorpusListing listing = list_corpus(root);
  if (!listing.unreadable.empty()) throw Error(listing.unreadable.front().reason);
  return std::move(listing.files);
}

void remove_corpus_files(const fs::path& root) {
  std::error_code error;
  if (!fs::is_directory(root, error)) return;
  std::vector<fs::path> folders;
  fs::recursive_directory_iterator it(root, error);
  for (const fs::recursive_directory_iterator end; !error && it != end; it.increment(error)) {
    const fs::directory_entry& entry = *it;
    std::error_code status_error;
    if (entry.is_directory(status_error) && !entry.is_symlink(status_error)) {
      folders.push_back(entry.path());
    } else if (entry.path().extension() == ".txt") {
      fs::remove(entry.path(), error);
      if (error) break;
    }
  }
  if (error)
    throw Error(
        fmt::format("{}: cannot remove its old corpus: {}", root.string(), error.message()));
  // Deepest first, so a folder emptied of folders goes too.
  for (auto folder = folders.rbegin(); folder != folders.rend(); ++folder) {
    std::error_code not_empty;
    if (fs::is_empty(*folder, not_empty)) fs::remove(*folder, not_empty);
  }
}

std::string corpus_document_name(const fs::path& root, const fs::path& file) {
  if (root == file) return file.filename().generic_string();
  return file.lexically_relative(root).generic_string();
}

CorpusReport for_each_document(const fs::path& root, const CorpusOptions& options,
                               const std::function<void(Document&&)>& visit) {
  CorpusReport report;
  const CorpusListing listing = list_corpus(root);
  report.files = listing.files.size() + listing.unreadable.size();
  for (const SkippedDocument& unreadable : listing.unreadable) {
    if (options.on_error == OnError::kFail) throw Error(unreadable.reason);
    if (options.on_skip) options.on_skip(unreadable);
    report.skipped.push_back(unreadable);
  }
  for (const fs::path& file : listing.files) {
    Document document;
    try {
      const std::string content = read_file(file);
      document = parse_tagged_text(content, file.string());
      document.name = corpus_document_name(root, file);
    } catch (const Error& error) {
      if (options.on_error == OnError::kFail) throw;
      SkippedDocument skipped{file.string(), error.what()};
      if (options.on_skip) options.on_skip(skipped);
      report.skipped.push_back(std::move(skipped));
      continue;
    }
    visit(std::move(document));
    ++report.read;
  }
  return report;
}

std::vector<Document> read_corpus(const fs::path& root, const CorpusOptions& options,
                                  CorpusReport* report) {
  std::vector<Document> documents;
  CorpusReport local = for_each_document(
      root, options, [&](Document&& document) { documents.push_back(std::move(document)); });
  if (report) *report = std::move(local);
  return documents;
}

}  // namespace ner
