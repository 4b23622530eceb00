// The user/kernel boundary on x86_64 (user_entry.S, user_mode.cpp): values
// the entry assembly uses, and the C++ side of it.
#pragma once

// Offsets of CpuLocal fields the SYSCALL entry reads through %gs
// (static_asserts in user_mode.cpp).
#define CPU_LOCAL_KERNEL_ENTRY_STACK 56
#define CPU_LOCAL_USER_SP_SCRATCH 64

// TrapFrame::vector of a system call's frame: not a CPU vector.
#define X86_SYSCALL_VECTOR 256

// The saved arguments below a system call's frame: rdi rsi rdx r10 r8 r9
// r12 r13, in that order (8 registers: the C++ call keeps RSP 16-aligned).
#define SYSCALL_ARGS 64

// REBOUND_SYS_IPC_CALL; it and REBOUND_SYS_IPC_REPLY_RECEIVE, the next,
// enter through functions of their own (static_asserts in user_mode.cpp).
#define X86_SYS_IPC_CALL 23

// RFLAGS on entering user mode: interrupts enabled (and the always-one bit).
#define X86_USER_RFLAGS 0x202

#ifndef __ASSEMBLER__
#include "arch/x86_64/trap_frame.h"
#include "recovery/fault.h"

namespace arch::x86_64 {

// This CPU's half of user mode: SYSCALL/SYSRET (EFER.SCE, STAR, LSTAR,
// SFMASK), SMEP and SMAP when the CPU has them. After gdt_init.
void user_mode_init();

// Every path back to user mode runs this last, with the user context in
// `frame`: it is a preemption point (core::before_user_return), and it
// makes sure the frame can be returned to (a user RFLAGS, a canonical RIP;
// else the process is killed, as the CPU would fault on that RIP).
void prepare_user_return(TrapFrame& frame);

// A user exception the kernel did not resolve, with the complete user state
// in `frame` (an exception entry, never SYSCALL's partial frame): delivered
// to the process's fault handler (core/fault_delivery.h) -- `frame` then
// resumes there -- or the process is killed with `fault` (never returns).
void deliver_or_kill(TrapFrame& frame, const recovery::Fault& fault);

}  // namespace arch::x86_64
#endif
