// Per-CPU state, reached through a kernel-only CPU register.
#pragma once
#include <cstdint>

#include "recovery/recovery_state.h"

namespace core {

class Scheduler;

struct CpuLocal {
  CpuLocal* self;
  unsigned id;
  // Recovery state of the code running on this CPU. Threads (issue: Threads)
  // will each own one and switch this pointer on every context switch.
  recovery::RecoveryState* recovery;
  // Nesting depth of interrupt handlers running on this CPU (the interrupt
  // entry paths count it).
  unsigned interrupt_depth;
  // Top of this CPU's stack for reporting a kernel stack overflow: the
  // aarch64 exception vectors switch to it when the interrupted stack has no
  // room left for a trap frame (they read it at a fixed offset).
  uintptr_t overflow_stack_top;
  // Timer ticks taken on this CPU.
  uint64_t ticks;
  // The user page table loaded on this CPU (0: none).
  uint64_t active_user_root;
  // x86_64's syscall entry finds the kernel stack here (the instruction does
  // not switch stacks), and parks the user stack pointer in the scratch slot.
  // Read by assembly at fixed offsets (static_asserts next to the entry code).
  uintptr_t kernel_entry_stack;
  uintptr_t user_sp_scratch;
  // x86_64: this CPU's task-state segment, whose rsp0 is the stack of
  // interrupts and exceptions from user mode (arch::set_kernel_entry_stack).
  void* tss;
  // This CPU's scheduler (set when it starts scheduling): every system call
  // finds it through here.
  Scheduler* scheduler;
};

void run_global_constructors();
void init_boot_cpu();

// The running CPU's block, read through the kernel-only register that
// arch::set_cpu_local() set (TPIDR_EL1; GS, whose base is the block, whose
// first word is its own address). Inline: every kernel entry reads it.
// Volatile, so that no read is reused across a switch that may have moved
// the thread to another CPU.
inline CpuLocal& this_cpu() {
  CpuLocal* block;
#if defined(__aarch64__)
  asm volatile("mrs %0, tpidr_el1" : "=r"(block));
#elif defined(__x86_64__)
  asm volatile("mov %%gs:0, %0" : "=r"(block));
#else
#error "this_cpu: unknown architecture"
#endif
  return *block;
}

// this_cpu().id, in one instruction on x86_64 (a GS-relative load).
inline unsigned this_cpu_id() {
#if defined(__x86_64__)
  unsigned id;
  asm volatile("movl %%gs:%c1, %0" : "=r"(id) : "i"(8));  // offsetof(CpuLocal, id)
  return id;
#else
  return this_cpu().id;
#endif
}

// this_cpu().scheduler, in one instruction on x86_64.
inline Scheduler& this_cpu_scheduler() {
#if defined(__x86_64__)
  Scheduler* s;
  asm volatile("movq %%gs:%c1, %0" : "=r"(s) : "i"(80));  // offsetof(CpuLocal, scheduler)
  return *s;
#else
  return *this_cpu().scheduler;
#endif
}

}  // namespace core
