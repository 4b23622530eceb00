// What a switch to a thread changes in the CPU for user mode, inline for
// the context switch (core/scheduler.h): where entries from user mode land,
// and which address space is the user half.
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
