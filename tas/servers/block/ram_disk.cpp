#include "servers/block/ram_disk.h"

#include "lib/align.h"
#include "runtime/sys.h"

namespace tas::block {

Result<RamDisk*> RamDisk::open(rebound_handle devices, Lasting& lasting, Holdings& holdings) {
  static constexpr char kImage[] = "disk";
  TRY(memory, lasting.get(0, [&]() -> Result<Lasting::Kept> {
    const rb_result r = RB_SYS3(REBOUND_SYS_BOOT_IMAGE_COPY, devices, kImage, sizeof kImage - 1);
    if (r.error != 0) return fail(static_cast<Error>(r.error));
    return Lasting::Kept{static_cast<rebound_handle>(r.value), r.value2};
  }));
  if (memory.value < kSectorSize) return fail(Error::bad_image);
  const uint64_t mapped = lib::align_up<uint64_t>(memory.value, 4096);
  TRY(address, value(RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, memory.handle, 0, 0, mapped,
                             REBOUND_VM_READ | REBOUND_VM_WRITE, 0)));
  if (auto kept = holdings.keep_mapping(address, mapped); !kept) {
    RB_SYS3(REBOUND_SYS_VM_UNMAP, address, mapped, 0);
    return fail(kept.error());
  }
  return new RamDisk(reinterpret_cast<uint8_t*>(address), memory.value / kSectorSize * kSectorSize);
}

Result<void> RamDisk::read(uint64_t first, void* data, size_t count) {
  __builtin_memcpy(data, base_ + first * kSectorSize, count * kSectorSize);
  return {};
}

Result<void> RamDisk::write(uint64_t first, const void* data, size_t count) {
  __builtin_memcpy(base_ + first * kSectorSize, data, count * kSectorSize);
  return {};
}

}  // namespace tas::block
