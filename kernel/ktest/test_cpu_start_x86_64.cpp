// x86_64 secondary CPU start (arch/x86_64/cpu_start.cpp, ap_trampoline.S):
// INIT and STARTUP IPIs start a CPU of the ACPI list on its own stack, with
// the kernel's page tables, its own GDT and TSS once it ran
// arch::init_this_cpu, the shared IDT (a fault on it is caught like on the
// boot CPU), and the boot CPU's control registers; ids that name no CPU, the
// running CPU or one already started are refused without a hang.
//
// The started CPU then spins for good with interrupts masked, serving TLB
// shootdowns (its local APIC counts as set up from then on, so kernel
// mappings changed later are shot down on it too), and keeps its stack and
// CPU-local block (index 1 of the per-CPU tables). On a machine with one CPU
// the start case passes without starting anything; tests/system runs it
// with -smp 2 and the kernel option cpus=1 (the kernel leaves the other CPU
// off). When the kernel started the CPUs at boot (core/smp.h), the case
// checks only that a running CPU is not started again.
#if defined(__x86_64__)
#include <atomic>
#include <optional>

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/local_apic.h"
#include "boot/boot_info.h"
#include "core/cpu_local.h"
#include "core/smp.h"
#include "ktest/ktest.h"
#include "lib/log.h"
#include "mm/kernel_stack.h"
#include "recovery/catch_unwind.h"

namespace {

using namespace arch::x86_64;

struct [[gnu::packed]] DescriptorPointer {
  uint16_t limit;
  uint64_t base;
};

DescriptorPointer read_gdtr() {
  DescriptorPointer p;
  asm volatile("sgdt %0" : "=m"(p));
  return p;
}

uint16_t read_tr() {
  uint16_t tr;
  asm volatile("str %0" : "=r"(tr));
  return tr;
}

// The base of the TSS that the task register selects in the loaded GDT.
uint64_t loaded_tss_base() {
  const auto* gdt = reinterpret_cast<const uint64_t*>(read_gdtr().base);
  const unsigned index = read_tr() >> 3;
  const uint64_t low = gdt[index], high = gdt[index + 1];
  return ((low >> 16) & 0xffffff) | ((low >> 56) & 0xff) << 24 | (high & 0xffffffff) << 32;
}

uint64_t read_cr3() {
  uint64_t v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}

// The running CPU's APIC id, found as the ACPI MADT lists it (boot.cpp).
uint32_t cpuid_apic_id() {
  if (cpuid(0).eax >= 0xb && cpuid(0xb).ebx != 0) return cpuid(0xb).edx;
  return cpuid(1).ebx >> 24;
}

// What the started CPU saw, written by it, read once `done` is set.
struct Report {
  uint64_t entry_rsp = 0;
  unsigned cpu_id = 0;
  uint32_t apic_id = 0;
  uint64_t gdt_base = 0, tss_base = 0, idt_base = 0;
  uint16_t tr = 0;
  uint64_t cr0 = 0, cr3 = 0, cr4 = 0, efer = 0;
  bool interrupts_masked = false;
  bool fault_caught = false;
  std::atomic<bool> done{false};
};

DescriptorPointer read_idtr() {
  DescriptorPointer p;
  asm volatile("sidt %0" : "=m"(p));
  return p;
}

// CPU 1's CPU-local block, recovery state and stack: it keeps them while it
// halts, to the end of the run.
core::CpuLocal g_cpu1;
recovery::RecoveryState g_cpu1_recovery;
std::optional<mm::KernelStack> g_cpu1_stack;
Report g_report;

// What the portable SMP code's entry will do first, then a look around.
[[noreturn]] void cpu1_entry(void* arg) {
  auto& report = *static_cast<Report*>(arg);
  asm volatile("mov %%rsp, %0" : "=r"(report.entry_rsp));
  arch::set_cpu_local(&g_cpu1);
  arch::init_this_cpu();
  arch::interrupts_init_this_cpu();
  report.cpu_id = core::this_cpu().id;
  report.apic_id = cpuid_apic_id();
  report.gdt_base = read_gdtr().base;
  report.tss_base = loaded_tss_base();
  report.idt_base = read_idtr().base;
  report.tr = read_tr();
  report.cr0 = read_cr0();
  report.cr3 = read_cr3();
  report.cr4 = read_cr4();
  report.efer = rdmsr(kMsrEfer);
  report.interrupts_masked = !arch::interrupts_enabled();
  // A kernel fault on this CPU becomes an exception, as on the boot CPU:
  // its IDT, GS base and recovery state work.
  auto r = recovery::catch_unwind([] {
    volatile int* p = nullptr;
    asm volatile("" : "+r"(p));
    return *p;
  });
  report.fault_caught = !r.has_value() && r.error().kind == recovery::FaultKind::page_fault;
  report.done.store(true, std::memory_order_release);
  for (;;) arch::serve_tlb_shootdown();
}

bool wait_for(const std::atomic<bool>& flag, uint64_t ns) {
  const uint64_t start = arch::monotonic_ns();
  while (!flag.load(std::memory_order_acquire)) {
    if (arch::monotonic_ns() - start >= ns) return false;
    asm volatile("pause");
  }
  return true;
}

// An APIC id no CPU of a QEMU machine has (ids go up from 0); 0xfe is the
// largest an xAPIC can address.
constexpr uint64_t kAbsentApicId = 0xfe;

void ignore(void*) {}

}  // namespace

