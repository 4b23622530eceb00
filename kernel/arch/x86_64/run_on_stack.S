// arch::run_on_stack(fn, arg, top): calls fn(arg) on another stack.
//
// The caller's RBP is pushed on the caller's stack and RBP points at it; the
// CFA is then defined through RBP rather than RSP. fn preserves RBP
// (callee-saved) and its own CFI says where it saved it, so the unwinder,
// stepping out of fn, computes this frame's CFA on the old stack and finds
// the return address there: backtraces and exceptions cross the switch as if
// fn had been called directly. (The alternative, marking fn's frame
// outermost with .cfi_undefined %rip, would stop both at the switch.)

  .text
  .global arch_run_on_stack
  .type arch_run_on_stack, @function
arch_run_on_stack:            // rdi = fn, rsi = arg, rdx = top
  .cfi_startproc
  push %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  mov %rsp, %rbp
  .cfi_def_cfa_register %rbp
  mov %rdx, %rsp              // 16-byte aligned: the call leaves fn's RSP at 8 mod 16
  mov %rdi, %rax
  mov %rsi, %rdi
  call *%rax
  mov %rbp, %rsp              // back on the caller's stack
  .cfi_def_cfa_register %rsp
  pop %rbp
  .cfi_def_cfa_offset 8
  .cfi_restore %rbp
  ret
  .cfi_endproc
  .size arch_run_on_stack, . - arch_run_on_stack
