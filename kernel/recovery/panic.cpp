#include "recovery/panic.h"

#include <cstdarg>

#include "arch/arch.h"
#include "lib/format.h"
#include "lib/log.h"
#include "recovery/recovery_state.h"

namespace recovery {

void halt_with(const Fault& fault) {
  klog::print("\nKERNEL PANIC: %s at pc %p", to_string(fault.kind),
              reinterpret_cast<void*>(fault.pc));
  if (fault.address != 0) klog::print(" address %p", reinterpret_cast<void*>(fault.address));
  klog::print("\n  %s\n", fault.message);
  print_backtrace(fault.backtrace);
  klog::print("system halted\n");
  arch::shutdown(arch::kExitPanic);
}

void raise(const Fault& fault) {
  if (in_region()) throw FaultException(fault);
  halt_with(fault);
}

static Fault here(FaultKind kind) {
  Fault f;
  f.kind = kind;
  capture_backtrace(f.backtrace, 2);  // skip here() and panic()/assertion_failed()
  f.pc = f.backtrace.depth > 0 ? f.backtrace.pc[0] : 0;
  return f;
}

void panic(const char* fmt, ...) {
  Fault f = here(FaultKind::panic);
  va_list args;
  va_start(args, fmt);
  lib::vformat(f.message, sizeof f.message, fmt, args);
  va_end(args);
  raise(f);
}

void assertion_failed(const char* expr, const char* file, int line) {
  Fault f = here(FaultKind::assertion);
  f.set_message("%s (%s:%d)", expr, file, line);
  raise(f);
}

}  // namespace recovery
