// x86_64 boot, in C++: console and log first, then the GDT and the IDT, the
// memory map from the multiboot info, the final page tables, then kernel_main.
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/user_entry.h"
#include "boot/boot_info.h"
#include "boot/multiboot.h"
#include "core/cpu_local.h"
#include "lib/log.h"
#include "recovery/panic.h"

extern "C" char __kernel_start[], __kernel_end[];

namespace {

boot::BootInfo g_boot_info;

// Until mmu_init, the direct map covers the first 4 GiB (boot.S): all that
// the 32-bit pointers of the multiboot info can reach.
const void* early_phys_to_pointer(uint64_t phys) {
  return reinterpret_cast<const void*>(arch::x86_64::phys_to_virt(phys));
}

}  // namespace

extern "C" [[noreturn]] void arch_boot(uint32_t magic, uint32_t info_phys) {
  using namespace arch::x86_64;
  core::run_global_constructors();
  core::init_boot_cpu();
  const bool tsc_calibrated = platform_init();
  klog::set_sink({arch::console_write, arch::monotonic_ns});
  gdt_init();
  idt_init();
  user_mode_init();
  if (!tsc_calibrated) KLOG_WARN("x86_64: TSC calibration against the PIT failed: assuming 1 GHz");

  boot::BootInfo& info = g_boot_info;
  info.kernel_phys_start = virt_to_phys(reinterpret_cast<uintptr_t>(__kernel_start));
  info.kernel_phys_end = virt_to_phys(reinterpret_cast<uintptr_t>(__kernel_end));
  const auto* multiboot = static_cast<const boot::MultibootInfo*>(early_phys_to_pointer(info_phys));
  const char* loader_cmdline = "";
  boot::MultibootError error;
  if (!boot::multiboot_parse(magic, *multiboot, early_phys_to_pointer, info.memory, loader_cmdline,
                             error))
    recovery::panic("multiboot info at %#x (magic %#x): %s", info_phys, magic,
                    boot::to_string(error));
  info.memory.carve(info.kernel_phys_start, info.kernel_phys_end - info.kernel_phys_start,
                    boot::RegionKind::kernel);
  // Before the early direct map (through which the loader's copy is read) goes.
  info.set_cmdline(loader_cmdline, ~size_t{0});

  mmu_init(info.memory);
  kernel_main(info);
}
