// What the architecture's boot code hands to the portable kernel.
#pragma once
#include <cstddef>
#include <cstdint>

#include "boot/cpu_list.h"
#include "boot/memory_map.h"

namespace boot {

struct BootInfo {
  MemoryMap memory;          // RAM and reserved ranges, kernel image marked
  const char* cmdline = "";  // kernel command line (QEMU -append)
  uint64_t kernel_phys_start = 0;
  uint64_t kernel_phys_end = 0;
  // The machine's CPUs from the firmware; at least the boot CPU.
  CpuList cpus;

  // Copies the loader's command line (at most `length` bytes, truncated to
  // fit) into the kernel: the loader's memory is about to become free RAM.
  void set_cmdline(const char* text, size_t length) {
    size_t n = 0;
    for (; n < length && n < sizeof cmdline_storage - 1 && text[n] != '\0'; ++n)
      cmdline_storage[n] = text[n];
    cmdline_storage[n] = '\0';
    cmdline = cmdline_storage;
  }

 private:
  char cmdline_storage[256] = {};
};

}  // namespace boot

// The portable kernel's entry point, called once by the boot CPU with the MMU
// on, traps installed and the console working.
[[noreturn]] void kernel_main(boot::BootInfo& info);

namespace boot {
// The CPU list kernel_main was given (for code that starts CPUs, and tests).
const CpuList& boot_cpus();
// Its memory map (RAM and everything the firmware reserved): what the
// kernel never gives out as device registers.
const MemoryMap& boot_memory_map();
}  // namespace boot
