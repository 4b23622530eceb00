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
RecoveryState& current_state();

inline bool in_region() { return current_state().region_depth > 0; }

}  // namespace recovery
