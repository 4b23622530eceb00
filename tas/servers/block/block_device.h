// A disk as the block server drives it: a number of 512-byte sectors, read
// and written in runs of whole sectors. Implementations: the RAM disk
// (ram_disk.h) and, later, virtio-blk.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"

namespace tas::block {

constexpr size_t kSectorSize = 512;

class BlockDevice {
 public:
  virtual uint64_t sectors() const = 0;
  // `count` sectors from `first` into / out of `data`; the caller has
  // checked the range (BlockServer does).
  virtual Result<void> read(uint64_t first, void* data, size_t count) = 0;
  virtual Result<void> write(uint64_t first, const void* data, size_t count) = 0;
  // Everything written so far is on the medium.
  virtual Result<void> flush() = 0;
  virtual const char* kind() const = 0;

 protected:
  ~BlockDevice() = default;  // lives on its server's heap, dropped with it
};

}  // namespace tas::block
