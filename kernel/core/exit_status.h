// How a thread or process ended: an exit code it chose, or the fault that
// killed it (kind and address). The same shape goes to user space.
#pragma once
#include <cstdint>

#include "recovery/fault.h"

namespace core {

struct ExitStatus {
  int64_t code = 0;
  bool killed = false;  // by a fault, not by exiting
  recovery::FaultKind fault = recovery::FaultKind::unknown_trap;
  uintptr_t address = 0;

  static ExitStatus exited(int64_t code) { return {code, false, {}, 0}; }
  static ExitStatus killed_by(const recovery::Fault& f) { return {-1, true, f.kind, f.address}; }
  // Ended on request (PROCESS_KILL, THREAD_KILL), not by a fault: a thread
  // that ends so does not take its process with it.
  static ExitStatus killed_on_request() { return {-1, true, recovery::FaultKind::killed, 0}; }
  bool ends_process() const { return killed && fault != recovery::FaultKind::killed; }
};

}  // namespace core
