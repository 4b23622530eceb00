// A block device over memory the caller owns (a RAM disk, or an image file
// loaded by a host test). Transfers outside the memory fail with
// out_of_range; flush has nothing to do.
#pragma once
#include <cstring>

#include "servers/fs/block_device.h"

namespace tas::fs {

class RamDisk : public BlockDevice {
 public:
  // `memory`'s size is a multiple of `block_size` (a power of two >= 512).
  RamDisk(std::span<uint8_t> memory, uint32_t block_size = 512)
      : memory_(memory), block_size_(block_size) {}

  uint32_t block_size() const override { return block_size_; }
  uint64_t block_count() const override { return memory_.size() / block_size_; }

  Result<void> read_blocks(uint64_t first, std::span<uint8_t> out) override {
    TRY(offset, check(first, out.size()));
    std::memcpy(out.data(), memory_.data() + offset, out.size());
    return {};
  }
  Result<void> write_blocks(uint64_t first, std::span<const uint8_t> data) override {
    TRY(offset, check(first, data.size()));
    std::memcpy(memory_.data() + offset, data.data(), data.size());
    return {};
  }
  Result<void> flush() override { return {}; }

 private:
  // The byte offset of a transfer of `bytes` from block `first`, if it fits.
  Result<size_t> check(uint64_t first, size_t bytes) const {
    if (bytes % block_size_ != 0) return fail(Error::invalid_argument);
    const uint64_t count = bytes / block_size_;
    if (first > block_count() || count > block_count() - first) return fail(Error::out_of_range);
    return static_cast<size_t>(first * block_size_);
  }

  std::span<uint8_t> memory_;
  uint32_t block_size_;
};

}  // namespace tas::fs
