#include "drivers/dma_memory.h"

#include "runtime/sys.h"

namespace tas {

Result<DmaMemory> map_dma_memory(rebound_handle devices, Lasting& lasting, unsigned key,
                                 size_t size, Holdings& holdings) {
  TRY(kept, lasting.get(key, [&]() -> Result<Lasting::Kept> {
    const rb_result r = RB_SYS2(REBOUND_SYS_DMA_MEMORY_CREATE, devices, size);
    if (r.error != 0) return fail(static_cast<Error>(r.error));
    return Lasting::Kept{static_cast<rebound_handle>(r.value), r.value2};
  }));
  TRY(address, value(RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, kept.handle, 0, 0, size,
                             REBOUND_VM_READ | REBOUND_VM_WRITE, 0)));
  if (auto held = holdings.keep_mapping(address, size); !held) {
    RB_SYS3(REBOUND_SYS_VM_UNMAP, address, size, 0);
    return fail(held.error());
  }
  return DmaMemory{reinterpret_cast<uint8_t*>(address), kept.value, size};
}

}  // namespace tas
