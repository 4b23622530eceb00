// Zeroed 4 KiB pages for the kernel's own page tables at boot, from a static
// pool, until the frame allocator exists (issue: Memory). Panics when empty:
// it is sized for the boot mappings.
#pragma once
#include <cstdint>

namespace mm {
uint64_t* boot_table_page();
// True if `phys` is one of the pool's pages.
bool boot_table_pool_contains(uint64_t phys);
}  // namespace mm
