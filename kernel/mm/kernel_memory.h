// The kernel's memory, set up once at boot by mm::init: the frame allocator
// over all usable RAM, and the kernel page table (the boot tables, adopted)
// through which heaps and stacks are mapped.
#pragma once
#include <cstddef>

#include "arch/arch.h"
#include "arch/pte_format.h"
#include "boot/memory_map.h"
#include "mm/frame_allocator.h"
#include "mm/page_table.h"

namespace mm {

using PageTable = PageTableOf<arch::PteFormat>;

// Takes the usable RAM of `memory` (minus the first MiB and the allocator's
// own metadata, which it marks reserved in the map).
void init(boot::MemoryMap& memory);

PageTable& kernel_page_table();

// A new, empty page table whose tables come from the frame allocator (tests).
Result<PageTable> new_page_table(uint16_t asid);
// A user address space's page table (sharing the kernel half where the CPU
// has one root for both).
Result<PageTable> new_user_page_table(uint16_t asid);

// Page-table frames allocated (and not yet freed) for all page tables.
size_t page_table_frames();

// One frame, filled with zeros (for pages handed to user code). Inline: the
// demand-zero fault path runs through it.
inline Result<FrameRun> allocate_zeroed_frame() {
  TRY(frame, allocate_frames(0));
  arch::zero_page(reinterpret_cast<void*>(arch::phys_to_virt(frame.phys())));
  return frame;
}

}  // namespace mm
