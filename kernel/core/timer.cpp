#include "core/timer.h"

#include "core/cpu_local.h"
#include "core/scheduler.h"

namespace core {

void timer_interrupt() {
  ++this_cpu().ticks;
  // Wakes sleepers and charges the running thread's time slice; the switch
  // itself happens on the way back to user mode or in the idle loop.
  if (Scheduler::ready()) Scheduler::current().tick();
}

uint64_t ticks() { return this_cpu().ticks; }

}  // namespace core
