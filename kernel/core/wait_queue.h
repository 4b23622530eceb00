// Threads waiting for something (a thread or process to exit, an IPC
// partner). Blocking and waking happen with interrupts masked (the kernel
// never runs with them on), so there is no lost-wakeup window.
//
// The inline members are defined in core/thread.h, where a thread's links
// are known: the IPC fast path adds and takes threads without a call.
#pragma once
#include "lib/intrusive_list.h"
#include "lib/result.h"

namespace core {

class Thread;

class WaitQueue {
 public:
  // Blocks the current thread on this queue until woken. Error::interrupted
  // if its process is being killed (Scheduler::interrupt): it is then off the
  // queue.
  Result<void> wait();
  // Puts the current thread `t` on this queue without blocking it: for a
  // caller that blocks it itself (Scheduler::wake_and_block).
  inline void add(Thread& t);
  // Makes the first / every waiting thread ready. Returns how many woke.
  unsigned wake_one();
  unsigned wake_all();
  // Takes the first waiting thread off the queue and leaves it blocked (for
  // whoever will wake it later); nullptr if none waits.
  inline Thread* dequeue();
  // Takes `t`, which waits here, off the queue and leaves it blocked.
  void remove(Thread& t);
  bool empty() const { return waiters_.empty(); }

 private:
  inline void unlink(Thread& t);
  lib::NodeList waiters_;  // of Thread, through Thread::queue_node_
};

}  // namespace core
