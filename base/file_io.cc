#include "base/file_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "base/error.h"

namespace ner {
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(fmt::format("{}: read error", path.string()));
  return content;
}

TemporaryFile::TemporaryFile(fs::path target) : target_(std::move(target)) {
  if (target_.has_parent_path()) {
    std::error_code error;
    fs::create_directories(target_.parent_path(), error);
    if (error)
      throw Error(fmt::format("{}: cannot create directory: {}", target_.parent_path().string(),
                              error.message()));
  }
  // The process id keeps two writers of the same target apart.
  temporary_ = target_.string() + fmt::format(".tmp{}", ::getpid());
}

TemporaryFile::~TemporaryFile() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove(temporary_, ignored);
}

void TemporaryFile::commit() {
  const auto fail = [&](const std::string& what, const std::string& reason) {
    std::error_code ignored;
    fs::remove(temporary_, ignored);
    throw Error(fmt::format("{}: cannot {}: {}", target_.string(), what, reason));
  };
  const int fd = ::open(temporary_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("reopen the temporary file", std::strerror(errno));
  const bool synced = ::fsync(fd) == 0;
  const int sync_error = errno;
  ::close(fd);
  if (!synced) fail("flush to disk", std::strerror(sync_error));
  std::error_code error;
  fs::rename(temporary_, target_, error);
  if (error) fail("rename into place", error.message());
  committed_ = true;
}

void write_file_atomically(const fs::path& path, const std::string& content) {
  TemporaryFile file(path);
  const auto fail = [&](const std::string& what, int code) {
    throw Error(fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(code)));
  };
  const int fd = ::open(file.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create a temporary file", errno);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int code = errno;
      ::close(fd);
      fail("write", code);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) fail("close", errno);
  file.commit();
}

}  // namespace ner
