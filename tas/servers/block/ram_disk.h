// The RAM disk: the disk image built into the kernel (boot image "disk",
// an ext2 file system with /bin and /etc) in memory. The kernel copies the
// image into a memory object (BOOT_IMAGE_COPY) once; the handle lasts
// across block-server restarts (lasting.h), so nothing written is lost by
// one, and each generation maps it anew. Gone at power-off, as RAM is.
#pragma once
#include "runtime/holdings.h"
#include "runtime/lasting.h"
#include "servers/block/block_device.h"

namespace tas::block {

class RamDisk final : public BlockDevice {
 public:
  // Maps the image's memory (made the first time) into the TAS; the
  // mapping goes into `holdings`.
  static Result<RamDisk*> open(rebound_handle devices, Lasting& lasting, Holdings& holdings);

  uint64_t sectors() const override { return size_ / kSectorSize; }
  Result<void> read(uint64_t first, void* data, size_t count) override;
  Result<void> write(uint64_t first, const void* data, size_t count) override;
  Result<void> flush() override { return {}; }
  const char* kind() const override { return "RAM disk"; }

 private:
  RamDisk(uint8_t* base, uint64_t size) : base_(base), size_(size) {}
  uint8_t* const base_;
  const uint64_t size_;
};

}  // namespace tas::block
