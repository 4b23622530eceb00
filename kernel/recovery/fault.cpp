#include "recovery/fault.h"

#include <cstdarg>

#include "lib/format.h"

namespace recovery {

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::cpp_exception: return "C++ exception";
    case FaultKind::page_fault: return "page fault";
    case FaultKind::instruction_fault: return "instruction fetch fault";
    case FaultKind::undefined_instruction: return "undefined instruction";
    case FaultKind::divide_error: return "divide error";
    case FaultKind::alignment: return "alignment fault";
    case FaultKind::protection: return "protection fault";
    case FaultKind::stack_overflow: return "kernel stack overflow";
    case FaultKind::assertion: return "assertion failed";
    case FaultKind::panic: return "panic";
    case FaultKind::cfi_violation: return "CFI violation";
    case FaultKind::unknown_trap: return "unknown trap";
  }
  return "?";
}

void Fault::set_message(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  lib::vformat(message, sizeof message, fmt, args);
  va_end(args);
}

}  // namespace recovery
