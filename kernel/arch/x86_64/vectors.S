// Exception and interrupt entry stubs, and the fault trampoline.
//
// Every exception saves a TrapFrame (trap_frame.h) on the current stack and
// calls the C++ handler. For a kernel fault inside a catch_unwind region the
// handler returns 1: we then "return" (iretq) into fault_trampoline with RSP
// pointing at the saved frame. The trampoline calls arch_throw_fault(frame),
// and its CFI describes the frame as a signal frame: the unwinder sees the
// faulting instruction as the caller, with every register as it was, so the
// exception unwinds through the faulting function itself. The entry code
// carries the same CFI, so that a backtrace taken inside the handler (a fault
// outside any region) walks into the interrupted code. See aarch64/vectors.S:
// same design.
//
// Exceptions and interrupts from user mode (CPL 3 in the interrupted CS) go
// to user_entry.S instead, which swaps GS and treats them as user faults.

#include "arch/x86_64/entry_macros.h"

// One stub per vector: a dummy error code where the CPU pushes none, so that
// every frame has the same layout, then the vector number.
.macro STUB vector
  .balign 16
stub_\vector:
  .if !(\vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30)
  pushq $0
  .endif
  pushq $\vector
  jmp trap_entry
.endm

  .text
  .balign 16
  .type trap_stubs, @function
trap_stubs:
  .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  STUB \v
  .endr
  .size trap_stubs, . - trap_stubs

  .type trap_entry, %function
trap_entry:
  .cfi_startproc simple
  FRAME_CFI
  testb $3, STUB_CS(%rsp)     // from user mode?
  jnz x86_64_user_trap_entry
  SAVE_REGISTERS %cr2
  mov %rsp, %rdi
  call x86_64_trap            // 0: resume; 1: throw at the faulting rip
  test %rax, %rax
  jnz 1f
  RESTORE_REGISTERS
  iretq
  // Resume in fault_trampoline on the interrupted stack, just below the
  // frame, with the interrupted RFLAGS (interrupt flag included), CS and SS.
1:mov %rsp, %rdi
  pushq FRAME_SS(%rdi)
  push %rdi                   // RSP = the frame
  pushq FRAME_RFLAGS(%rdi)
  pushq FRAME_CS(%rdi)
  lea fault_trampoline(%rip), %rax
  push %rax
  iretq
  .cfi_endproc
  .size trap_entry, . - trap_entry

// Interrupts (vectors 32-255): one 16-byte stub per vector, each pushing a
// dummy error code and its vector, so that the frame is a TrapFrame like an
// exception's; traps.cpp finds vector v's stub at x86_64_irq_stubs +
// 16 * (v - 32) and installs gates only for the vectors in use. The handler
// may switch threads (a tick); the frame stays on this kernel stack and the
// thread leaves through it when it runs again.
  .balign 16
  .type x86_64_irq_stubs, @function
  .global x86_64_irq_stubs
x86_64_irq_stubs:
  .set vector, 32
  .rept 224
  pushq $0
  pushq $vector
  jmp irq_entry
  // Pads the stub to 16 bytes (int3); a longer stub is an assembler error.
  .org x86_64_irq_stubs + (vector - 31) * 16, 0xcc
  .set vector, vector + 1
  .endr
  .size x86_64_irq_stubs, . - x86_64_irq_stubs

  .type irq_entry, %function
irq_entry:
  .cfi_startproc simple
  FRAME_CFI
  testb $3, STUB_CS(%rsp)     // from user mode?
  jnz x86_64_user_irq_entry
  SAVE_REGISTERS $0           // no fault address
  mov %rsp, %rdi
  call x86_64_interrupt
  RESTORE_REGISTERS
  iretq
  .cfi_endproc
  .size irq_entry, . - irq_entry

  .global fault_trampoline
  .type fault_trampoline, @function
fault_trampoline:
  .cfi_startproc simple
  FRAME_CFI
  call arch_throw_fault       // (rdi = frame) never returns
  ud2
  .cfi_endproc
  .size fault_trampoline, . - fault_trampoline

// The stubs' addresses, for the IDT (traps.cpp).
  .section .rodata
  .balign 8
  .global x86_64_trap_stubs
x86_64_trap_stubs:
  .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  .quad stub_\v
  .endr
