// Entries from user mode and the ways back (arch.h "User mode";
// user_mode.cpp has the C++ halves).
//
// Stack: every entry from user mode saves the user context as a TrapFrame
// (trap_frame.h) at the top of the running thread's kernel stack: exceptions
// and interrupts through TSS.rsp0, SYSCALL through CpuLocal::kernel_entry_stack
// (the instruction switches no stack). Both are that top, set on every
// context switch (arch::set_kernel_entry_stack). The C++ handler runs below
// the frame with interrupts masked; it may switch threads, and this thread
// comes back to the same frame later and returns to user mode through it.
//
// GS: in user mode IA32_GS_BASE is the user's GS base and
// IA32_KERNEL_GS_BASE this CPU's CpuLocal block; in the kernel it is the
// other way round. Every entry from user mode begins with swapgs, every
// return to user mode ends with one, and nothing touches %gs before the
// first or after the second. Entries from the kernel (CPL 0 in the
// interrupted CS) never swap: vectors.S sends only CPL 3 entries here.
//
// Unwinding: the frame holds user registers, which no kernel unwind may
// restore, so each entry is the outermost frame of the kernel stack (%rip
// undefined): a backtrace taken in a system call ends here, and an
// exception that nothing caught ends in std::terminate instead of walking
// into user code.

#include "arch/x86_64/entry_macros.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/user_entry.h"

// CFI of the entry code from where RSP is the TrapFrame: the CFA is the top
// of the kernel stack, and the return address is undefined (outermost).
.macro USER_FRAME_CFI
  .cfi_def_cfa %rsp, FRAME_SIZE
  .cfi_undefined %rip
.endm

// After SAVE_REGISTERS on entry from user mode: the kernel's RFLAGS.
// Interrupt gates clear IF and TF but keep AC (which would lift SMAP);
// cld already cleared DF.
.macro KERNEL_FLAGS
  pushq $2
  .cfi_adjust_cfa_offset 8
  popfq
  .cfi_adjust_cfa_offset -8
.endm

  .text

// SYSCALL (IA32_LSTAR): RCX = user RIP, R11 = user RFLAGS, RSP = user RSP;
// SFMASK has cleared IF, DF, TF, AC, NT and IOPL. The frame gets the user's
// RIP, RFLAGS and RSP where an interrupt frame has them, so that every
// entry from user mode has the same frame; the selectors, error code and
// vector slots are filled only on the rare IRETQ way out, which needs CS
// and SS (nothing else reads them from a system call's frame).
//
// Below the frame the entry stores the six argument registers in their ABI
// order (rdi rsi rdx r10 r8 r9: SYSCALL_ARGS), and r12 and r13, the last IPC
// message register and the IPC handle register (arch/ipc_registers.h), which the C++ code reads as the system
// call's arguments, and the exit restores them from there: rax (the number,
// passed in a register), rdx and r8 come back from the frame, where the C++
// code writes the result. Nothing else is saved: rcx and r11 belong to
// SYSCALL itself, and rbx, rbp, r13-r15 (and r12) are callee-saved, so
// every function the call runs -- and a context switch -- gives them back,
// and nothing reads them from the frame of a system call (a fault report
// uses RIP; a killed thread never returns). The frame's other register
// slots, and CR2's, are left as they were until the rare IRETQ exit
// completes them.
#define ARG_RDI 0
#define ARG_RSI 8
#define ARG_RDX 16
#define ARG_R10 24
#define ARG_R8 32
#define ARG_R9 40
#define ARG_R12 48
#define ARG_R13 56
  .balign 16
  .global x86_64_syscall_entry
  .type x86_64_syscall_entry, @function
