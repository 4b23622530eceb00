// Starting secondary CPUs on x86_64 (cpu_start.cpp, ap_trampoline.S): the
// start block the boot CPU fills in and the started CPU's 64-bit code takes,
// shared by C++ and assembly.
#pragma once

// Offsets in x86_64_ap_start_block (static_asserts in cpu_start.cpp).
#define AP_START_CR3 0
#define AP_START_STACK 8
#define AP_START_ENTRY 16
#define AP_START_ARG 24
#define AP_START_STATE 32
// AP_START_STATE: 0 while free; (1 << POSTED_BIT) | APIC id once posted for
// that CPU; 1 << TAKEN_BIT while that CPU reads the block, then 0 again.
#define AP_START_POSTED_BIT 32
#define AP_START_TAKEN_BIT 33

#ifndef __ASSEMBLER__
#include <cstdint>

#include "boot/memory_map.h"

namespace arch::x86_64 {

// At boot, before mm::init: picks the page secondary CPUs start in (a STARTUP
// IPI names a page below 1 MiB) from the usable RAM below 640 KiB, and marks
// it reserved in `memory` so that nothing else ever uses it. Without one,
// arch::start_cpu returns Error::not_supported.
void reserve_start_page(boot::MemoryMap& memory);
// The page's physical address, 0 if there is none.
uint64_t start_page();

}  // namespace arch::x86_64
#endif
