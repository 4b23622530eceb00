// The recovery state of one kernel thread of control: how many catch_unwind
// regions it is inside, libsupc++'s exception globals, and the backtrace of
// its last throw. It lives in kernel memory, reached through the CPU-local
// block (never a user-visible TLS register).
#pragma once
#include <cstdint>

#include "recovery/backtrace.h"

namespace recovery {

struct RecoveryState {
  unsigned region_depth = 0;
  // libsupc++'s __cxa_eh_globals (caught-exception stack, uncaught count).
  alignas(16) unsigned char eh_globals[32] = {};
  Backtrace last_throw;
};

// The current thread's state; provided by the kernel core (per CPU for now).
#if defined(REBOUND_KERNEL)
// In the kernel: the running CPU's CpuLocal::recovery (core/cpu_local.h,
// which checks the offset), read inline through the CPU-local register:
// every catch_unwind region counts itself here.
inline constexpr unsigned kCpuLocalRecoveryOffset = 16;
inline RecoveryState& current_state() {
  char* cpu_local;
#if defined(__aarch64__)
  asm volatile("mrs %0, tpidr_el1" : "=r"(cpu_local));
#elif defined(__x86_64__)
  asm volatile("mov %%gs:0, %0" : "=r"(cpu_local));  // CpuLocal::self
#endif
  // An ordinary load, ordered with the context switch's store to it.
  return **reinterpret_cast<RecoveryState**>(cpu_local + kCpuLocalRecoveryOffset);
}
#else
RecoveryState& current_state();
#endif

inline bool in_region() { return current_state().region_depth > 0; }

}  // namespace recovery
