#include "datasets/corpus.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "datasets/error.h"

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

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(fmt::format("{}: read error", path.string()));
  return content;
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

std::filesystem::path temporary_path_for(const std::filesystem::path& path) {
  if (path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error)
      throw Error(fmt::format("{}: cannot create directory: {}", path.parent_path().string(),
                              error.message()));
  }
  return path.string() + fmt::format(".tmp{}", ::getpid());
}

void move_into_place(const std::filesystem::path& temporary, const std::filesystem::path& path) {
  const auto fail = [&](const std::string& what, const std::string& reason) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error(fmt::format("{}: cannot {}: {}", path.string(), what, reason));
  };
  const int fd = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("reopen the temporary file", std::strerror(errno));
  const bool synced = ::fsync(fd) == 0;
  const int sync_error = errno;
  ::close(fd);
  if (!synced) fail("flush to disk", std::strerror(sync_error));
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) fail("rename into place", error.message());
}

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path temporary = temporary_path_for(path);
  const auto fail = [&](const std::string& what) {
    const int code = errno;
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error(fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(code)));
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create a temporary file");
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) fail("close");
  move_into_place(temporary, path);
}

}  // namespace ner
