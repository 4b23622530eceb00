// CPU faults in TAS code become C++ exceptions, as in the kernel. The
// kernel delivers a TAS thread's fault (page fault, undefined instruction,
// ...) to tas_fault_entry (arch/*/fault_entry.S) as a frame on the thread's
// stack; tas_fault throws it as a recovery::FaultException at the faulting
// instruction, so the request's catch_unwind gets it, its RAII frees what
// it held, and the request loop retries it. A fault outside any
// catch_unwind region is a fault of the runtime itself: it ends the TAS.
#pragma once
#include "lib/result.h"

namespace tas {

// Makes this process's CPU faults come to tas_fault_entry (all threads).
Result<void> take_cpu_faults();

}  // namespace tas
