#pragma once
#include <cstdint>

#include "boot/memory_map.h"

namespace arch::x86_64 {
// Builds and switches to the kernel's final page tables.
void mmu_init(const boot::MemoryMap& memory);
}  // namespace arch::x86_64
