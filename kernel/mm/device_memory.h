// Mapping device registers into the kernel: uncached, never executable, in
// the devices region of the dynamic area. Mappings are permanent (drivers
// live as long as the kernel).
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "mm/frame_allocator.h"

namespace mm {

// Maps the physical range [phys, phys+size) (rounded out to pages) and returns
// the kernel address of `phys`. Error::no_memory when the region is full,
// Error::limit_reached when is_kernel_device could not know of it.
Result<uintptr_t> map_device(PhysAddr phys, size_t size);

// Whether [phys, phys+size) overlaps registers mapped with map_device (the
// kernel's interrupt controllers): never a user driver's.
bool is_kernel_device(PhysAddr phys, size_t size);

}  // namespace mm
