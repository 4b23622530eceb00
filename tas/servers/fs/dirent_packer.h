// Directory entries packed for a READDIR reply (abi/rebound/services.h,
// struct rebound_fs_dirent): each a header, its name and a NUL, padded to a
// multiple of 8 bytes, one after the other in the caller's payload page.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rebound/services.h"

namespace tas::fs {

// The bytes an entry with a name of `name_length` bytes takes.
constexpr size_t dirent_size(size_t name_length) {
  return (sizeof(rebound_fs_dirent) + name_length + 1 + 7) & ~size_t{7};
}

class DirentPacker {
 public:
  // Packs into `out` (its start 8-byte aligned, as a page is).
  explicit DirentPacker(std::span<uint8_t> out) : out_(out) {}

  // Adds an entry after those added; false, with nothing written, if it
  // does not fit (or its name is longer than 255 bytes).
  bool add(uint32_t ino, uint8_t type, std::string_view name);

  size_t used() const { return used_; }
  unsigned count() const { return count_; }

 private:
  std::span<uint8_t> out_;
  size_t used_ = 0;
  unsigned count_ = 0;
};

}  // namespace tas::fs
