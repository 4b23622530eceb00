// What a file system reads and writes: a device of fixed-size blocks (a
// virtio-blk disk, a RAM disk, an image file in the host tests). Block
// numbers and sizes are the device's own; a file system with larger blocks
// reads several device blocks at once. A failed transfer is an error
// (usually io_error), never a fault.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "lib/result.h"

namespace tas::fs {

class BlockDevice {
 public:
  virtual ~BlockDevice() = default;

  // Bytes per device block: a power of two, at least 512.
  virtual uint32_t block_size() const = 0;
  // How many blocks the device has.
  virtual uint64_t block_count() const = 0;

  // Reads blocks [first, first + out.size() / block_size()) into `out`,
  // whose size is a multiple of block_size().
  virtual Result<void> read_blocks(uint64_t first, std::span<uint8_t> out) = 0;
  // Writes `data` (a multiple of block_size()) to blocks from `first` on.
  virtual Result<void> write_blocks(uint64_t first, std::span<const uint8_t> data) = 0;
  // Returns once every write before it is on stable storage.
  virtual Result<void> flush() = 0;
};

}  // namespace tas::fs
