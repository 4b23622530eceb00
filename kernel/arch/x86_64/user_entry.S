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
// RIP, RFLAGS, RSP and the user selectors where an interrupt frame has them,
// so that every entry from user mode has the same frame.
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
  pushq $X86_USER_DS
  pushq %gs:CPU_LOCAL_USER_SP_SCRATCH
  pushq %r11                  // RFLAGS
  pushq $X86_USER_CS
  pushq %rcx                  // RIP
  pushq $0                    // error code
  pushq $X86_SYSCALL_VECTOR
  SAVE_REGISTERS $0
  USER_FRAME_CFI
  mov %rsp, %rdi
  call x86_64_syscall         // user_mode.cpp: the call, then prepare_user_return
  // SYSRET loads RIP from RCX and RFLAGS from R11 (both clobbered by the
  // ABI) and CS/SS from STAR. On Intel CPUs a SYSRET to a non-canonical RIP
  // raises #GP in ring 0 with the user's RSP already loaded; such a RIP
  // (prepare_user_return kills the process for it, so this is a second
  // guard) and any RIP above the user half leave through IRETQ, which
  // faults in user mode instead.
  mov FRAME_RIP(%rsp), %rcx
  mov %rcx, %r11
  sar $47, %r11
  jnz x86_64_return_to_user
  mov FRAME_RFLAGS(%rsp), %r11
  mov FRAME_RAX(%rsp), %rax
  mov FRAME_RDX(%rsp), %rdx
  mov FRAME_RBX(%rsp), %rbx
  mov FRAME_RSI(%rsp), %rsi
  mov FRAME_RDI(%rsp), %rdi
  mov FRAME_RBP(%rsp), %rbp
  mov FRAME_R8(%rsp), %r8
  mov FRAME_R9(%rsp), %r9
  mov FRAME_R10(%rsp), %r10
  mov FRAME_R12(%rsp), %r12
  mov FRAME_R13(%rsp), %r13
  mov FRAME_R14(%rsp), %r14
  mov FRAME_R15(%rsp), %r15
  mov FRAME_RSP(%rsp), %rsp
  swapgs
  sysretq
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

// x86_64_enter_user(kernel_stack_top, pc, sp, arg0, arg1): the first entry
// into user mode of a thread. Its kernel stack is abandoned: the interrupt
// frame is built at its top, where every later entry saves the user context.
// rdi/rsi are the arguments, every other register zero.
  .balign 16
  .global x86_64_enter_user
  .type x86_64_enter_user, @function
x86_64_enter_user:
  .cfi_startproc simple
  .cfi_def_cfa %rsp, 8
  .cfi_undefined %rip
  mov %rdi, %rsp
  .cfi_def_cfa %rsp, 0
  pushq $X86_USER_DS
  pushq %rdx                  // RSP
  pushq $X86_USER_RFLAGS
  pushq $X86_USER_CS
  pushq %rsi                  // RIP
  mov %rcx, %rdi
  mov %r8, %rsi
  xor %eax, %eax
  xor %ecx, %ecx
  xor %edx, %edx
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