KTEST(start_cpu_refuses_this_cpu_and_ids_it_cannot_address) {
  // The running CPU: an INIT would reset it.
  auto self = arch::start_cpu(cpuid_apic_id(), 0, ignore, nullptr);
  KEXPECT(!self.has_value() && self.error() == Error::already_exists);
  // Broadcast ids (they would reset every CPU) and ids beyond 32 bits.
  for (uint64_t id : {uint64_t{0xffffffff}, uint64_t{1} << 32, ~uint64_t{0}}) {
    auto r = arch::start_cpu(id, 0, ignore, nullptr);
    KEXPECT(!r.has_value() && r.error() == Error::not_found);
  }
  if (!lapic::x2apic()) {
    auto r = arch::start_cpu(0xff, 0, ignore, nullptr);
    KEXPECT(!r.has_value() && r.error() == Error::not_found);
  }
}

KTEST(start_cpu_starts_a_second_cpu_on_its_own_gdt_and_tss) {
  const boot::CpuList& cpus = boot::boot_cpus();
  const uint32_t self = cpuid_apic_id();
  long other = -1;
  for (size_t i = 0; i < cpus.count && other < 0; ++i)
    if (cpus.entries[i].hardware_id != self) other = static_cast<long>(i);
  if (other < 0) {
    klog::print("    one CPU: nothing to start\n");
    return;
  }
  const uint64_t apic_id = cpus.entries[other].hardware_id;
  KEXPECT_EQ(cpus.entries[other].start, boot::CpuStartMethod::init_sipi);
  if (core::cpus_online() >= 2) {
    klog::print("    the kernel started the other CPUs at boot: no second start\n");
    auto again = arch::start_cpu(apic_id, 0x1000, ignore, nullptr);
    KEXPECT(!again.has_value() && again.error() == Error::already_exists);
    return;
  }

  auto stack = mm::KernelStack::create();
  KEXPECT(stack.has_value());
  if (!stack) return;
  g_cpu1_stack = std::move(*stack);
  g_cpu1.self = &g_cpu1;
  g_cpu1.id = 1;
  g_cpu1.recovery = &g_cpu1_recovery;

  // An id no CPU answers to: refused after the wait, and the start block is
  // free again for the next start (below).
  if (cpus.index_of(kAbsentApicId) < 0) {
    const uint64_t start = arch::monotonic_ns();
    auto absent = arch::start_cpu(kAbsentApicId, g_cpu1_stack->top(), cpu1_entry, &g_report);
    KEXPECT(!absent.has_value() && absent.error() == Error::not_found);
    KEXPECT(!g_report.done.load());
    KLOG_DEBUG("start_cpu(0x%lx) gave up after %lu us", static_cast<unsigned long>(kAbsentApicId),
               static_cast<unsigned long>((arch::monotonic_ns() - start) / 1000));
  }

  auto started = arch::start_cpu(apic_id, g_cpu1_stack->top(), cpu1_entry, &g_report);
  KEXPECT(started.has_value());
  if (!started) return;
  KEXPECT(wait_for(g_report.done, 1'000'000'000));
  if (!g_report.done.load(std::memory_order_acquire)) return;

  KEXPECT_EQ(g_report.cpu_id, 1u);
  KEXPECT_EQ(g_report.apic_id, apic_id);
  KEXPECT(g_report.entry_rsp >= g_cpu1_stack->base() &&  // entry runs on its stack
          g_report.entry_rsp < g_cpu1_stack->top());
  KEXPECT(g_report.interrupts_masked);
  KEXPECT(g_report.fault_caught);
  // Its own GDT and TSS, the same selector; the shared IDT.
  KEXPECT(g_report.gdt_base != read_gdtr().base);
  KEXPECT(g_report.tss_base != loaded_tss_base());
  KEXPECT_EQ(g_report.tr, read_tr());
  KEXPECT_EQ(g_report.idt_base, read_idtr().base);
  // The kernel's page tables and the boot CPU's control registers (PG WP NE
  // EM TS PE; PAE PGE SMEP SMAP; LME LMA NXE SCE).
  KEXPECT_EQ(g_report.cr3, arch::kernel_table_root());
  KEXPECT_EQ(g_report.cr0, read_cr0());
  KEXPECT_EQ(g_report.cr4, read_cr4());
  KEXPECT_EQ(g_report.efer, rdmsr(kMsrEfer));

  // It is running: a second start is refused, not an INIT that resets it.
  auto again = arch::start_cpu(apic_id, g_cpu1_stack->top(), cpu1_entry, &g_report);
  KEXPECT(!again.has_value() && again.error() == Error::already_exists);
}
#endif
