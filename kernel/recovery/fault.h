// What went wrong, as catch_unwind reports it: a CPU fault or a failed check
// in kernel code, or a C++ exception, with where it happened.
#pragma once
#include <cstddef>
#include <cstdint>
#include <exception>

#include "recovery/backtrace.h"

namespace recovery {

enum class FaultKind : uint8_t {
  cpp_exception,          // a C++ throw
  page_fault,             // data abort / #PF: `address` is the faulting data address
  instruction_fault,      // instruction abort / #PF on fetch: `address` is the target
  undefined_instruction,  // UDF / #UD
  divide_error,           // #DE (x86: aarch64 division never traps)
  alignment,              // misaligned access or misaligned SP/PC
  protection,             // x86 #GP and other protection faults
  stack_overflow,         // an access to a kernel stack's guard page
  assertion,              // KASSERT failed
  panic,                  // panic() called
  cfi_violation,          // a corrupted return address was detected
  unknown_trap,           // any other synchronous exception
  killed,                 // (a process) killed on request, not by a fault
};

const char* to_string(FaultKind kind);

struct Fault {
  static constexpr size_t kMessageSize = 96;

  FaultKind kind = FaultKind::unknown_trap;
  uintptr_t address = 0;  // faulting data address, where the kind has one
  uintptr_t pc = 0;       // faulting instruction, or the throw site
  char message[kMessageSize] = {};
  Backtrace backtrace;  // return addresses, innermost first

  // Fills `message` printf-style (truncating).
  void set_message(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
};

// The C++ exception that carries a Fault from the point of failure to the
// nearest catch_unwind. Deliberately derives from std::exception so that
// generic handlers see it, and carries everything by value (no allocation).
class FaultException : public std::exception {
 public:
  explicit FaultException(const Fault& fault) : fault_(fault) {}
  const char* what() const noexcept override { return fault_.message; }
  const Fault& fault() const { return fault_; }

 private:
  Fault fault_;
};

}  // namespace recovery
