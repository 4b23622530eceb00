// Kernel context switch (arch.h). The saved context is the AAPCS64
// callee-saved registers x19-x29 and the return address x30, plus the two
// EL0 registers that belong to the thread and that the kernel never uses:
// SP_EL0 (the user stack pointer) and TPIDR_EL0 (the user thread pointer),
// 112 bytes on the thread's own stack. Switching them here, and only here,
// is what lets the entries from user mode leave them in place (vectors.S):
// nothing else changes them while the thread runs in the kernel. FP/SIMD
// registers are not saved: the kernel never uses them (user FP state is
// saved with the user context, not here).

#define CONTEXT_SIZE 112

  .text
  .global arch_switch_context
  .type arch_switch_context, %function
arch_switch_context:            // x0 = uintptr_t* save_sp, x1 = load_sp
  .cfi_startproc
  sub sp, sp, #CONTEXT_SIZE
  .cfi_adjust_cfa_offset CONTEXT_SIZE
  stp x19, x20, [sp, #0]
  stp x21, x22, [sp, #16]
  stp x23, x24, [sp, #32]
  stp x25, x26, [sp, #48]
  stp x27, x28, [sp, #64]
  stp x29, x30, [sp, #80]
  mrs x2, sp_el0
  mrs x3, tpidr_el0
  stp x2, x3, [sp, #96]
  mov x2, sp
  str x2, [x0]
  mov sp, x1
  ldp x19, x20, [sp, #0]
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x25, x26, [sp, #48]
  ldp x27, x28, [sp, #64]
  ldp x29, x30, [sp, #80]
  ldp x2, x3, [sp, #96]
  msr sp_el0, x2
  msr tpidr_el0, x3
  add sp, sp, #CONTEXT_SIZE
  .cfi_adjust_cfa_offset -CONTEXT_SIZE
  ret
  .cfi_endproc
  .size arch_switch_context, . - arch_switch_context

// The first code of every new kernel thread: initial_context (context.cpp)
// leaves entry in x19 and its argument in x20, and "returns" here.
  .global aarch64_thread_start
  .type aarch64_thread_start, %function
aarch64_thread_start:
  .cfi_startproc
  .cfi_undefined x30            // outermost frame of the thread
  mov x29, xzr
  mov x0, x20
  blr x19                       // never returns
  brk #1
  .cfi_endproc
  .size aarch64_thread_start, . - aarch64_thread_start
