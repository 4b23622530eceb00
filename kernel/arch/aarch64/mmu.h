#pragma once
#include <cstdint>

#include "boot/memory_map.h"

namespace arch::aarch64 {
constexpr uint64_t kUartPhys = 0x09000000;
// Builds and switches to the kernel's final page tables.
void mmu_init(const boot::MemoryMap& memory);
}  // namespace arch::aarch64
