// What a switch to a thread changes in the CPU for user mode, inline for
// the context switch (core/scheduler.h): where entries from user mode land
// (set_kernel_entry_stack(this CPU's block, the thread's stack top)), and
// which address space is the user half (load_user_space).
#pragma once
#include <cstdint>

#include "arch/arch.h"

#if defined(__aarch64__)
#include "arch/aarch64/user_space.h"
#elif defined(__x86_64__)
#include "arch/x86_64/user_space.h"
#else
#error "unknown architecture"
#endif
