#include "core/timer.h"

#include "core/cpu_local.h"

namespace core {

void timer_interrupt() { ++this_cpu().ticks; }

uint64_t ticks() { return this_cpu().ticks; }

}  // namespace core
