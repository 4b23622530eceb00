// The portable side of the user/kernel boundary: what the arch layer calls
// when user code enters the kernel, and what it calls before going back.
// All of these run on the current thread's kernel stack with interrupts
// masked.
//
// The common path of a system call is inline here, so that the arch entry
// function that calls it becomes one function without further calls: take
// the big kernel lock, look the handler up, run it inside catch_unwind, see
// that nothing is pending, let go of the lock. What is rare (a fault caught,
// a switch, a dying process) is out of line in user_boundary.cpp.
#pragma once
#include <cstdint>
#include <utility>

#include "core/activity.h"
#include "core/big_kernel_lock.h"
#include "core/process.h"
#include "core/scheduler.h"
#include "core/syscalls/syscall.h"
#include "recovery/catch_unwind.h"
#include "recovery/fault.h"

namespace core {

// The first call of every entry from user mode (system call, exception,
// interrupt), before anything else: takes the big kernel lock, which
// before_user_return() lets go.
// Returns the running thread's recovery state, for a system call's
// catch_unwind (one read of the CPU-local block for both).
inline recovery::RecoveryState& enter_from_user() {
  CpuLocal& cpu = this_cpu();
  bkl::acquire(cpu.id);
  return *cpu.recovery;
}

// Where a system call's result goes (abi/rebound/syscall.h): error 0 and up
// to two values, or a rebound::Error and zero values. The arch code points
// these at the saved user registers.
struct SyscallResultRegs {
  uint64_t& error;
  uint64_t& value0;
  uint64_t& value1;
};

namespace detail {
extern const syscalls::Handler kSyscallTable[REBOUND_SYS_COUNT];
uint64_t syscall_recovered(uint64_t number, const recovery::Fault& fault);
void before_user_return_slow();

// A handler's result into the caller's registers.
[[gnu::always_inline]] inline void put_result(SyscallResultRegs out,
                                              const Result<syscalls::Values>& v) {
  if (v) [[likely]] {
    out.error = 0;
    out.value0 = v->v0;
    out.value1 = v->v1;
  } else {
    out.error = static_cast<uint64_t>(v.error());
    out.value0 = out.value1 = 0;
  }
}

// Runs `body`, which puts the result of system call `number` into `out`:
// counted, and inside catch_unwind. "No panic is a panic for the kernel":
// whatever goes wrong inside the call unwinds to here, its resources freed
// on the way, and the caller gets Error::kernel_fault.
template <class F>
[[gnu::always_inline]] inline void run_syscall(uint64_t number, SyscallResultRegs out,
                                               recovery::RecoveryState& state, F&& body) {
  activity::count_syscall();
  auto r = recovery::catch_unwind(state, std::forward<F>(body));
  if (!r) [[unlikely]] {
    out.error = detail::syscall_recovered(number, r.error());
    out.value0 = out.value1 = 0;
  }
}
}  // namespace detail

// Runs system call `number` with its six argument registers at `args` (the
// arch code passes them straight from the saved user context when they lie
// there in order) and writes its result to `out` (which may overlap `args`:
// written once the handler has returned). Never throws and never faults
// out: every call runs inside catch_unwind (a fault in it becomes
// Error::kernel_fault). `state` is the running thread's recovery state
// (enter_from_user() returns it).
[[gnu::always_inline]] inline void syscall(uint64_t number, const uint64_t* args,
                                           SyscallResultRegs out, recovery::RecoveryState& state) {
  if (number >= REBOUND_SYS_COUNT) [[unlikely]] {
    out.error = static_cast<uint64_t>(Error::unknown_syscall);
    out.value0 = out.value1 = 0;
    return;
  }
  const syscalls::Handler handler = detail::kSyscallTable[number];
  detail::run_syscall(number, out, state, [&] { detail::put_result(out, handler(args)); });
}

// A page fault (or instruction fetch fault) taken in user mode at `address`:
// maps a demand-zero page if the address lies in an anonymous region that
// allows the access and nothing is mapped there yet. Returns whether it did
// (then the instruction runs again). The arch code calls this before it
// describes the fault, so that the common case builds no Fault.
bool resolve_user_page_fault(uintptr_t address, bool write, bool fetch);

// A synchronous exception taken in user mode that the kernel did not
// resolve (the arch code offers page faults to resolve_user_page_fault
// first) and did not deliver to a fault handler (core/fault_delivery.h):
// kills the thread's process with `fault` as its status.
[[noreturn]] void user_fault(const recovery::Fault& fault);

// Called before every return to user mode (after a system call, an
// interrupt or a resolved fault): a tick may have asked for a switch, or the
// thread or its process may have been killed (Thread::interrupted). Lets go
// of the big kernel lock: after it, the arch code only restores the user
// context from the thread's own stack.
inline void before_user_return() {
  // Only user threads get here. A user thread is interrupted when it is
  // killed, alone (THREAD_KILL) or with its process (Process::kill
  // interrupts every thread of it, and a thread started in a dying process
  // at once): one load less than asking its process.
#if defined(__aarch64__)
  // One read of the CPU-local register for both (x86_64 reads each field
  // through GS in one instruction anyway).
  const CpuLocal& cpu = this_cpu();
  const Scheduler& s = *cpu.scheduler;
  const unsigned self = cpu.id;
#else
  const Scheduler& s = Scheduler::current();
  const unsigned self = this_cpu_id();
#endif
  if (s.switch_requested() || s.running().interrupted()) [[unlikely]] {
    detail::before_user_return_slow();
    return;
  }
  bkl::release(self);
}

}  // namespace core
