// The scheduler of one CPU: fixed-priority, preemptive round robin over
// per-CPU run queues, with sleeping on a deadline. Kernel code runs with
// interrupts masked, so a switch happens only where kernel code asks for one
// (yield, block, sleep, exit) or where it returns to user mode after a tick
// used up the running thread's time slice (preempt_if_needed).
//
// SMP: all schedulers' state is guarded by the big kernel lock
// (core/big_kernel_lock.h), which a CPU holds across its switches. A thread
// belongs to one CPU's queues (Thread::cpu_): a new thread goes to the least
// loaded CPU, a woken one back to its own, and a CPU about to go idle steals
// the best ready thread of another. Making a thread ready on another CPU
// sends that CPU a reschedule IPI when the thread should run there now.
//
// Every started thread holds a reference to itself until it is dead and this
// CPU has switched away from it; the scheduler and wait queues link threads
// through Thread::queue_node_ without owning them.
//
// Killing a process interrupts its threads (interrupt()): one blocked in the
// kernel leaves its wait queue or the sleep list and is made ready, and its
// wait -- that one and any later -- fails with Error::interrupted, so that it
// reaches the user/kernel boundary, where a thread of a dying process ends.
#pragma once
#include <cstdint>

#include "arch/arch.h"
#include "arch/user_space.h"
#include "core/activity.h"
#include "core/cpu_local.h"
#include "core/process.h"
#include "core/thread.h"
#include "lib/counter.h"
#include "recovery/panic.h"

namespace core {

class Scheduler {
 public:
  static constexpr unsigned kSliceTicks = 5;

  // This CPU's scheduler, and CPU `cpu`'s.
  static Scheduler& current();
  static Scheduler& of(unsigned cpu);
  // CPUs whose scheduler runs (init_this_cpu ran), as a bit mask.
  static uint32_t online_mask();
  // Makes the code running now this CPU's first thread (`boot`), and creates
  // the idle thread. Call once per CPU.
  static void init_this_cpu(Ref<Thread> boot);
  static bool ready();

  Thread& running() const { return *running_; }

  // Makes a created thread runnable, on the least loaded CPU.
  static void start(Thread& t);
  // Makes it runnable on CPU `cpu` (online), and keeps it there for good:
  // no other CPU steals it (threads whose order tests and benchmarks watch).
  static void start_pinned(Thread& t, unsigned cpu);
  // Gives the CPU to another ready thread of at least the same priority.
  void yield();
  // The running thread, already put on a wait queue (or not, if whoever
  // wakes it knows it otherwise), stops until woken. Error::interrupted if it
  // is interrupted, meanwhile or before: it is then off that queue.
  Result<void> block();
  // Makes a blocked thread ready again, on its own CPU.
  static void wake(Thread& t);
  // Makes blocked thread `t` ready on this CPU (unless pinned to another):
  // for the partner of a synchronous IPC, whom the waker is about to wait
  // for. The two then take turns on one CPU instead of waking each other
  // across CPUs with IPIs.
  static void wake_here(Thread& t);
  // wake_here(t), then block() of the running thread (already on what it
  // waits on, or known to whoever will wake it): an IPC partner runs while
  // the caller waits. When `t` is what that block() would switch to -- it
  // may run here and nothing ready here has its priority or a higher one --
  // this switches straight to it (a hand-off: no run queue, no scheduler
  // pass); otherwise it does just that, wake_here(t) and block().
  // Error::interrupted as block().
  Result<void> wake_and_block(Thread& t) {
    if (!wake_and_wait(t)) [[unlikely]]
      return fail(Error::interrupted);
    return {};
  }
  // The same as a bool, false for Error::interrupted (for the IPC fast
  // path: simpler code than a Result where it is inline).
  bool wake_and_wait(Thread& t);
  // Marks a user thread interrupted, and if it is blocked, takes it off what
  // it waits on and wakes it (see above). Kernel threads are never
  // interrupted.
  static void interrupt(Thread& t);
  // The running thread stops until monotonic time `deadline_ns`
  // (Error::interrupted: see block()).
  Result<void> sleep_until(uint64_t deadline_ns);
  // IPC timeouts (Endpoint::call): from arm_timeout until disarm_timeout,
  // the running thread's call fails with Error::timed_out if it is still
  // blocked at monotonic time `deadline_ns` (seen at the next tick of any
  // CPU): it is taken off the endpoint's queue, or out of the server's reply
  // capability (Endpoint::give_up_call), and woken.
  void arm_timeout(uint64_t deadline_ns);
  static void disarm_timeout(Thread& t);
  // The running thread ends with `status`; joiners wake.
  [[noreturn]] void exit(const ExitStatus& status);

  // From the timer interrupt: wakes sleepers, charges the time slice.
  void tick();
  // At a point where switching is allowed: switches if a tick asked for it.
  bool switch_requested() const { return need_resched_; }
  void preempt_if_needed() {
    if (need_resched_) [[unlikely]]
      preempt();
  }
  // The first thing a thread does on a CPU after a switch to it (in
  // schedule(), or as a new thread's first code): lets go of the thread that
  // died there before the switch.
  void after_switch() {
    if (dead_) [[unlikely]]
      dead_.reset();
  }

  unsigned ready_count() const;
  uint64_t switches() const { return switches_; }
  // Switches that were hand-offs (wake_and_wait, wake_and_block), among
  // switches().
  uint64_t hand_offs() const { return hand_offs_; }
  // Threads made ready here by another CPU, and threads this CPU stole.
  uint64_t remote_wakeups() const { return remote_wakeups_; }
  uint64_t steals() const { return steals_; }
  // Ticks this CPU took, and those that found a thread other than idle
  // running.
  uint64_t ticks() const { return ticks_; }
  uint64_t busy_ticks() const { return busy_ticks_; }