x86_64_syscall_entry:
  .cfi_startproc simple
  .cfi_def_cfa %rsp, 0
  .cfi_undefined %rip
  swapgs
  mov %rsp, %gs:CPU_LOCAL_USER_SP_SCRATCH
  mov %gs:CPU_LOCAL_KERNEL_ENTRY_STACK, %rsp
  sub $(FRAME_SIZE + SYSCALL_ARGS), %rsp
  .cfi_def_cfa %rsp, FRAME_SIZE + SYSCALL_ARGS
  .cfi_undefined %rip
  mov %rcx, SYSCALL_ARGS + FRAME_RIP(%rsp)
  mov %r11, SYSCALL_ARGS + FRAME_RFLAGS(%rsp)
  mov %gs:CPU_LOCAL_USER_SP_SCRATCH, %rcx
  mov %rcx, SYSCALL_ARGS + FRAME_RSP(%rsp)
  mov %rdi, ARG_RDI(%rsp)
  mov %rsi, ARG_RSI(%rsp)
  mov %rdx, ARG_RDX(%rsp)
  mov %r10, ARG_R10(%rsp)
  mov %r8, ARG_R8(%rsp)
  mov %r9, ARG_R9(%rsp)
  mov %r12, ARG_R12(%rsp)
  mov %r13, ARG_R13(%rsp)
  lea SYSCALL_ARGS(%rsp), %rdi  // the frame
  mov %rsp, %rsi              // the arguments
  mov %rax, %rdx              // the number (DF is clear: SFMASK)
  // IPC_CALL and IPC_REPLY_RECEIVE have an entry of their own, with the
  // IPC fast path inline (rcx is free: saved in the frame).
  lea -X86_SYS_IPC_CALL(%rax), %rcx
  cmp $1, %rcx
  jbe 2f
  call x86_64_syscall         // user_mode.cpp: the call, then prepare_user_return
3:
  // SYSRET loads RIP from RCX and RFLAGS from R11 (both clobbered by the
  // ABI) and CS/SS from STAR. On Intel CPUs a SYSRET to a non-canonical RIP
  // raises #GP in ring 0 with the user's RSP already loaded, and so does an
  // IRETQ: such a RIP (a system call in the last two bytes of the user
  // half) kills the process instead (x86_64_syscall_noncanonical); any
  // other RIP above the user half leaves through IRETQ, which faults in
  // user mode.
  mov SYSCALL_ARGS + FRAME_RIP(%rsp), %rcx
  mov %rcx, %r11
  sar $47, %r11
  jnz 1f
  mov SYSCALL_ARGS + FRAME_RFLAGS(%rsp), %r11
  mov SYSCALL_ARGS + FRAME_RAX(%rsp), %rax
  mov SYSCALL_ARGS + FRAME_RDX(%rsp), %rdx
  mov SYSCALL_ARGS + FRAME_R8(%rsp), %r8
  mov ARG_RDI(%rsp), %rdi
  mov ARG_RSI(%rsp), %rsi
  mov ARG_R10(%rsp), %r10
  mov ARG_R9(%rsp), %r9
  mov ARG_R12(%rsp), %r12
  mov ARG_R13(%rsp), %r13
  mov SYSCALL_ARGS + FRAME_RSP(%rsp), %rsp
  swapgs
  sysretq
  // The IRETQ way restores the whole frame: complete it with the saved
  // arguments, the live callee-saved registers, rcx/r11 as SYSRET would
  // have set them, and the selectors.
1:mov %rcx, %r11              // canonical: RIP survives a 16-bit sign extension
  shl $16, %r11
  sar $16, %r11
  cmp %rcx, %r11
  je 4f
  lea SYSCALL_ARGS(%rsp), %rdi
  call x86_64_syscall_noncanonical  // user_mode.cpp: never returns
4:movq $X86_USER_CS, SYSCALL_ARGS + FRAME_CS(%rsp)
  movq $X86_USER_DS, SYSCALL_ARGS + FRAME_SS(%rsp)
  mov ARG_RDI(%rsp), %rax
  mov %rax, SYSCALL_ARGS + FRAME_RDI(%rsp)
  mov ARG_RSI(%rsp), %rax
  mov %rax, SYSCALL_ARGS + FRAME_RSI(%rsp)
  mov ARG_R10(%rsp), %rax
  mov %rax, SYSCALL_ARGS + FRAME_R10(%rsp)
  mov ARG_R9(%rsp), %rax
  mov %rax, SYSCALL_ARGS + FRAME_R9(%rsp)
  mov ARG_R12(%rsp), %r12
  mov ARG_R13(%rsp), %r13
  add $SYSCALL_ARGS, %rsp
  .cfi_def_cfa %rsp, FRAME_SIZE
  mov %rbx, FRAME_RBX(%rsp)
  mov %rbp, FRAME_RBP(%rsp)
  mov %r12, FRAME_R12(%rsp)
  mov %r13, FRAME_R13(%rsp)
  mov %r14, FRAME_R14(%rsp)
  mov %r15, FRAME_R15(%rsp)
  mov %rcx, FRAME_RCX(%rsp)
  mov FRAME_RFLAGS(%rsp), %r11
  mov %r11, FRAME_R11(%rsp)
  jmp x86_64_return_to_user
