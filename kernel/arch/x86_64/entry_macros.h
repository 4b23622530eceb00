// Assembly shared by the entry paths (vectors.S, user_entry.S): the
// TrapFrame's offsets (trap_frame.h, static_asserts there), its CFI, and
// saving and restoring the registers in it.
#pragma once
#ifndef __ASSEMBLER__
#error "entry_macros.h is for assembly"
#endif

#define FRAME_SIZE 192
#define FRAME_RAX 16
#define FRAME_RDX 24
#define FRAME_RCX 32
#define FRAME_RBX 40
#define FRAME_RSI 48
#define FRAME_RDI 56
#define FRAME_RBP 64
#define FRAME_R8 72
#define FRAME_R9 80
#define FRAME_R10 88
#define FRAME_R11 96
#define FRAME_R12 104
#define FRAME_R13 112
#define FRAME_R14 120
#define FRAME_R15 128
#define FRAME_VECTOR 136
#define FRAME_RIP 152
#define FRAME_CS 160
#define FRAME_RFLAGS 168
#define FRAME_RSP 176
#define FRAME_SS 184
// Where the interrupted CS is when a stub jumps to the common entry code
// (RSP at the vector it pushed, then the error code, RIP, CS).
#define STUB_CS 24

// CFI for code running with RSP = a TrapFrame: the frame is the CFA, every
// register is saved in it (DWARF numbers: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi,
// 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15), the interrupted RSP too, and the return
// address (column 16) is the interrupted RIP. Exact wherever RSP is the
// frame: at the call of the handler and in the trampoline.
.macro FRAME_CFI
  .cfi_signal_frame
  .cfi_def_cfa %rsp, 0
  .irp n, 0,1,2,3,4,5,6
  .cfi_offset \n, 16 + \n * 8
  .endr
  .cfi_offset 7, 176
  .irp n, 8,9,10,11,12,13,14,15
  .cfi_offset \n, 8 + \n * 8
  .endr
  .cfi_offset 16, 152
.endm

// Below the vector and error code the stub pushed: the registers, then CR2
// and the reserved word (`cr2` is the value to store there).
.macro SAVE_REGISTERS cr2
  push %r15
  push %r14
  push %r13
  push %r12
  push %r11
  push %r10
  push %r9
  push %r8
  push %rbp
  push %rdi
  push %rsi
  push %rbx
  push %rcx
  push %rdx
  push %rax
  sub $16, %rsp
  mov \cr2, %rax
  mov %rax, 0(%rsp)
  movq $0, 8(%rsp)
  cld                         // the C++ ABI's direction flag
.endm

// The registers back from the frame; RSP ends at the CPU's interrupt frame
// (past the vector and error code), ready for iretq.
.macro RESTORE_REGISTERS
  add $16, %rsp
  pop %rax
  pop %rdx
  pop %rcx
  pop %rbx
  pop %rsi
  pop %rdi
  pop %rbp
  pop %r8
  pop %r9
  pop %r10
  pop %r11
  pop %r12
  pop %r13
  pop %r14
  pop %r15
  add $16, %rsp               // vector and error code
.endm
