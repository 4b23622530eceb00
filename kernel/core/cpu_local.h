// Per-CPU state, reached through a kernel-only CPU register.
#pragma once
#include <cstdint>

#include "recovery/recovery_state.h"

namespace core {

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
};

void run_global_constructors();
void init_boot_cpu();
CpuLocal& this_cpu();

}  // namespace core
