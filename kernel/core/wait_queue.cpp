#include "core/wait_queue.h"

#include "core/scheduler.h"

namespace core {

void WaitQueue::wait() {
  Thread& t = current_thread();
  waiters_.push_back(t.queue_node_, &t);
  Scheduler::current().block();
}

unsigned WaitQueue::wake_one() {
  auto* t = static_cast<Thread*>(waiters_.front());
  if (t == nullptr) return 0;
  waiters_.remove(t->queue_node_);
  Scheduler::wake(*t);
  return 1;
}

unsigned WaitQueue::wake_all() {
  unsigned n = 0;
  while (wake_one() != 0) ++n;
  return n;
}

bool WaitQueue::empty() const { return waiters_.empty(); }

}  // namespace core
