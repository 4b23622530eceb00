// arch::run_on_stack(fn, arg, top): calls fn(arg) on another stack.
//
// The frame record (x29, x30) goes on the caller's stack and x29 points at
// it; the CFA is then defined through x29 rather than SP. fn preserves x29
// (callee-saved) and its own CFI says where it saved it, so the unwinder,
// stepping out of fn, computes this frame's CFA on the old stack and finds
// the caller there: backtraces and exceptions cross the switch as if fn had
// been called directly. (The alternative, marking fn's frame outermost with
// .cfi_undefined x30, would stop backtraces and exceptions at the switch.)

  .text
  .global arch_run_on_stack
  .type arch_run_on_stack, %function
arch_run_on_stack:            // x0 = fn, x1 = arg, x2 = top
  .cfi_startproc
  stp x29, x30, [sp, #-16]!
  .cfi_def_cfa_offset 16
  .cfi_offset x29, -16
  .cfi_offset x30, -8
  mov x29, sp
  .cfi_def_cfa_register x29
  mov sp, x2
  mov x2, x0
  mov x0, x1
  blr x2
  mov sp, x29                 // back on the caller's stack
  .cfi_def_cfa_register sp
  ldp x29, x30, [sp], #16
  .cfi_def_cfa_offset 0
  .cfi_restore x29
  .cfi_restore x30
  ret
  .cfi_endproc
  .size arch_run_on_stack, . - arch_run_on_stack
