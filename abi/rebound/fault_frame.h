/* Fault delivery: the frame the kernel writes on a user thread's stack when
   it hands a fault to its process's fault handler (FAULT_HANDLER_SET,
   docs/syscalls.md "Fault delivery"). Shared by the kernel, the TAS runtime
   and user C code; assembly includes it for the offsets (the CFI of a
   handler's entry describes the frame with them). Layout is ABI.

   When a thread of a process with a handler takes a fault that would kill
   the process (after demand paging had its chance), the kernel writes a
   struct rebound_fault_frame at
       F = (SP - REBOUND_FAULT_FRAME_RED_ZONE - REBOUND_FAULT_FRAME_SIZE) & ~15
   (SP: the interrupted stack pointer) through its checked user copy, and
   resumes the thread at the handler with:
       aarch64   pc = handler, sp = F, x0 = F
       x86_64    rip = handler, rsp = F, rdi = F; RFLAGS.TF and DF cleared
   Every other register (x30/LR included) is as it was at the fault. This
   is not a call: nothing but the frame is pushed (x86_64: no return
   address; rsp is 16-byte aligned, not 8 mod 16), so the handler's entry is
   assembly that calls C with the frame (x86_64: a `call` from there gives
   the callee the usual alignment). The kernel never reads the frame back:
   to go on after the fault, user code restores the registers from it
   itself (or unwinds from it, as the TAS does).

   pc/rip is the faulting instruction itself for every kind (x86_64 #BP:
   the int3, not the byte after it); to continue past it, advance pc. The
   one exception is a trap raised after an instruction, x86_64's debug
   trap (#DB, single-step): rip is the next instruction, as the CPU says.
   A fault in the handler is delivered the same way (another frame, below);
   when a frame cannot be written (SP unmapped, read-only, outside the user
   half, or the stack is used up), the process is killed with the fault as
   if it had no handler.

   Register n of DWARF's numbering is at n * 8 (aarch64: x0-x30 = 0-30,
   sp = 31; x86_64: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 = 0-15), and the
   return address column (aarch64 pc, x86_64 rip = column 16) follows. */
#ifndef REBOUND_ABI_FAULT_FRAME_H
#define REBOUND_ABI_FAULT_FRAME_H

#if defined(__aarch64__)
#define REBOUND_FAULT_FRAME_X(n) ((n)*8) /* x0..x30 */
#define REBOUND_FAULT_FRAME_SP 248
#define REBOUND_FAULT_FRAME_PC 256
#define REBOUND_FAULT_FRAME_PSTATE 264 /* SPSR_EL1 of the fault: NZCV etc. */
#define REBOUND_FAULT_FRAME_KIND 272
#define REBOUND_FAULT_FRAME_ADDRESS 280
#define REBOUND_FAULT_FRAME_SYNDROME 288 /* ESR_EL1 */
#define REBOUND_FAULT_FRAME_SIZE 304
#define REBOUND_FAULT_FRAME_RED_ZONE 0 /* AAPCS64 has none */
#define REBOUND_FAULT_HANDLER_ALIGN 4  /* instructions are 4-byte aligned */
#elif defined(__x86_64__)
#define REBOUND_FAULT_FRAME_RAX 0
#define REBOUND_FAULT_FRAME_RDX 8
#define REBOUND_FAULT_FRAME_RCX 16
#define REBOUND_FAULT_FRAME_RBX 24
#define REBOUND_FAULT_FRAME_RSI 32
#define REBOUND_FAULT_FRAME_RDI 40
#define REBOUND_FAULT_FRAME_RBP 48
#define REBOUND_FAULT_FRAME_RSP 56
#define REBOUND_FAULT_FRAME_R(n) ((n)*8) /* r8..r15 */
#define REBOUND_FAULT_FRAME_RIP 128
#define REBOUND_FAULT_FRAME_RFLAGS 136
#define REBOUND_FAULT_FRAME_KIND 144
#define REBOUND_FAULT_FRAME_ADDRESS 152
#define REBOUND_FAULT_FRAME_SYNDROME 160 /* the exception's error code, 0 if it has none */
#define REBOUND_FAULT_FRAME_VECTOR 168   /* the exception vector: 14 #PF, 6 #UD, 13 #GP ... */
#define REBOUND_FAULT_FRAME_SIZE 176
#define REBOUND_FAULT_FRAME_RED_ZONE 128 /* the SysV ABI's, left intact */
#define REBOUND_FAULT_HANDLER_ALIGN 1
#else
#error "unknown architecture"
#endif

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "syscall.h" /* enum rebound_fault */

struct rebound_fault_frame {
#if defined(__aarch64__)
  uint64_t x[31];
  uint64_t sp;
  uint64_t pc;
  uint64_t pstate;
#else
  uint64_t rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp;
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rip;
  uint64_t rflags;
#endif
  uint64_t kind;     /* enum rebound_fault (syscall.h) */
  uint64_t address;  /* page and instruction faults: the faulting address (FAR_EL1 /
                        CR2); aarch64 alignment faults: the misaligned pc or sp;
                        otherwise 0 */
  uint64_t syndrome; /* raw: see the offsets above */
#if defined(__aarch64__)
  uint64_t reserved; /* 0; keeps the size a multiple of 16 */
#else
  uint64_t vector;
#endif
};

#ifdef __cplusplus
#define REBOUND_FAULT_FRAME_CHECK(c) static_assert(c, #c)
#else
#define REBOUND_FAULT_FRAME_CHECK(c) _Static_assert(c, #c)
#endif
REBOUND_FAULT_FRAME_CHECK(sizeof(struct rebound_fault_frame) == REBOUND_FAULT_FRAME_SIZE);
REBOUND_FAULT_FRAME_CHECK(REBOUND_FAULT_FRAME_SIZE % 16 == 0);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, kind) == REBOUND_FAULT_FRAME_KIND);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, address) ==
                          REBOUND_FAULT_FRAME_ADDRESS);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, syndrome) ==
                          REBOUND_FAULT_FRAME_SYNDROME);
#if defined(__aarch64__)
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, x[30]) == REBOUND_FAULT_FRAME_X(30));
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, sp) == REBOUND_FAULT_FRAME_SP);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, pc) == REBOUND_FAULT_FRAME_PC);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, pstate) ==
                          REBOUND_FAULT_FRAME_PSTATE);
#else
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, rbx) == REBOUND_FAULT_FRAME_RBX);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, rdi) == REBOUND_FAULT_FRAME_RDI);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, rsp) == REBOUND_FAULT_FRAME_RSP);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, r8) == REBOUND_FAULT_FRAME_R(8));
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, r15) == REBOUND_FAULT_FRAME_R(15));
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, rip) == REBOUND_FAULT_FRAME_RIP);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, rflags) ==
                          REBOUND_FAULT_FRAME_RFLAGS);
REBOUND_FAULT_FRAME_CHECK(offsetof(struct rebound_fault_frame, vector) ==
                          REBOUND_FAULT_FRAME_VECTOR);
#endif
#undef REBOUND_FAULT_FRAME_CHECK
#endif /* !__ASSEMBLER__ */

#endif
