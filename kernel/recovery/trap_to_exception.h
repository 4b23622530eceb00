// The portable half of "CPU faults become C++ exceptions". The arch trap
// handler decodes a kernel-mode fault into a Fault and asks on_kernel_fault:
//  - inside a catch_unwind region: returns true, and the arch code resumes the
//    faulting context in its fault trampoline, whose CFI presents the saved
//    registers as a signal frame; the trampoline calls throw_fault(), so the
//    exception unwinds from the faulting instruction, through its function;
//  - outside any region: halts with the fault and a backtrace.
#pragma once
#include <cstdint>

#include "recovery/fault.h"

namespace recovery {

bool on_kernel_fault(const Fault& fault);

// True if the kernel has unwind tables for `pc`. A fault at a pc without them
// (a call through a bad function pointer) cannot unwind from there: the arch
// code then raises it at the call site instead.
bool has_unwind_info(uintptr_t pc);

// Throws `fault` as a FaultException with a backtrace starting at fault.pc.
[[noreturn]] void throw_fault(Fault fault);

}  // namespace recovery