 private:
  // Queues `t` here; tells this CPU if it came from another one.
  void make_ready(Thread& t);
  void make_ready_from_anywhere(Thread& t);
  unsigned load() const;  // ready threads, plus the running one unless idle
  Thread* pop_best();
  Thread* steal_best();  // the best ready thread that is not pinned
  Thread* pick_next();   // this CPU's best ready thread, or one stolen
  void schedule();       // switches to the best ready thread (or idle)
  void preempt();        // preempt_if_needed's switch
  // The switch itself, from `prev` (no longer running: ready, blocked or
  // dead) to `next`, once chosen. Inline for the hand-off.
  void switch_to(Thread& prev, Thread& next);
  // Its kernel entry stack and address space, before it runs.
  static void activate(CpuLocal& cpu, Thread& next);
  // wake_and_block() when it cannot hand off.
  Result<void> wake_then_block(Thread& t);
  static void idle_loop(void*);
  // Takes `t` off its wait queue or sleep list, if it is on one.
  static void stop_waiting(Thread& t);
  // block() of an interrupted thread: off the queue it was just put on, if
  // it was interrupted on its way to block() (in user mode, or waiting for
  // the big kernel lock); interrupt() has done that for a thread it woke.
  // Out of line (block() is inline); the error is made inline, a constant
  // its callers' checks fold.
  static void interrupted_wait(Thread& t);
  // The timeout of `t`, blocked in its call, ran out.
  static void time_out(Thread& t);

  lib::List<Thread, &Thread::queue_node_> ready_[Thread::kPriorities];
  uint32_t ready_mask_ = 0;
  lib::List<Thread, &Thread::queue_node_> sleepers_;  // by wake time
  // Threads whose IPC call has a timeout, by deadline: one list for all CPUs
  // (the caller may be woken on, or stolen by, another).
  static lib::List<Thread, &Thread::timeout_node_> timeouts_;
  Thread* running_ = nullptr;
  Thread* idle_ = nullptr;
  Ref<Thread> dead_;  // the last thread that died here, released once switched away
  bool need_resched_ = false;
  unsigned slice_left_ = kSliceTicks;
  unsigned cpu_ = 0;
  uint64_t switches_ = 0;
  uint64_t hand_offs_ = 0;
  uint64_t remote_wakeups_ = 0;
  uint64_t steals_ = 0;
  uint64_t ticks_ = 0;
  uint64_t busy_ticks_ = 0;

  static Scheduler all_[arch::kMaxCpus];  // one per CPU, by CpuLocal::id
};

inline Scheduler& Scheduler::current() { return this_cpu_scheduler(); }
inline Scheduler& Scheduler::of(unsigned cpu) { return all_[cpu]; }

// Inline: every IPC call and receive blocks.
inline Result<void> Scheduler::block() {
  Thread& t = *running_;
  KASSERT(&t != idle_);
  if (!t.interrupted_) [[likely]] {
    t.state_ = Thread::State::blocked;
    schedule();
    // Woken by whoever it waited for, or by interrupt(); in either case an
    // interrupted thread goes on to its end, not to what it waited for.
    if (!t.interrupted_) [[likely]]
      return {};
  }
  interrupted_wait(t);
  return fail(Error::interrupted);
}

// Inline: every IPC call and reply switches here.
[[gnu::always_inline]] inline bool Scheduler::wake_and_wait(Thread& t) {
  // (`t` is blocked: its callers take it from a wait queue or a reply
  // capability; wake_then_block() checks.)
  Thread& self = *running_;
  // block() switches only if this thread is not interrupted, and then
  // schedule() picks the first of the best ready threads here: `t`, if it
  // may run here and nothing ready here outranks or equals it (it would
  // queue behind equals).
  if ((t.pinned_ && t.cpu_ != cpu_) || self.interrupted_ || (ready_mask_ >> t.priority_) != 0)
      [[unlikely]]
    return wake_then_block(t).has_value();
  self.state_ = Thread::State::blocked;
  t.cpu_ = cpu_;
  lib::count_up(hand_offs_);
  switch_to(self, t);
  if (!self.interrupted_) [[likely]]
    return true;
  interrupted_wait(self);
  return false;
}

[[gnu::always_inline]] inline void Scheduler::switch_to(Thread& prev, Thread& next) {
  need_resched_ = false;
  slice_left_ = kSliceTicks;
  next.state_ = Thread::State::running;
  running_ = &next;
  lib::count_up(switches_);
  CpuLocal& cpu = this_cpu();
  cpu.recovery = &next.recovery_;
  activate(cpu, next);
  arch::switch_context(&prev.saved_sp_, next.saved_sp_);
  // Running as `prev` again, on this or (with SMP) another CPU.
  current().after_switch();
}

[[gnu::always_inline]] inline void Scheduler::activate(CpuLocal& cpu, Thread& next) {
  // Entries from user mode land on the thread's own kernel stack, and its
  // process's address space is the user half.
  arch::set_kernel_entry_stack(cpu, next.stack_top());
  AddressSpace* space = next.process() != nullptr ? next.process()->space() : nullptr;
  const uint64_t root = space != nullptr ? space->root() : 0;
  if (root != cpu.active_user_root) [[likely]] {  // IPC goes from process to process
    arch::load_user_space(cpu, root, space != nullptr ? space->asid() : 0, cpu.active_user_root);
    cpu.active_user_root = root;
    ++activity::space_switches;
  }
}

// The running thread of this CPU.
inline Thread& current_thread() { return Scheduler::current().running(); }

}  // namespace core
