// Fault delivery: a fault of a user thread that would kill its process goes
// instead to the process's fault handler (FAULT_HANDLER_SET), on the same
// thread, with the interrupted registers in a frame on the thread's own
// stack (abi/rebound/fault_frame.h). This is how the TAS gets its hardware
// faults as C++ exceptions at the faulting instruction, as the kernel does.
//
// The arch code knows the registers; this part decides whether the fault is
// delivered and writes the frame. Demand paging comes first (the arch code
// offers page faults to resolve_user_page_fault before anything else), and
// a frame is written only from an entry that saved the complete user state:
// the exception paths, never a system call's partial frame.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "rebound/fault_frame.h"
#include "recovery/fault.h"

namespace core {

struct FaultDelivery {
  uintptr_t handler;  // the thread resumes here,
  uintptr_t frame;    // with its stack pointer and first argument register here
};

// For a user fault that the kernel did not resolve: `frame` holds the
// complete user register state at the fault and its syndrome (filled by the
// arch code; kind and address are filled here from `fault`), `sp` is the
// interrupted stack pointer. If the calling thread's process has a fault
// handler and is not dying, writes the frame below `sp` (and its red zone)
// through the checked user copy, and returns where the thread resumes.
// Error::not_found when there is no handler or the process is dying,
// Error::bad_address (or another copy error) when the frame cannot be
// written: then the caller kills the process with `fault` (user_fault).
Result<FaultDelivery> deliver_user_fault(const recovery::Fault& fault, rebound_fault_frame& frame,
                                         uintptr_t sp);

}  // namespace core
