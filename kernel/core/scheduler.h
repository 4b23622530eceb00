// The scheduler of one CPU: fixed-priority, preemptive round robin over
// per-CPU run queues, with sleeping on a deadline. Kernel code runs with
// interrupts masked, so a switch happens only where kernel code asks for one
// (yield, block, sleep, exit) or where it returns to user mode after a tick
// used up the running thread's time slice (preempt_if_needed).
//
// Every started thread holds a reference to itself until it is dead and this
// CPU has switched away from it; the scheduler and wait queues link threads
// through Thread::queue_node_ without owning them.
#pragma once
#include <cstdint>

#include "core/thread.h"

namespace core {

class Scheduler {
 public:
  static constexpr unsigned kSliceTicks = 5;

  // This CPU's scheduler.
  static Scheduler& current();
  // Makes the code running now this CPU's first thread (`boot`), and creates
  // the idle thread. Call once per CPU.
  static void init_this_cpu(Ref<Thread> boot);
  static bool ready();

  Thread& running() const { return *running_; }

  // Makes a created thread runnable.
  void start(Thread& t);
  // Gives the CPU to another ready thread of at least the same priority.
  void yield();
  // The running thread, already put on a wait queue, stops until woken.
  void block();
  // Makes a blocked thread ready again.
  void wake(Thread& t);
  // The running thread stops until monotonic time `deadline_ns`.
  void sleep_until(uint64_t deadline_ns);
  // The running thread ends with `status`; joiners wake.
  [[noreturn]] void exit(const ExitStatus& status);

  // From the timer interrupt: wakes sleepers, charges the time slice.
  void tick();
  // At a point where switching is allowed: switches if a tick asked for it.
  void preempt_if_needed();

  unsigned ready_count() const;
  uint64_t switches() const { return switches_; }

 private:
  void make_ready(Thread& t);
  Thread* pick_next();
  void schedule();                     // switches to the best ready thread (or idle)
  static void activate(Thread& next);  // its kernel entry stack and address space
  static void idle_loop(void*);

  lib::List<Thread, &Thread::queue_node_> ready_[Thread::kPriorities];
  uint32_t ready_mask_ = 0;
  lib::List<Thread, &Thread::queue_node_> sleepers_;  // by wake time
  Thread* running_ = nullptr;
  Thread* idle_ = nullptr;
  Ref<Thread> dead_;  // the last thread that died here, released once switched away
  bool need_resched_ = false;
  unsigned slice_left_ = kSliceTicks;
  uint64_t switches_ = 0;
};

// The running thread of this CPU.
inline Thread& current_thread() { return Scheduler::current().running(); }

}  // namespace core
