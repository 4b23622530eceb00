#include "core/wait_queue.h"

#include "core/scheduler.h"
#include "recovery/panic.h"

namespace core {

Result<void> WaitQueue::wait() {
  add(current_thread());
  return Scheduler::current().block();
}

unsigned WaitQueue::wake_one() {
  Thread* t = dequeue();
  if (t == nullptr) return 0;
  Scheduler::wake(*t);
  return 1;
}

void WaitQueue::remove(Thread& t) {
  KASSERT(t.wait_queue_ == this);
  unlink(t);
}

unsigned WaitQueue::wake_all() {
  unsigned n = 0;
  while (wake_one() != 0) ++n;
  return n;
}

}  // namespace core
