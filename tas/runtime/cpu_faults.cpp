#include "runtime/cpu_faults.h"

#include "rebound/fault_frame.h"
#include "recovery/panic.h"
#include "recovery/trap_to_exception.h"
#include "runtime/sys.h"

extern "C" void tas_fault_entry();

namespace tas {
namespace {

using recovery::FaultKind;

// enum rebound_fault numbers FaultKind's kinds in the same order.
static_assert(static_cast<unsigned>(FaultKind::killed) == REBOUND_FAULT_KILLED);
static_assert(static_cast<unsigned>(FaultKind::page_fault) == REBOUND_FAULT_PAGE_FAULT);

#if defined(__aarch64__)
uint64_t& pc_of(rebound_fault_frame& f) { return f.pc; }
#elif defined(__x86_64__)
uint64_t& pc_of(rebound_fault_frame& f) { return f.rip; }
#endif

recovery::Fault describe(const rebound_fault_frame& frame, uint64_t pc) {
  recovery::Fault fault;
  fault.kind = frame.kind <= REBOUND_FAULT_KILLED ? static_cast<FaultKind>(frame.kind)
                                                  : FaultKind::unknown_trap;
  fault.address = frame.address;
  fault.pc = pc;
  if (fault.kind == FaultKind::page_fault || fault.kind == FaultKind::instruction_fault)
    fault.set_message("%s at %#lx", recovery::to_string(fault.kind),
                      static_cast<unsigned long>(frame.address));
  else
    fault.set_message("%s (syndrome %#lx)", recovery::to_string(fault.kind),
                      static_cast<unsigned long>(frame.syndrome));
  return fault;
}

// A jump or call to an address with no code (a bad function pointer):
// nothing there can be unwound, so the fault is raised at the call site,
// with the registers as the call left them -- as the kernel does.
bool move_to_call_site(rebound_fault_frame& frame) {
#if defined(__aarch64__)
  frame.pc = frame.x[30] - 4;
#elif defined(__x86_64__)
  frame.rip = *reinterpret_cast<const uint64_t*>(frame.rsp) - 1;
  frame.rsp += 8;
#endif
  return recovery::has_unwind_info(pc_of(frame));
}

}  // namespace

Result<void> take_cpu_faults() {
  return check(
      RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, reinterpret_cast<uintptr_t>(&tas_fault_entry)).error);
}

}  // namespace tas

// Called by tas_fault_entry with the kernel's frame; the unwinder reads the
// registers back from it, so a change here (the call site) is what it sees.
extern "C" [[noreturn, gnu::used]] void tas_fault(rebound_fault_frame* frame) {
  const recovery::Fault fault = tas::describe(*frame, tas::pc_of(*frame));
  // Outside any catch_unwind region a fault is the runtime's own: this
  // halts the TAS with the fault and its backtrace.
  recovery::on_kernel_fault(fault);
  if (!recovery::has_unwind_info(tas::pc_of(*frame)) && !tas::move_to_call_site(*frame))
    recovery::halt_with(fault);
  recovery::throw_fault(fault);
}
