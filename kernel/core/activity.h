// Counters of what the kernel does, for tests that check a path does none of
// it (an in-TAS call enters no system call and switches no address space).
// Not resources: leak comparisons ignore them. Updated under the big kernel
// lock.
#pragma once
#include <cstdint>

namespace core::activity {
inline uint64_t syscalls = 0;        // system calls entered
inline uint64_t space_switches = 0;  // user address-space (page-table root) loads
}  // namespace core::activity
