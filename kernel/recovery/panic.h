// panic() and KASSERT: inside a catch_unwind region they throw (backward
// recovery takes over); outside any region (early boot) they print the message
// and a backtrace and stop the machine.
#pragma once
#include "recovery/fault.h"

namespace recovery {

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);
// Raises `fault` at this point: a throw inside a region, a halt outside one.
[[noreturn]] void raise(const Fault& fault);
// Prints the fault and its backtrace, then stops the machine. For failures no
// catch_unwind can take.
[[noreturn]] void halt_with(const Fault& fault);

}  // namespace recovery

#define KASSERT(cond) \
  ((cond) ? static_cast<void>(0) : ::recovery::assertion_failed(#cond, __FILE__, __LINE__))
