#include "datasets/corpus.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"

namespace ner {
namespace fs = std::filesystem;
namespace {

void collect_txt_files(const fs::path& directory, std::vector<fs::path>& files) {
  std::error_code error;
  fs::directory_iterator it(directory, error);
  if (error)
    throw Error(fmt::format("{}: cannot list directory: {}", directory.string(), error.message()));
  for (const fs::directory_iterator end; it != end; it.increment(error)) {
    if (error) break;
    const fs::directory_entry& entry = *it;
    std::error_code status_error;
    if (entry.is_symlink(status_error) && entry.is_directory(status_error)) continue;
    if (entry.is_directory(status_error)) {
      collect_txt_files(entry.path(), files);
    } else if (entry.is_regular_file(status_error) && entry.path().extension() == ".txt") {
      files.push_back(entry.path());
    }
  }
  if (error)
    throw Error(fmt::format("{}: cannot list directory: {}", directory.string(), error.message()));
}

}  // namespace

OnError parse_on_error(std::string_view name) {
  if (name == "fail") return OnError::kFail;
  if (name == "skip") return OnError::kSkip;
  throw Error(fmt::format("unknown error policy '{}': use 'fail' or 'skip'", name));
}

std::vector<fs::path> list_corpus_files(const fs::path& root) {
  std::error_code error;
  const fs::file_status status = fs::status(root, error);
  if (error || !fs::exists(status)) {
    throw Error(fmt::format("{}: no such file or directory", root.string()));
  }
  if (!fs::is_directory(status)) return {root};
  std::vector<fs::path> found;
  collect_txt_files(root, found);
  std::vector<std::pair<std::string, fs::path>> named;
  named.reserve(found.size());
  for (fs::path& file : found)
    named.emplace_back(corpus_document_name(root, file), std::move(file));
  std::sort(named.begin(), named.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<fs::path> files;
  files.reserve(named.size());
  for (auto& entry : named)
    files.push_back(std::move(entry.second));
  return files;
}

std::string corpus_document_name(const fs::path& root, const fs::path& file) {
  if (root == file) return file.filename().generic_string();
  return file.lexically_relative(root).generic_string();
}

CorpusReport for_each_document(const fs::path& root, const CorpusOptions& options,
                               const std::function<void(Document&&)>& visit) {
  CorpusReport report;
  const std::vector<fs::path> files = list_corpus_files(root);
  report.files = files.size();
  for (const fs::path& file : files) {
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
