// What the architecture's boot code hands to the portable kernel.
#pragma once
#include <cstdint>

#include "boot/memory_map.h"

namespace boot {

struct BootInfo {
  MemoryMap memory;           // RAM and reserved ranges, kernel image marked
  const char* cmdline = "";   // kernel command line (QEMU -append)
  uint64_t kernel_phys_start = 0;
  uint64_t kernel_phys_end = 0;
};

}  // namespace boot

// The portable kernel's entry point, called once by the boot CPU with the MMU
// on, traps installed and the console working.
[[noreturn]] void kernel_main(boot::BootInfo& info);