2:.cfi_def_cfa %rsp, FRAME_SIZE + SYSCALL_ARGS
  je 5f                       // (the cmp's: rcx 1) user_mode.cpp: the two IPC calls
  call x86_64_syscall_ipc_call
  jmp 3b
5:call x86_64_syscall_ipc_reply_receive
  jmp 3b
  .cfi_endproc
  .size x86_64_syscall_entry, . - x86_64_syscall_entry

// An exception from user mode (from trap_entry, vectors.S): RSP at the
// vector the stub pushed, the error code and the CPU's frame above it.
  .type x86_64_user_trap_entry, @function
  .global x86_64_user_trap_entry
x86_64_user_trap_entry:
  .cfi_startproc simple
  .cfi_def_cfa %rsp, FRAME_SIZE - FRAME_VECTOR
  .cfi_undefined %rip
  swapgs
  SAVE_REGISTERS %cr2
  USER_FRAME_CFI
  KERNEL_FLAGS
  mov %rsp, %rdi
  call x86_64_user_trap       // traps.cpp: returns only to resume the user code
  jmp x86_64_return_to_user
  .cfi_endproc
  .size x86_64_user_trap_entry, . - x86_64_user_trap_entry

// An interrupt from user mode (from irq_entry, vectors.S).
  .type x86_64_user_irq_entry, @function
  .global x86_64_user_irq_entry
x86_64_user_irq_entry:
  .cfi_startproc simple
  .cfi_def_cfa %rsp, FRAME_SIZE - FRAME_VECTOR
  .cfi_undefined %rip
  swapgs
  SAVE_REGISTERS $0
  USER_FRAME_CFI
  KERNEL_FLAGS
  mov %rsp, %rdi
  call x86_64_user_interrupt  // user_mode.cpp: the kernel's handler, then a preemption point
  jmp x86_64_return_to_user
  .cfi_endproc
  .size x86_64_user_irq_entry, . - x86_64_user_irq_entry

// Back to user mode through the TrapFrame at RSP (RIP canonical: checked by
// prepare_user_return; CS and SS are the user selectors, which user code
// cannot change).
  .type x86_64_return_to_user, @function
x86_64_return_to_user:
  .cfi_startproc simple
  USER_FRAME_CFI
  RESTORE_REGISTERS
  swapgs
  iretq
  .cfi_endproc
  .size x86_64_return_to_user, . - x86_64_return_to_user

// x86_64_enter_user(kernel_stack_top, pc, sp, arg0, arg1, arg2, arg3): the
// first entry into user mode of a thread. Its kernel stack is abandoned: the
// interrupt frame is built at its top, where every later entry saves the user
// context. rdi/rsi/rdx/rcx are the arguments (arg3 came on the stack), every
// other register zero.
  .balign 16
  .global x86_64_enter_user
  .type x86_64_enter_user, @function
x86_64_enter_user:
  .cfi_startproc simple
  .cfi_def_cfa %rsp, 8
  .cfi_undefined %rip
  mov 8(%rsp), %rax           // arg3
  mov %rdi, %rsp
  .cfi_def_cfa %rsp, 0
  pushq $X86_USER_DS
  pushq %rdx                  // RSP
  pushq $X86_USER_RFLAGS
  pushq $X86_USER_CS
  pushq %rsi                  // RIP
  mov %rcx, %rdi
  mov %r8, %rsi
  mov %r9, %rdx
  mov %rax, %rcx
  xor %eax, %eax
  xor %ebx, %ebx
  xor %ebp, %ebp
  xor %r8d, %r8d
  xor %r9d, %r9d
  xor %r10d, %r10d
  xor %r11d, %r11d
  xor %r12d, %r12d
  xor %r13d, %r13d
  xor %r14d, %r14d
  xor %r15d, %r15d
  swapgs
  iretq
  .cfi_endproc
  .size x86_64_enter_user, . - x86_64_enter_user
