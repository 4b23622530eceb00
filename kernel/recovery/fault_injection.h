// Named points where a test build can make kernel code fail on purpose -- a
// C++ throw or a kernel null-pointer read -- to check that recovery unwinds
// cleanly from there. Unarmed, a point costs one load and a branch. Armed by
// the DEBUG_INJECT system call (test builds) or by kernel tests.
#pragma once
#include <cstddef>

#include "rebound/syscall.h"

namespace recovery {

// The next `count` passes through `site` do `kind` (REBOUND_INJECT_*).
void arm_fault(const char* site, size_t length, unsigned kind, unsigned count);
void disarm_faults();
void fault_point(const char* site);

}  // namespace recovery
