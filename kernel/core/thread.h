// A kernel thread: its own guarded kernel stack, its own recovery state (so
// it can block inside a catch handler), a priority, and an exit status that
// joiners receive. User threads (issue: user mode) are kernel threads that
// also have a user context.
#pragma once
#include <cstdint>
#include <optional>

#include "core/exit_status.h"
#include "core/ipc_state.h"
#include "core/kernel_object.h"
#include "core/program_loader.h"
#include "core/wait_queue.h"
#include "lib/intrusive_list.h"
#include "lib/object_count.h"
#include "mm/box.h"
#include "mm/kernel_stack.h"
#include "recovery/recovery_state.h"

namespace core {

class Process;
struct ThreadBulk;  // core/ipc_bulk.h

class Thread final : public KernelObject {
 public:
  enum class State : uint8_t { created, ready, running, blocked, dead };
  static constexpr unsigned kPriorities = 32;  // 0 = idle only, 31 = highest
  static constexpr unsigned kDefaultPriority = 16;

  using Entry = void (*)(void* arg);

  // A new thread that will run entry(arg) once started (Scheduler::start).
  static Result<Ref<Thread>> create(const char* name, Entry entry, void* arg,
                                    unsigned priority = kDefaultPriority);
  // The thread already running on this CPU at boot (on a stack it does not own).
  static Result<Ref<Thread>> adopt_current(const char* name);
  // A thread of `process` that enters user mode at `entry`.
  static Result<Ref<Thread>> create_user(const char* name, Ref<Process> process,
                                         const UserEntry& entry);

  ~Thread() override;

  const char* name() const { return name_; }
  State state() const { return state_; }
  unsigned priority() const { return priority_; }
  // The CPU whose queues it is on, or that it last ran on.
  unsigned cpu() const { return cpu_; }
  const ExitStatus& exit_status() const { return exit_status_; }
  recovery::RecoveryState& recovery() { return recovery_; }
  uintptr_t stack_base() const { return stack_ ? stack_->base() : 0; }
  uintptr_t stack_top() const { return stack_top_; }  // (read on every switch)
  // The process of a user thread, nullptr for a kernel thread.
  Process* process() const { return process_.get(); }
  // Its IPC message and reply capability (core/endpoint.h).
  IpcState& ipc() { return ipc_; }
  // Its message buffer and grants (core/ipc_bulk.h), made when first needed:
  // nullptr until then.
  ThreadBulk* bulk() const { return bulk_.get(); }
  Result<ThreadBulk*> make_bulk();
  // It is being killed, with its process or alone (THREAD_KILL): every wait
  // of this thread fails at once with Error::interrupted
  // (Scheduler::interrupt), so that it reaches the user/kernel boundary and
  // ends there. Never cleared.
  bool interrupted() const { return interrupted_; }

  // A thread object that never runs and has left every wait for good (it is
  // interrupted): whatever a partner owes it goes nowhere. The stand-in for
  // a caller that gave up its call (core/endpoint.h).
  static Result<Ref<Thread>> create_departed(const char* name);

  // Blocks until this thread is dead; returns its exit status
  // (Error::interrupted if the joining thread is).
  Result<ExitStatus> join();

  // Ends the running thread with `status` (its process hears of it first).
  [[noreturn]] static void exit_current(const ExitStatus& status);

 private:
  friend class Process;
  friend class Scheduler;
  friend class WaitQueue;
  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  Thread(const char* name, unsigned priority);
  static void start(void* self);       // the first code of every created thread
  static void enter_user(void* self);  // the entry of user threads

  const char* name_;
  State state_ = State::created;
  unsigned priority_;
  std::optional<mm::KernelStack> stack_;
  uintptr_t stack_top_ = 0;  // stack_'s, 0 without one
  uintptr_t saved_sp_ = 0;   // while not running
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  recovery::RecoveryState recovery_;
  ExitStatus exit_status_;
  WaitQueue joiners_;
  uint64_t wake_at_ns_ = 0;  // while sleeping
  bool sleeping_ = false;
  bool interrupted_ = false;
  unsigned cpu_ = 0;                 // the CPU whose queues it is on, or last ran on
  bool pinned_ = false;              // never moves to another CPU
  lib::ListNode queue_node_;         // run queue, wait queue or sleep list
  lib::ListNode timeout_node_;       // on the IPC timeouts list, while its call has one
  uint64_t timeout_at_ns_ = 0;       // while on it: when its call fails
  WaitQueue* wait_queue_ = nullptr;  // the wait queue queue_node_ is on, if any
  Ref<Thread> self_;                 // from start until dead and switched away from
  Ref<Process> process_;
  lib::ListNode process_node_;  // on its process's list, from thread_started to thread_ended
  UserEntry user_entry_{};
  IpcState ipc_;
  mm::Box<ThreadBulk> bulk_;
  lib::Counted<REBOUND_OBJECT_THREAD> counted_;
};

inline void WaitQueue::add(Thread& t) {
  waiters_.push_back(t.queue_node_, &t);
  t.wait_queue_ = this;  // for remove(), should the wait be interrupted
}

inline Thread* WaitQueue::dequeue() {
  auto* t = static_cast<Thread*>(waiters_.front());
  if (t != nullptr) unlink(*t);
  return t;
}

inline void WaitQueue::unlink(Thread& t) {
  waiters_.remove(t.queue_node_);
  t.wait_queue_ = nullptr;
}

}  // namespace core
