// The portable side of the user/kernel boundary: what the arch layer calls
// when user code enters the kernel, and what it calls before going back.
// All of these run on the current thread's kernel stack with interrupts
// masked.
#pragma once
#include <cstdint>

#include "recovery/fault.h"

namespace core {

// The first call of every entry from user mode (system call, exception,
// interrupt), before anything else: takes the big kernel lock, which
// before_user_return() lets go.
void enter_from_user();

// The system-call registers (abi/rebound/syscall.h), copied out of the
// user context by the arch entry code and back into it on return.
struct SyscallRegs {
  uint64_t number;
  uint64_t args[6];
  uint64_t error;  // 0 or a rebound::Error value
  uint64_t values[2];
};

// Runs one system call. Never throws and never faults out: every call runs
// inside catch_unwind (a fault in it becomes Error::kernel_fault).
void syscall(SyscallRegs& regs);

// A synchronous exception taken in user mode. Returns (and the arch code
// resumes the user code) only if the kernel resolved it -- a demand-zero
// page; otherwise the thread's process is killed with `fault` as its status
// and this never returns.
void user_fault(const recovery::Fault& fault, bool write);

// Called before every return to user mode (after a system call, an
// interrupt or a resolved fault): a tick may have asked for a switch, or the
// process may have been killed. Lets go of the big kernel lock: after it,
// the arch code only restores the user context from the thread's own stack.
void before_user_return();

}  // namespace core
