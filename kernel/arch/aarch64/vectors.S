// Exception vectors and the fault trampoline.
//
// Every exception saves a TrapFrame (trap_frame.h) on the current stack and
// calls the C++ handler. For a kernel fault inside a catch_unwind region the
// handler returns 1: we then "return" into fault_trampoline with SP pointing
// at the saved frame. The trampoline calls arch_throw_fault(frame), and its
// CFI describes the frame as a signal frame: the unwinder sees the faulting
// instruction as the caller, with every register as it was, so the exception
// unwinds through the faulting function itself.

#define FRAME_SIZE 288

.macro SAVE_FRAME
  sub sp, sp, #FRAME_SIZE
  stp x0, x1, [sp, #0]
  stp x2, x3, [sp, #16]
  stp x4, x5, [sp, #32]
  stp x6, x7, [sp, #48]
  stp x8, x9, [sp, #64]
  stp x10, x11, [sp, #80]
  stp x12, x13, [sp, #96]
  stp x14, x15, [sp, #112]
  stp x16, x17, [sp, #128]
  stp x18, x19, [sp, #144]
  stp x20, x21, [sp, #160]
  stp x22, x23, [sp, #176]
  stp x24, x25, [sp, #192]
  stp x26, x27, [sp, #208]
  stp x28, x29, [sp, #224]
  add x0, sp, #FRAME_SIZE
  stp x30, x0, [sp, #240]
  mrs x1, elr_el1
  mrs x2, spsr_el1
  stp x1, x2, [sp, #256]
  mrs x1, esr_el1
  mrs x2, far_el1
  stp x1, x2, [sp, #272]
.endm

.macro RESTORE_FRAME
  ldp x1, x2, [sp, #256]
  msr elr_el1, x1
  msr spsr_el1, x2
  ldp x0, x1, [sp, #0]
  ldp x2, x3, [sp, #16]
  ldp x4, x5, [sp, #32]
  ldp x6, x7, [sp, #48]
  ldp x8, x9, [sp, #64]
  ldp x10, x11, [sp, #80]
  ldp x12, x13, [sp, #96]
  ldp x14, x15, [sp, #112]
  ldp x16, x17, [sp, #128]
  ldp x18, x19, [sp, #144]
  ldp x20, x21, [sp, #160]
  ldp x22, x23, [sp, #176]
  ldp x24, x25, [sp, #192]
  ldp x26, x27, [sp, #208]
  ldp x28, x29, [sp, #224]
  ldr x30, [sp, #240]
  add sp, sp, #FRAME_SIZE
.endm

// CFI for code running with SP = a TrapFrame: the frame is the CFA, every
// register is saved in it, the interrupted SP too, and the return address is
// the interrupted PC in GCC's alternate return column (96), so that x30 keeps
// its own value for a leaf function that faulted.
.macro FRAME_CFI
  .cfi_signal_frame
  .cfi_def_cfa sp, 0
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
  .cfi_offset \n, \n * 8
  .endr
  .cfi_offset 31, 248
  .cfi_offset 96, 256
.endm

.macro VECTOR handler
  .balign 0x80
  b \handler
.endm

  .text
  .balign 2048
  .global exception_vectors
exception_vectors:
  VECTOR unexpected_exception   // current EL, SP_EL0: sync
  VECTOR unexpected_exception   //   irq
  VECTOR unexpected_exception   //   fiq
  VECTOR unexpected_exception   //   serror
  VECTOR el1_sync               // current EL, SP_ELx: sync
  VECTOR el1_irq                //   irq
  VECTOR unexpected_exception   //   fiq
  VECTOR unexpected_exception   //   serror
  VECTOR unexpected_exception   // lower EL, aarch64 (user mode comes later)
  VECTOR unexpected_exception
  VECTOR unexpected_exception
  VECTOR unexpected_exception
  VECTOR unexpected_exception   // lower EL, aarch32: never
  VECTOR unexpected_exception
  VECTOR unexpected_exception
  VECTOR unexpected_exception

  .type el1_sync, %function
el1_sync:
  .cfi_startproc simple
  .cfi_return_column 96
  FRAME_CFI
  SAVE_FRAME
  mov x0, sp
  bl aarch64_trap_sync        // 0: resume; 1: throw at the faulting pc
  cbnz x0, 1f
  RESTORE_FRAME
  eret
1:adr x1, fault_trampoline
  msr elr_el1, x1
  ldr x2, [sp, #264]          // same PSTATE (EL, interrupt mask) as the faulting code
  msr spsr_el1, x2
  mov x0, sp
  eret
  .cfi_endproc

  .type el1_irq, %function
el1_irq:
  .cfi_startproc simple
  .cfi_return_column 96
  FRAME_CFI
  SAVE_FRAME
  mov x0, sp
  bl aarch64_trap_irq
  RESTORE_FRAME
  eret
  .cfi_endproc

  .type unexpected_exception, %function
unexpected_exception:
  .cfi_startproc simple
  .cfi_return_column 96
  FRAME_CFI
  SAVE_FRAME
  mov x0, sp
  bl aarch64_trap_unexpected  // never returns
  .cfi_endproc

  .global fault_trampoline
  .type fault_trampoline, %function
fault_trampoline:
  .cfi_startproc simple
  .cfi_return_column 96
  FRAME_CFI
  bl arch_throw_fault         // (x0 = frame) never returns
  brk #0
  .cfi_endproc
