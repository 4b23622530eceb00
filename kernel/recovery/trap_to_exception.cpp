#include "recovery/trap_to_exception.h"

#include "recovery/panic.h"
#include "recovery/recovery_state.h"

namespace recovery {

namespace {

// Walks from the caller and drops the frames above the faulting instruction
// (trap handler or trampoline glue): the walk passes through the trap frame,
// whose CFI makes the faulting pc a frame of its own.
void capture_from_fault(Fault& fault) {
  capture_backtrace(fault.backtrace, 1);
  Backtrace& bt = fault.backtrace;
  unsigned first = 0;
  while (first < bt.depth && bt.pc[first] != fault.pc) ++first;
  if (first == bt.depth) return;  // not found: keep the whole walk
  for (unsigned i = first; i < bt.depth; ++i) bt.pc[i - first] = bt.pc[i];
  bt.depth = static_cast<uint8_t>(bt.depth - first);
}

}  // namespace

bool on_kernel_fault(const Fault& fault) {
  if (in_region()) return true;
  Fault f = fault;
  capture_from_fault(f);
  halt_with(f);
}

void throw_fault(Fault fault) {
  capture_from_fault(fault);
  throw FaultException(fault);
}

}  // namespace recovery
