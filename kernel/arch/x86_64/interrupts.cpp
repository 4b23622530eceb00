// x86_64 interrupts: the local APIC of each CPU (its timer is the tick, its
// ICR sends IPIs), the IDT gates of the vectors in use, and the interrupt
// handler (vectors.S saves the interrupted context in a TrapFrame on the
// current kernel stack, calls it, and returns through the frame). The 8259
// PICs stay masked (platform.cpp); device lines come through the I/O APICs
// (io_apic.h, device_lines.cpp).
#include "arch/arch.h"
#include "arch/x86_64/device_lines.h"
#include "arch/x86_64/interrupt_vectors.h"
#include "arch/x86_64/io_apic.h"
#include "arch/x86_64/local_apic.h"
#include "arch/x86_64/trap_frame.h"
#include "arch/x86_64/traps.h"
#include "core/interrupt_entry.h"
#include "lib/log.h"
#include "recovery/panic.h"

namespace arch {
using namespace x86_64;
namespace {
bool g_controller_ready = false;  // interrupts_init ran (gates, APIC mode, calibration)
}  // namespace

void interrupts_init() {
  if (g_controller_ready) recovery::panic("interrupts: interrupts_init called twice");
  interrupts_disable();
  for (uint8_t v : {kTimerVector, kIpiRescheduleVector, kIpiTlbShootdownVector, kSpuriousVector})
    idt_set_interrupt_gate(v);
  lapic::init();
  io_apic::init();
  g_controller_ready = true;
}

void interrupts_init_this_cpu() {
  if (!g_controller_ready) recovery::panic("interrupts: a CPU's init before interrupts_init");
  interrupts_disable();
  lapic::init_this_cpu();
}

Result<void> timer_start(uint64_t period_ns) {
  if (!lapic::this_cpu_ready()) return fail(Error::not_supported);
  if (period_ns < kMinTimerPeriodNs || period_ns > kMaxTimerPeriodNs)
    return fail(Error::out_of_range);
  return lapic::timer_start(period_ns);
}

void timer_stop() {
  if (lapic::this_cpu_ready()) lapic::timer_stop();
}

uint64_t timer_period_ns() { return lapic::this_cpu_ready() ? lapic::timer_period_ns() : 0; }

Result<void> send_ipi(unsigned cpu, Ipi kind) {
  return lapic::send_ipi(cpu,
                         kind == Ipi::reschedule ? kIpiRescheduleVector : kIpiTlbShootdownVector);
}

}  // namespace arch

extern "C" void x86_64_interrupt(arch::x86_64::TrapFrame* frame) {
  using namespace arch::x86_64;
  core::InterruptScope scope;
  core::InterruptSource source;
  unsigned line = 0;
  switch (frame->vector) {
    case kSpuriousVector: return;  // the only one without an EOI
    case kTimerVector:
      // A tick already accepted when the timer was stopped, or one that
      // fired while the last tick's handler overran: not a tick.
      if (!lapic::timer_running() || !lapic::timer_tick_due()) {
        lapic::end_of_interrupt();
        return;
      }
      source = core::InterruptSource::timer;
      break;
    case kIpiRescheduleVector: source = core::InterruptSource::reschedule; break;
    case kIpiTlbShootdownVector: source = core::InterruptSource::tlb_shootdown; break;
    default:
      // Masked until its driver acknowledges it (core/interrupt_object.h).
      if (device_line_of_vector(frame->vector, line)) {
        source = core::InterruptSource::device;
        break;
      }
      // Only the vectors above and device lines have gates; this would be a
      // broken IDT, or a device line disabled after its vector was accepted.
      lapic::end_of_interrupt();
      KLOG_ERROR("interrupts: unexpected vector %lu", static_cast<unsigned long>(frame->vector));
      return;
  }
  // EOI before the portable handler: it may switch threads, and the APIC
  // would hold back every interrupt of this priority class until the EOI.
  lapic::end_of_interrupt();
  core::handle_interrupt(source, line);
  if (source == core::InterruptSource::timer) lapic::timer_tick_done();
}
