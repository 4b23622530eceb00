// The small interface between portable kernel code and the CPU. Everything
// behind it lives in kernel/arch/<arch>/.
#pragma once
#include <cstdint>

#include "lib/result.h"

namespace arch {

// QEMU exit statuses the kernel uses (tests read them).
constexpr int kExitOk = 0;
constexpr int kExitTestsFailed = 1;
constexpr int kExitPanic = 3;

extern const char* const kName;  // "aarch64", "x86_64"

// The kernel console (serial port), for the kernel log only.
void console_write(const char* text, unsigned long length);

// Monotonic time since boot, and the raw counter behind it (guest
// instructions under -icount shift=0: what benchmarks report).
uint64_t monotonic_ns();
uint64_t cycle_counter();

// Stops the machine; under QEMU, exits with `status`.
[[noreturn]] void shutdown(int status);

// Waits for the next interrupt and takes it (the idle loop). Called with
// interrupts masked, it enables them for the wait only and atomically (no
// interrupt can slip in between the enable and the wait), and returns with
// them masked again.
void wait_for_interrupt();

}  // namespace arch

// Calls fn(arg) with the stack pointer at `top` (16-byte aligned: a kernel
// stack's top) and returns on the caller's stack when fn returns. The switch
// frame's CFI leads back to the caller's stack, so backtraces and exceptions
// cross it as if fn had been called directly (arch/<arch>/run_on_stack.S).
extern "C" void arch_run_on_stack(void (*fn)(void*), void* arg, uintptr_t top);

namespace arch {
inline void run_on_stack(void (*fn)(void*), void* arg, uintptr_t top) {
  arch_run_on_stack(fn, arg, top);
}
}  // namespace arch

namespace arch {
// The CPU-local block of the running CPU (TPIDR_EL1 on aarch64, GS base on
// x86_64: kernel-only registers).
void set_cpu_local(void* block);
void* cpu_local();
}  // namespace arch

namespace arch {
// The user thread-pointer register (TPIDR_EL0, FS base): user state that the
// kernel saves and restores but never uses for itself.
uint64_t user_tls();
void set_user_tls(uint64_t value);
}  // namespace arch

namespace arch {
// Memory management: the direct map of all RAM, the kernel's page-table root,
// and TLB maintenance on this CPU after a live entry changed (asid 0: a
// global kernel mapping).
uintptr_t phys_to_virt(uint64_t phys);
uint64_t virt_to_phys(uintptr_t kernel_virt);  // an image or direct-map address
uint64_t kernel_table_root();
void tlb_invalidate(uintptr_t va, uint16_t asid);
// Makes new page-table entries visible to this CPU's table walker.
void page_table_sync();
// Zeroes the 4 KiB page at kernel address `page` (4 KiB-aligned) with the
// widest stores the kernel may use (aarch64: DC ZVA when DCZID_EL0 allows
// it; x86_64: rep stosq).
void zero_page(void* page);
}  // namespace arch

namespace arch {
// Interrupts. Kernel code runs with them masked (a big-kernel-lock design);
// they are taken in user mode and in the idle loop (wait_for_interrupt).
// Every interrupt is a kernel entry: the arch handler saves the interrupted
// context in a frame on the current kernel stack, raises this CPU's
// interrupt_depth, and runs the portable handler inside catch_unwind
// (core/interrupt_entry.h). Handlers run with interrupts masked: they never
// nest.

// CPUs the kernel supports: per-CPU tables are sized by it.
constexpr unsigned kMaxCpus = 8;

// Sets up the interrupt controller (once, on the boot CPU, after mm::init:
// it maps device registers) and the boot CPU's own part of it. Everything
// stays masked: the timer is stopped and this CPU's interrupts disabled.
// Halts with a clear message if the machine has no controller it knows.
void interrupts_init();
// The same for a secondary CPU, run by that CPU after interrupts_init.
void interrupts_init_this_cpu();

// A periodic tick on this CPU every period_ns; each tick calls
// core::timer_interrupt(). Starting a running timer changes its period.
// Ticks missed while the CPU could not take them are dropped, not made up,
// and so is a tick that fires while the previous tick's handler overruns
// the period: a slow handler cannot starve the interrupted code.
// Error::out_of_range outside [kMinTimerPeriodNs, kMaxTimerPeriodNs] (and
// when the timer cannot count that long), Error::not_supported before this
// CPU's interrupts are set up; the timer is then left as it was.
constexpr uint64_t kMinTimerPeriodNs = 100'000;         // 10 kHz
constexpr uint64_t kMaxTimerPeriodNs = 10'000'000'000;  // 0.1 Hz
Result<void> timer_start(uint64_t period_ns);
// Stops this CPU's tick (nothing happens if it is not running).
void timer_stop();
// This CPU's tick period, 0 while the timer is stopped.
uint64_t timer_period_ns();

void interrupts_enable();
void interrupts_disable();
bool interrupts_enabled();

// Inter-processor interrupts, each with its own reserved vector (x86_64) or
// SGI (aarch64).
enum class Ipi : uint8_t {
  reschedule,     // a thread became ready on the target CPU
  tlb_shootdown,  // the target must flush TLB entries another CPU changed
};
// Sends `kind` to `cpu` (this CPU included; it is taken once interrupts are
// enabled). Error::out_of_range for cpu >= kMaxCpus, Error::not_found for a
// CPU whose interrupts are not set up.
Result<void> send_ipi(unsigned cpu, Ipi kind);
}  // namespace arch

