// Where the IPC message words travel (abi/rebound/syscall.h): the index of
// each word among the saved argument registers a system call handler gets.
// Words 0 and 1 go back out through the value registers of every call's
// result; the others are written back into their argument slots, which the
// exit path restores.
#pragma once
#include "rebound/syscall.h"

namespace arch {

// The handle a message carries (0: none) is argument 7 on both: x7, r13.
inline constexpr unsigned kIpcHandleArg = 7;

#if defined(__aarch64__)
// x0 the handle (and the error out), words in x1..x6: in order.
inline constexpr unsigned kIpcWordArg[REBOUND_IPC_WORDS] = {1, 2, 3, 4, 5, 6};
#elif defined(__x86_64__)
// Arguments rdi rsi rdx r10 r8 r9 r12 r13; words in rdx r8 (the value
// registers) rsi r10 r9 r12.
inline constexpr unsigned kIpcWordArg[REBOUND_IPC_WORDS] = {2, 4, 1, 3, 5, 6};
#else
#error "unknown architecture"
#endif

}  // namespace arch
