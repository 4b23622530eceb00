// The big kernel lock: one CPU at a time runs kernel code (seL4's design, and
// the first one the issue allows). A CPU takes it at every kernel entry --
// from user mode (core::enter_from_user), and for an interrupt taken in the
// idle wait -- and holds it across context switches: the lock belongs to the
// CPU, not to a thread. It lets go on the way back to user mode
// (core::before_user_return, Thread::enter_user) and for the idle wait.
// Kernel code runs with interrupts masked, so a holder is never interrupted.
//
// A CPU spinning for the lock serves TLB shootdowns meanwhile
// (arch::serve_tlb_shootdown): the holder may be waiting for exactly that.
//
// acquire() and release() are inline (every entry from user mode takes and
// releases the lock): the uncontended case is one compare-and-swap and one
// store; waiting and the misuse panics are out of line.
#pragma once
#include <atomic>

#include "core/cpu_local.h"

namespace core::bkl {

namespace detail {
constexpr unsigned kFree = ~0u;
// The lock word, and beside it the system-call counter (core/activity.h),
// which is updated under the lock on every entry: one address for both on
// the hottest path.
struct Lock {
  std::atomic<unsigned> owner{kFree};  // the holder's CpuLocal::id, or kFree
  uint64_t syscalls = 0;
};
extern Lock g_lock;
// acquire() found the lock held by `holder`: panics if that is this CPU,
// else waits for it.
void acquire_contended(unsigned self, unsigned holder);
[[noreturn]] void release_not_held(unsigned self);
}  // namespace detail

// Takes the lock for CPU `self` (this one). Panics if it already holds it.
inline void acquire(unsigned self) {
  unsigned expected = detail::kFree;
  if (detail::g_lock.owner.compare_exchange_strong(expected, self, std::memory_order_acquire))
      [[likely]]
    return;
  detail::acquire_contended(self, expected);
}
inline void acquire() { acquire(this_cpu_id()); }

// Lets go of it, on CPU `self` (this one). Panics if it does not hold it.
inline void release(unsigned self) {
  if (detail::g_lock.owner.load(std::memory_order_relaxed) != self) [[unlikely]]
    detail::release_not_held(self);
  detail::g_lock.owner.store(detail::kFree, std::memory_order_release);
}
inline void release() { release(this_cpu_id()); }

// Whether this CPU holds it.
bool held_here();

}  // namespace core::bkl
