#include "recovery/fault.h"

#include <cstdarg>

#include "lib/format.h"
#include "rebound/syscall.h"

namespace recovery {

// The kinds are ABI (rebound_fault): user space gets them in exit statuses.
static_assert(static_cast<int>(FaultKind::cpp_exception) == REBOUND_FAULT_CPP_EXCEPTION);
static_assert(static_cast<int>(FaultKind::page_fault) == REBOUND_FAULT_PAGE_FAULT);
static_assert(static_cast<int>(FaultKind::instruction_fault) == REBOUND_FAULT_INSTRUCTION_FAULT);
static_assert(static_cast<int>(FaultKind::undefined_instruction) ==
              REBOUND_FAULT_UNDEFINED_INSTRUCTION);
static_assert(static_cast<int>(FaultKind::divide_error) == REBOUND_FAULT_DIVIDE_ERROR);
static_assert(static_cast<int>(FaultKind::alignment) == REBOUND_FAULT_ALIGNMENT);
static_assert(static_cast<int>(FaultKind::protection) == REBOUND_FAULT_PROTECTION);
static_assert(static_cast<int>(FaultKind::stack_overflow) == REBOUND_FAULT_STACK_OVERFLOW);
static_assert(static_cast<int>(FaultKind::assertion) == REBOUND_FAULT_ASSERTION);
static_assert(static_cast<int>(FaultKind::panic) == REBOUND_FAULT_PANIC);
static_assert(static_cast<int>(FaultKind::cfi_violation) == REBOUND_FAULT_CFI_VIOLATION);
static_assert(static_cast<int>(FaultKind::unknown_trap) == REBOUND_FAULT_UNKNOWN_TRAP);
static_assert(static_cast<int>(FaultKind::killed) == REBOUND_FAULT_KILLED);

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
    case FaultKind::killed: return "killed";
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
