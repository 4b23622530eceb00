// Per-CPU state, reached through a kernel-only CPU register.
#pragma once
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
};

void run_global_constructors();
void init_boot_cpu();
CpuLocal& this_cpu();

}  // namespace core
