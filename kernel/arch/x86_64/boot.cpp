// x86_64 boot, in C++: console and log first, then this CPU's set-up (GDT,
// IDT, SYSCALL: the code every CPU runs, cpu_start.cpp), the memory map from
// the multiboot info, the CPUs from ACPI, the final page tables, then
// kernel_main.
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_start.h"
#include "arch/x86_64/io_apic.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/traps.h"
#include "boot/acpi.h"
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

// The ACPI tables are read through that early direct map too: it covers the
// BIOS areas where the RSDP lies (the final direct map has RAM ranges only,
// not 0xe0000-0xeffff) and wherever BIOS firmware puts the tables. A table
// above 4 GiB is unreadable (the parser says so).
bool read_early_phys(void*, uint64_t phys, void* out, size_t length) {
  constexpr uint64_t kEarlyDirectMapEnd = uint64_t{4} << 30;
  if (phys >= kEarlyDirectMapEnd || length > kEarlyDirectMapEnd - phys) return false;
  __builtin_memcpy(out, early_phys_to_pointer(phys), length);
  return true;
}

// This CPU's local APIC id: the x2APIC id where CPUID has leaf 0xb, which
// is also what an x2APIC MADT entry holds; else the 8-bit xAPIC id.
uint32_t boot_apic_id() {
  using arch::x86_64::cpuid;
  if (cpuid(0).eax >= 0xb && cpuid(0xb).ebx != 0) return cpuid(0xb).edx;
  return cpuid(1).ebx >> 24;
}

// The CPUs in the ACPI MADT. Without a usable list, or without this CPU in
// it, the kernel knows only the CPU it runs on.
void find_cpus(boot::CpuList& cpus) {
  const uint32_t self = boot_apic_id();
  const boot::PhysReader memory{read_early_phys, nullptr};
  uint64_t rsdp = 0;
  boot::AcpiError error;
  if (!boot::acpi_find_rsdp(memory, rsdp, error) ||
      !boot::acpi_find_cpus(memory, rsdp, cpus, error))
    KLOG_WARN("cpus: none from ACPI (%s): the boot CPU only", boot::to_string(error));
  else if (cpus.index_of(self) < 0)
    KLOG_WARN("cpus: the boot CPU (APIC id %u) is not in the ACPI MADT: the boot CPU only", self);
  else {
    cpus.boot = static_cast<size_t>(cpus.index_of(self));
    return;
  }
  cpus = boot::CpuList::boot_cpu_only(self);
}

// The I/O APICs and ISA routing in the ACPI MADT, for the I/O APIC driver
// (device interrupt lines). Without them the kernel runs without device lines.
void find_interrupt_routing() {
  const boot::PhysReader memory{read_early_phys, nullptr};
  uint64_t rsdp = 0;
  boot::InterruptRouting routing;
  boot::AcpiError error;
  if (boot::acpi_find_rsdp(memory, rsdp, error) &&
      boot::acpi_find_interrupt_routing(memory, rsdp, routing, error)) {
    arch::x86_64::io_apic::set_routing(routing);
    return;
  }
  KLOG_WARN("interrupts: no I/O APIC from ACPI (%s): no device lines", boot::to_string(error));
}

}  // namespace

extern "C" [[noreturn]] void arch_boot(uint32_t magic, uint32_t info_phys) {
  using namespace arch::x86_64;
  core::run_global_constructors();
  core::init_boot_cpu();
  const bool tsc_calibrated = platform_init();
  klog::set_sink({arch::console_write, arch::monotonic_ns});
  idt_init();             // the IDT all CPUs share
  arch::init_this_cpu();  // GDT and TSS, IDT, SYSCALL, SMEP/SMAP, paging features
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
  reserve_start_page(info.memory);  // where other CPUs will start (cpu_start.cpp)
  // Before the early direct map (through which the loader's copy is read) goes.
  info.set_cmdline(loader_cmdline, ~size_t{0});
  find_cpus(info.cpus);
  find_interrupt_routing();

  mmu_init(info.memory);
  kernel_main(info);
}
