// The portable side of the timer interrupt.
#pragma once
#include <cstdint>

namespace core {

// The scheduler's tick period (100 Hz).
constexpr uint64_t kTickPeriodNs = 10'000'000;

// Called by the arch interrupt handler for every tick of this CPU's timer,
// with interrupts masked and this CPU's interrupt_depth already raised.
void timer_interrupt();

// Ticks taken on this CPU so far.
uint64_t ticks();

}  // namespace core
