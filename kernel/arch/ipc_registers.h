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

// And where an IPC call's result goes among the same saved registers,
// counted from the arguments' start: the error (0 for success), then each
// word (words 0 and 1 in the value registers). The fast path puts a message
// straight there when the partner waits in it (core/ipc_fast_path.h).
#if defined(__aarch64__)
// x0 the handle (and the error out), words in x1..x6: in order.
inline constexpr unsigned kIpcWordArg[REBOUND_IPC_WORDS] = {1, 2, 3, 4, 5, 6};
inline constexpr unsigned kIpcErrorOut = 0;
inline constexpr unsigned kIpcWordOut[REBOUND_IPC_WORDS] = {1, 2, 3, 4, 5, 6};
#elif defined(__x86_64__)
// Arguments rdi rsi rdx r10 r8 r9 r12 r13; words in rdx r8 (the value
// registers) rsi r10 r9 r12. The error and values go out in the frame's
// rax, rdx and r8, which lies right above the eight saved arguments
// (user_entry.S; user_mode.cpp checks these).
inline constexpr unsigned kIpcWordArg[REBOUND_IPC_WORDS] = {2, 4, 1, 3, 5, 6};
inline constexpr unsigned kIpcErrorOut = 8 + 2;
inline constexpr unsigned kIpcWordOut[REBOUND_IPC_WORDS] = {8 + 3, 8 + 9, 1, 3, 5, 6};
#else
#error "unknown architecture"
#endif

}  // namespace arch
