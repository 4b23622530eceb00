#include "core/interrupt_entry.h"

#include "arch/arch.h"
#include "core/big_kernel_lock.h"
#include "core/cpu_local.h"
#include "core/interrupt_object.h"
#include "core/timer.h"
#include "lib/log.h"
#include "recovery/catch_unwind.h"
#include "recovery/panic.h"

namespace core {
namespace {

InterruptStats g_stats[arch::kMaxCpus];
InterruptHook g_test_hook = nullptr;

const char* name_of(InterruptSource source) {
  switch (source) {
    case InterruptSource::timer: return "timer";
    case InterruptSource::reschedule: return "reschedule IPI";
    case InterruptSource::tlb_shootdown: return "TLB shootdown IPI";
    case InterruptSource::device: return "device interrupt";
  }
  return "?";
}

void run_handler(InterruptSource source, unsigned line) {
  KASSERT(this_cpu().interrupt_depth > 0);  // the arch handler holds an InterruptScope
  switch (source) {
    case InterruptSource::timer: timer_interrupt(); break;
    // Nothing to do: the way back to user mode (or the idle loop) switches
    // to the thread another CPU made ready here.
    case InterruptSource::reschedule: break;
    case InterruptSource::tlb_shootdown: arch::serve_tlb_shootdown(); break;
    case InterruptSource::device: InterruptObject::fire(line); break;
  }
  if (InterruptHook hook = g_test_hook) hook(source);
}

}  // namespace

InterruptScope::InterruptScope() { ++this_cpu().interrupt_depth; }
InterruptScope::~InterruptScope() { --this_cpu().interrupt_depth; }

void handle_interrupt(InterruptSource source, unsigned line) {
  InterruptStats& stats = g_stats[this_cpu().id];
  ++stats.taken[static_cast<unsigned>(source)];
  // Taken in user mode, the entry took the big kernel lock already; in the
  // idle wait, nobody did. A TLB shootdown is served without it: its holder
  // may be the CPU waiting for this one to finish.
  const bool lock = source != InterruptSource::tlb_shootdown && !bkl::held_here();
  if (lock) bkl::acquire();
  auto done = recovery::catch_unwind([source, line] { run_handler(source, line); });
  if (!done) {
    ++stats.faults;
    const recovery::Fault& f = done.error();
    KLOG_ERROR("interrupt: the %s handler raised %s at pc %p: %s (the interrupted code goes on)",
               name_of(source), recovery::to_string(f.kind), reinterpret_cast<void*>(f.pc),
               f.message);
  }
  if (lock) bkl::release();
}

InterruptStats interrupt_stats() { return g_stats[this_cpu().id]; }

void set_interrupt_test_hook(InterruptHook hook) { g_test_hook = hook; }

}  // namespace core
