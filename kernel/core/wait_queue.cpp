#include "core/wait_queue.h"

#include "core/scheduler.h"
#include "recovery/panic.h"

namespace core {

Result<void> WaitQueue::wait() {
  add_current();
  return Scheduler::current().block();
}

void WaitQueue::add_current() {
  Thread& t = current_thread();
  waiters_.push_back(t.queue_node_, &t);
  t.wait_queue_ = this;  // for remove(), should the wait be interrupted
}

unsigned WaitQueue::wake_one() {
  Thread* t = dequeue();
  if (t == nullptr) return 0;
  Scheduler::wake(*t);
  return 1;
}

Thread* WaitQueue::dequeue() {
  auto* t = static_cast<Thread*>(waiters_.front());
  if (t != nullptr) unlink(*t);
  return t;
}

void WaitQueue::remove(Thread& t) {
  KASSERT(t.wait_queue_ == this);
  unlink(t);
}

void WaitQueue::unlink(Thread& t) {
  waiters_.remove(t.queue_node_);
  t.wait_queue_ = nullptr;
}

unsigned WaitQueue::wake_all() {
  unsigned n = 0;
  while (wake_one() != 0) ++n;
  return n;
}

bool WaitQueue::empty() const { return waiters_.empty(); }

}  // namespace core
