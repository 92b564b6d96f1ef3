// Checksums that detect accidental damage to the files the project writes
// (model files, checkpoints): FNV-1a over bytes, shown as 16 hex digits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ner {

std::uint64_t fnv1a_64(const void* data, std::size_t size);

// fnv1a_64 of the bytes as 16 lowercase hex digits.
std::string checksum_hex(const void* data, std::size_t size);
inline std::string checksum_hex(std::string_view bytes) {
  return checksum_hex(bytes.data(), bytes.size());
}

}  // namespace ner
