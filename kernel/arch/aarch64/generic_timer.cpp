#include "arch/aarch64/generic_timer.h"

#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"
#include "core/cpu_local.h"

namespace arch::aarch64::generic_timer {
namespace {

// CNTV_CTL_EL0.
constexpr uint64_t kCtlEnable = 1 << 0, kCtlMask = 1 << 1;

struct PerCpu {
  uint64_t period;     // in counter ticks; 0 while stopped
  uint64_t period_ns;  // as asked for
  uint64_t last_done;  // the counter when the last tick's handler returned
};
PerCpu g_cpus[kMaxCpus];

PerCpu& cpu() { return g_cpus[core::this_cpu().id]; }
uint64_t& period() { return cpu().period; }
uint64_t& last_done() { return cpu().last_done; }

uint64_t now() {
  isb();  // no earlier read of the counter than program order says
  return READ_SYSREG(cntvct_el0);
}

}  // namespace

void init_this_cpu() {
  // No access to the timers or counters from user mode (CNTKCTL_EL1 = 0):
  // the virtual timer is the kernel's tick, which user code must not stop,
  // and the clock is a system call.
  WRITE_SYSREG(cntkctl_el1, 0);
  WRITE_SYSREG(cntv_ctl_el0, kCtlMask);
  isb();
  period() = 0;
}

Result<void> start(uint64_t period_ns) {
  const uint64_t hz = READ_SYSREG(cntfrq_el0);
  const auto ticks =
      static_cast<uint64_t>(static_cast<unsigned __int128>(period_ns) * hz / 1000000000);
  if (ticks == 0) return fail(Error::out_of_range);
  period() = ticks;
  cpu().period_ns = period_ns;
  const uint64_t t = now();
  last_done() = t - ticks;  // the first tick is due
  WRITE_SYSREG(cntv_cval_el0, t + ticks);
  WRITE_SYSREG(cntv_ctl_el0, kCtlEnable);
  isb();
  return {};
}

void stop() {
  WRITE_SYSREG(cntv_ctl_el0, kCtlMask);
  isb();
  period() = 0;
}

uint64_t period_ns() { return period() != 0 ? cpu().period_ns : 0; }

Tick rearm() {
  const uint64_t ticks = period();
  if (ticks == 0) {  // stopped while this tick was pending
    WRITE_SYSREG(cntv_ctl_el0, kCtlMask);
    isb();
    return Tick::stopped;
  }
  // One period after the last deadline, so that the tick does not drift; if
  // the CPU fell more than a period behind (a stalled host under TCG), from
  // now, so that missed ticks are dropped rather than fired back to back.
  uint64_t next = READ_SYSREG(cntv_cval_el0) + ticks;
  const uint64_t t = now();
  if (next <= t) next = t + ticks;
  WRITE_SYSREG(cntv_cval_el0, next);
  isb();
  return t - last_done() < ticks / 4 ? Tick::overrun : Tick::due;
}

void tick_done() { last_done() = now(); }

}  // namespace arch::aarch64::generic_timer
