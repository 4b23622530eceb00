// aarch64 boot, in C++: console and log first, then the memory map and the
// CPUs from the device tree, the final page tables and the trap vectors, then
// kernel_main.
#include "arch/aarch64/cpu_start.h"
#include "arch/aarch64/device_tree.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"
#include "boot/boot_info.h"
#include "boot/fdt.h"
#include "boot/fdt_cpus.h"
#include "core/cpu_local.h"
#include "lib/log.h"
#include "recovery/panic.h"

extern "C" char __kernel_start[], __kernel_end[], exception_vectors[], overflow_stack_top[];

namespace arch::aarch64 {
DeviceTree g_device_tree;
}  // namespace arch::aarch64

namespace {

constexpr size_t kMaxDtbSize = 2 << 20;

boot::BootInfo g_boot_info;

// The CPUs in the device tree. Without a usable list, or without this CPU
// in it, the kernel knows only the CPU it runs on.
void find_cpus(const void* dtb, boot::CpuList& cpus) {
  constexpr uint64_t kMpidrAffinity = 0xff00ffffff;  // Aff3 (39:32), Aff2.Aff1.Aff0
  const uint64_t self = READ_SYSREG(mpidr_el1) & kMpidrAffinity;
  boot::FdtError error;
  if (!boot::fdt_find_cpus(dtb, kMaxDtbSize, cpus, error))
    KLOG_WARN("cpus: none in the device tree (%s): the boot CPU only", boot::to_string(error));
  else if (cpus.index_of(self) < 0)
    KLOG_WARN(
        "cpus: the boot CPU (MPIDR affinity %#lx) is not among the device tree's CPUs: "
        "the boot CPU only",
        static_cast<unsigned long>(self));
  else {
    cpus.boot = static_cast<size_t>(cpus.index_of(self));
    return;
  }
  cpus = boot::CpuList::boot_cpu_only(self);
}

}  // namespace

extern "C" [[noreturn]] void arch_boot(uint64_t dtb_phys) {
  using namespace arch::aarch64;
  core::run_global_constructors();
  core::init_boot_cpu();
  core::this_cpu().overflow_stack_top = reinterpret_cast<uintptr_t>(overflow_stack_top);
  klog::set_sink({arch::console_write, arch::monotonic_ns});
  WRITE_SYSREG(vbar_el1, reinterpret_cast<uint64_t>(exception_vectors));
  isb();

  boot::BootInfo& info = g_boot_info;
  info.kernel_phys_start = virt_to_phys(reinterpret_cast<uintptr_t>(__kernel_start));
  info.kernel_phys_end = virt_to_phys(reinterpret_cast<uintptr_t>(__kernel_end));
  const void* dtb = reinterpret_cast<void*>(phys_to_virt(dtb_phys));
  boot::FdtInfo fdt;
  boot::FdtError error;
  if (!boot::fdt_parse(dtb, kMaxDtbSize, info.memory, fdt, error))
    recovery::panic("device tree at %p: %s", reinterpret_cast<void*>(dtb_phys),
                    boot::to_string(error));
  info.memory.carve(dtb_phys, boot::fdt_size(dtb), boot::RegionKind::reserved);
  g_device_tree = {dtb, boot::fdt_size(dtb)};
  info.memory.carve(info.kernel_phys_start, info.kernel_phys_end - info.kernel_phys_start,
                    boot::RegionKind::kernel);
  if (fdt.bootargs != nullptr) info.set_cmdline(fdt.bootargs, fdt.bootargs_length);
  find_cpus(dtb, info.cpus);
  psci_init(info.cpus);

  mmu_init(info.memory);
  kernel_main(info);
}
