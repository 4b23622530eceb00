// The tick of one CPU on aarch64: the EL1 virtual timer of the generic timer
// (CNTV_*_EL0), which counts the same counter as monotonic_ns (CNTVCT_EL0)
// and works at EL1 with or without EL2 (QEMU -kernel enters at EL1 with no
// EL2: the virtual offset is 0). It is a compare timer, not a periodic one:
// every tick sets the next compare value one period after the last.
#pragma once
#include <cstdint>

#include "lib/result.h"

namespace arch::aarch64::generic_timer {

// The virtual timer's PPI, INTID 27 (Arm's Server Base System Architecture
// assigns it; QEMU virt's device tree says the same).
constexpr uint32_t kVirtualTimerPpi = 27;

// Stops this CPU's timer (it may run from before boot) and masks its output.
void init_this_cpu();
// Ticks every period_ns from now. Error::out_of_range if that is less than
// one count of the counter.
Result<void> start(uint64_t period_ns);
void stop();
uint64_t period_ns();  // 0 while stopped
// What a timer interrupt turned out to be.
enum class Tick : uint8_t {
  due,      // a tick: run the handler
  stopped,  // left pending by stop(): the timer is masked now
  overrun,  // came less than a quarter period after the last tick's handler
            // returned (that handler took longer than the period): dropped,
            // so that slow handlers cannot starve the interrupted code
};
// From the interrupt: sets the next compare value, which also drops the
// timer's (level-triggered) interrupt line, and says whether this is a tick.
Tick rearm();
// After a tick's handler: when the interrupted code got the CPU back.
void tick_done();

}  // namespace arch::aarch64::generic_timer