namespace arch {
// Device interrupt lines, for the kernel's interrupt objects
// (core/interrupt_object.h). aarch64: GIC SPI interrupt IDs, 32 up to the
// distributor's count (at most 1019). x86_64: ISA IRQs 0-15, routed as the
// ACPI MADT says (GSI, trigger mode, polarity), and GSIs 16 and up
// (level-triggered, active low: PCI), through the I/O APICs. An enabled line
// goes to the boot CPU; each time it fires, the arch handler masks it, sends
// the EOI and calls core::handle_interrupt(InterruptSource::device, line).
// It stays masked until device_line_unmask. All of these run under the big
// kernel lock.
//
// Enables `line`, unmasked. Error::out_of_range if the machine has no such
// line, Error::access_denied for one the kernel keeps (x86_64: ISA IRQ 0,
// the PIT), Error::already_exists if it (or its GSI) is enabled already,
// Error::not_supported without a controller for it (x86_64: no I/O APIC).
Result<void> device_line_enable(unsigned line);
// Masks an enabled line and stops dispatching it.
void device_line_disable(unsigned line);
void device_line_mask(unsigned line);
void device_line_unmask(unsigned line);
bool device_line_masked(unsigned line);

// Whether the CPU has I/O ports (x86_64): user processes get them through
// IO_PORTS_ALLOW (core/io_port_set.h).
#if defined(__x86_64__)
constexpr bool kHasIoPorts = true;
#else
constexpr bool kHasIoPorts = false;
#endif
}  // namespace arch

namespace arch {
// Kernel context switch. A thread that is not running keeps its callee-saved
// registers on its own kernel stack; its saved stack pointer is all the
// scheduler keeps. Kernel code runs with interrupts masked, so a switch is
// only ever a call.
//
// Prepares a fresh kernel stack so that switching to the returned stack
// pointer calls entry(arg); entry must never return.
uintptr_t initial_context(uintptr_t stack_top, void (*entry)(void*), void* arg);
// Saves the running thread's context, stores its stack pointer in *save_sp,
// and resumes the context saved at load_sp.
extern "C" void arch_switch_context(uintptr_t* save_sp, uintptr_t load_sp);
inline void switch_context(uintptr_t* save_sp, uintptr_t load_sp) {
  arch_switch_context(save_sp, load_sp);
}
}  // namespace arch

namespace arch {
// User mode.
// Leaves the kernel for user mode on the current thread: a user context
// (pc, sp, four argument registers, everything else zero) is built at
// kernel_stack_top, where every later entry from user mode saves it.
[[noreturn]] void enter_user(uintptr_t kernel_stack_top, uintptr_t pc, uintptr_t sp, uint64_t arg0,
                             uint64_t arg1, uint64_t arg2, uint64_t arg3);
// Makes `root` (a user page table's root, physical) with `asid` the user
// half of this CPU's address space; root 0 leaves no user mappings.
// (arch/user_space.h has the inline load_user_space(), for switches, and
// set_kernel_entry_stack().)
void switch_user_space(uint64_t root, uint16_t asid);
}  // namespace arch

namespace arch {
// Secondary CPUs (arch/<arch>/cpu_start.cpp).
//
// Starts the CPU whose firmware id is `hardware_id` (boot::CpuEntry: the
// MPIDR affinity on aarch64, the local APIC id on x86_64). It comes up in
// the kernel on the kernel's page tables, with interrupts masked and its
// stack pointer at `stack_top` (a kernel stack's top), and calls entry(arg),
// which never returns. Called on the boot CPU after interrupts_init(), one
// CPU at a time; it returns once the CPU was told to start, and the caller
// waits for `entry` to report in. Error::not_supported if the machine has no
// start method this kernel knows (no PSCI; no local APIC), Error::not_found
// if the firmware refuses the id, Error::already_exists if it says the CPU
// is already on.
Result<void> start_cpu(uint64_t hardware_id, uintptr_t stack_top, void (*entry)(void*), void* arg);
// A started CPU's own set-up, the first thing `entry` runs once its
// CPU-local block is set (set_cpu_local): everything the boot CPU's early
// boot did for itself (aarch64: trap vectors, FP/SIMD off, W^X; x86_64: its
// own GDT and TSS, the IDT, the system-call MSRs, SMEP/SMAP). Then
// interrupts_init_this_cpu().
void init_this_cpu();
// Called while spinning for the big kernel lock with interrupts masked:
// serves a TLB shootdown that the lock's holder may be waiting for
// (x86_64; aarch64 broadcasts its invalidations in hardware).
void serve_tlb_shootdown();
}  // namespace arch
