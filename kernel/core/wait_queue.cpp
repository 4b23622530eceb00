#include "core/wait_queue.h"

#include "core/scheduler.h"

namespace core {

void WaitQueue::wait() {
  Thread& t = current_thread();
  waiters_.push_back(t.queue_node_, &t);
  Scheduler::current().block();
}

unsigned WaitQueue::wake_one() {
  Thread* t = dequeue();
  if (t == nullptr) return 0;
  Scheduler::wake(*t);
  return 1;
}

Thread* WaitQueue::dequeue() {
  auto* t = static_cast<Thread*>(waiters_.front());
  if (t != nullptr) waiters_.remove(t->queue_node_);
  return t;
}

unsigned WaitQueue::wake_all() {
  unsigned n = 0;
  while (wake_one() != 0) ++n;
  return n;
}

bool WaitQueue::empty() const { return waiters_.empty(); }

}  // namespace core
