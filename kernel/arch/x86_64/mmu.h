#pragma once
#include <cstdint>

#include "boot/memory_map.h"

namespace arch::x86_64 {
// Builds and switches to the kernel's final page tables.
void mmu_init(const boot::MemoryMap& memory);
// This CPU's paging features the kernel's tables rely on: EFER.NXE, CR0.WP,
// CR4.PGE (mmu_init runs it for the boot CPU).
void mmu_init_this_cpu();
}  // namespace arch::x86_64
