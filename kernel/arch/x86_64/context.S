// Kernel context switch (arch.h). The saved context is the SysV callee-saved
// registers rbx, rbp, r12-r15 and the return address, on the thread's own
// stack. No FP/SSE state: the kernel never uses it.

  .text
  .global arch_switch_context
  .type arch_switch_context, @function
arch_switch_context:            // rdi = uintptr_t* save_sp, rsi = load_sp
  .cfi_startproc
  push %rbp
  .cfi_adjust_cfa_offset 8
  push %rbx
  .cfi_adjust_cfa_offset 8
  push %r12
  .cfi_adjust_cfa_offset 8
  push %r13
  .cfi_adjust_cfa_offset 8
  push %r14
  .cfi_adjust_cfa_offset 8
  push %r15
  .cfi_adjust_cfa_offset 8
  mov %rsp, (%rdi)
  mov %rsi, %rsp
  pop %r15
  .cfi_adjust_cfa_offset -8
  pop %r14
  .cfi_adjust_cfa_offset -8
  pop %r13
  .cfi_adjust_cfa_offset -8
  pop %r12
  .cfi_adjust_cfa_offset -8
  pop %rbx
  .cfi_adjust_cfa_offset -8
  pop %rbp
  .cfi_adjust_cfa_offset -8
  ret
  .cfi_endproc
  .size arch_switch_context, . - arch_switch_context

// The first code of every new kernel thread: initial_context (context.cpp)
// leaves entry in r12 and its argument in r13, and "returns" here with RSP
// 16-byte aligned.
  .global x86_64_thread_start
  .type x86_64_thread_start, @function
x86_64_thread_start:
  .cfi_startproc
  .cfi_undefined rip            // outermost frame of the thread
  xor %ebp, %ebp
  mov %r13, %rdi
  call *%r12                    // never returns
  ud2
  .cfi_endproc
  .size x86_64_thread_start, . - x86_64_thread_start
