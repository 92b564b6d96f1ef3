#include "base/checksum.h"

#include <fmt/format.h>

namespace ner {

std::uint64_t fnv1a_64(const void* data, std::size_t size) {
  std::uint64_t hash = 14695981039346656037ull;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string checksum_hex(const void* data, std::size_t size) {
  return fmt::format("{:016x}", fnv1a_64(data, size));
}

}  // namespace ner
