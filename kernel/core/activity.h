// Counters of what the kernel does, for tests that check a path does none of
// it (an in-TAS call enters no system call and switches no address space).
// Not resources: leak comparisons ignore them. Updated under the big kernel
// lock.
#pragma once
#include <cstdint>

#include "core/big_kernel_lock.h"

namespace core::activity {
// System calls entered (kept beside the lock word: see big_kernel_lock.h).
inline void count_syscall() { ++bkl::detail::g_lock.syscalls; }
inline uint64_t syscalls() { return bkl::detail::g_lock.syscalls; }
inline uint64_t space_switches = 0;  // user address-space (page-table root) loads
inline uint64_t ipc_fast_paths = 0;  // IPC calls and replies the fast path took (ipc_fast_path.h)
}  // namespace core::activity
