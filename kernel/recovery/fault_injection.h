// Named points where a test build can make code fail on purpose -- a C++
// throw or a null-pointer read -- to check that recovery unwinds cleanly
// from there; in the TAS also corrupted state or a hang, for its supervisor.
// Unarmed, a point costs one load and a branch. Armed by the DEBUG_INJECT
// system call (kernel, test builds), by kernel tests, or by the TAS's
// `faults` server.
#pragma once
#include <cstddef>

#include "rebound/syscall.h"

namespace recovery {

// The next `count` passes through `site` do `kind` (REBOUND_INJECT_*).
void arm_fault(const char* site, size_t length, unsigned kind, unsigned count);
void disarm_faults();
namespace detail {
extern unsigned g_armed_count;  // passes left for the armed site (0: none armed)
bool armed_fault_point(const char* site);
}  // namespace detail

// True when the armed kind is REBOUND_INJECT_CORRUPT: the caller then
// corrupts its own state (only it knows what that is). Inline: unarmed, a
// point is a load and a branch, with no call.
inline bool fault_point(const char* site) {
  if (detail::g_armed_count == 0) [[likely]]
    return false;
  return detail::armed_fault_point(site);
}

}  // namespace recovery
