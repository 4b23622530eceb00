// aarch64 interrupts: the GICv3 found in the device tree, the virtual timer
// as each CPU's tick, SGIs as inter-processor interrupts, and the IRQ
// handler (vectors.S saves the interrupted context in a TrapFrame on the
// current kernel stack, calls it, and returns through the frame).
#include "arch/aarch64/device_lines.h"
#include "arch/aarch64/device_tree.h"
#include "arch/aarch64/generic_timer.h"
#include "arch/aarch64/gic_v3.h"
#include "arch/aarch64/trap_frame.h"
#include "arch/arch.h"
#include "boot/fdt.h"
#include "core/interrupt_entry.h"
#include "lib/log.h"
#include "recovery/panic.h"

namespace arch {
namespace {
using namespace aarch64;

bool g_controller_ready = false;  // interrupts_init ran (the distributor is set up)

uint32_t sgi_for(Ipi kind) {
  return kind == Ipi::reschedule ? gic::kSgiReschedule : gic::kSgiTlbShootdown;
}

}  // namespace

void interrupts_init() {
  if (g_controller_ready) recovery::panic("interrupts: interrupts_init called twice");
  interrupts_disable();
  boot::FdtRange regs[2];
  size_t count = 0;
  boot::FdtError error{};
  if (!boot::fdt_find_reg(g_device_tree.blob, g_device_tree.size, "arm,gic-v3", regs, 2, count,
                          error)) {
    if (error == boot::FdtError::not_found)
      recovery::panic("no GICv3 interrupt controller (QEMU: -M virt,gic-version=3)");
    recovery::panic("interrupts: %s", boot::to_string(error));
  }
  if (count < 2) recovery::panic("interrupts: the GICv3 node lacks its redistributor range");
  gic::init(regs[0].base, regs[0].size, regs[1].base, regs[1].size);
  g_controller_ready = true;
  interrupts_init_this_cpu();
  KLOG_INFO("interrupts: GICv3 (distributor %#lx, redistributors %#lx), virtual timer PPI %u",
            static_cast<unsigned long>(regs[0].base), static_cast<unsigned long>(regs[1].base),
            generic_timer::kVirtualTimerPpi);
}

void interrupts_init_this_cpu() {
  if (!g_controller_ready) recovery::panic("interrupts: a CPU's init before interrupts_init");
  interrupts_disable();
  generic_timer::init_this_cpu();
  gic::init_this_cpu();
}

Result<void> timer_start(uint64_t period_ns) {
  if (!gic::this_cpu_ready()) return fail(Error::not_supported);
  if (period_ns < kMinTimerPeriodNs || period_ns > kMaxTimerPeriodNs)
    return fail(Error::out_of_range);
  TRY_VOID(generic_timer::start(period_ns));
  gic::set_ppi_enabled(generic_timer::kVirtualTimerPpi, true);
  return {};
}

void timer_stop() {
  if (!gic::this_cpu_ready()) return;
  generic_timer::stop();
  gic::set_ppi_enabled(generic_timer::kVirtualTimerPpi, false);
}

uint64_t timer_period_ns() { return gic::this_cpu_ready() ? generic_timer::period_ns() : 0; }

Result<void> send_ipi(unsigned cpu, Ipi kind) { return gic::send_sgi(cpu, sgi_for(kind)); }

}  // namespace arch

extern "C" void aarch64_trap_irq(arch::aarch64::TrapFrame*) {
  using namespace arch::aarch64;
  core::InterruptScope scope;
  const uint32_t intid = gic::acknowledge();
  if (gic::is_spurious(intid)) return;  // withdrawn before we looked: no EOI
  core::InterruptSource source;
  switch (intid) {
    case generic_timer::kVirtualTimerPpi:
      // Rearming drops the line before the EOI.
      if (generic_timer::rearm() != generic_timer::Tick::due) {
        gic::end_of_interrupt(intid);
        return;
      }
      source = core::InterruptSource::timer;
      break;
    case gic::kSgiReschedule: source = core::InterruptSource::reschedule; break;
    case gic::kSgiTlbShootdown: source = core::InterruptSource::tlb_shootdown; break;
    default:
      if (device_line_enabled(intid)) {
        // Masked until its driver acknowledges it (core/interrupt_object.h);
        // a level-triggered line stays pending at the distributor meanwhile.
        gic::disable(intid);
        source = core::InterruptSource::device;
        break;
      }
      // Nothing enabled it on purpose: keep it from coming back.
      gic::disable(intid);
      gic::end_of_interrupt(intid);
      KLOG_ERROR("interrupts: unexpected interrupt %u, now disabled", intid);
      return;
  }
  // EOI before the portable handler: it may switch threads, and the GIC
  // would hold back every interrupt of this priority until the EOI.
  gic::end_of_interrupt(intid);
  core::handle_interrupt(source, intid);
  if (source == core::InterruptSource::timer) generic_timer::tick_done();
}
