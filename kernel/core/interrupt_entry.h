// The portable half of every interrupt. The arch interrupt handler saves the
// interrupted context in a frame on the current kernel stack, raises this
// CPU's interrupt_depth (InterruptScope), identifies and acknowledges the
// interrupt at the controller, and calls handle_interrupt().
//
// An interrupt is a kernel entry like any other, so its handler runs inside
// catch_unwind: a fault or a failed assertion in it (say, an allocation,
// which heaps refuse in interrupt context) unwinds to here, is logged and
// counted, and the interrupted code carries on as if nothing had happened.
#pragma once
#include <cstdint>

namespace core {

enum class InterruptSource : uint8_t {
  timer,          // this CPU's periodic tick: core::timer_interrupt()
  reschedule,     // IPI: another CPU made a thread ready here
  tlb_shootdown,  // IPI: another CPU changed a mapping this CPU may cache
  device,         // a device line (arch.h), masked by the arch handler: its
                  // interrupt object is signalled (core/interrupt_object.h)
};
constexpr unsigned kInterruptSources = 4;

// Raises this CPU's interrupt_depth for its lifetime: an arch interrupt
// handler holds one from entry to return.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// Runs the portable handler of an interrupt that the arch layer has taken
// and acknowledged, with interrupts masked, inside an InterruptScope.
// `line`: the device line of a device interrupt (ignored for the others).
void handle_interrupt(InterruptSource source, unsigned line = 0);

// What this CPU's interrupt handlers did so far.
struct InterruptStats {
  uint64_t taken[kInterruptSources];
  uint64_t faults;  // handlers that raised a fault (caught here)
};
InterruptStats interrupt_stats();

// For in-kernel tests: called inside every interrupt, after its handler and
// inside the same catch_unwind (nullptr: none).
using InterruptHook = void (*)(InterruptSource source);
void set_interrupt_test_hook(InterruptHook hook);

}  // namespace core
