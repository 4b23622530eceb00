// DMA memory for a driver: contiguous frames a device reaches by physical
// address (DMA_MEMORY_CREATE, docs/syscalls.md "Devices"). Kept across the
// server's restarts (lasting.h), so that frames a device may still be
// writing -- a request in flight when its server generation went -- never
// go back to the kernel: the next generation resets the device before it
// uses the memory again. Each generation maps it anew (its holdings unmap
// it).
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"
#include "runtime/holdings.h"
#include "runtime/lasting.h"

namespace tas {

struct DmaMemory {
  uint8_t* memory;  // where the TAS sees it
  uint64_t phys;    // where the device does
  size_t size;
};

// The DMA memory kept under `key` of `lasting` (`size` bytes, a power of
// two up to 4 MiB; made the first time), mapped read-write; the mapping
// goes into `holdings`.
Result<DmaMemory> map_dma_memory(rebound_handle devices, Lasting& lasting, unsigned key,
                                 size_t size, Holdings& holdings);

}  // namespace tas
