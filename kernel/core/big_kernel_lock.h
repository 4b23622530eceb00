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
#pragma once

namespace core::bkl {

// Takes the lock for this CPU. Panics if this CPU already holds it.
void acquire();
// Lets go of it. Panics if this CPU does not hold it.
void release();
// Whether this CPU holds it.
bool held_here();

// Times acquire() had to wait for another CPU (all CPUs together).
unsigned long contended();

}  // namespace core::bkl
