// Exception vectors and the fault trampoline.
//
// Every exception saves a TrapFrame (trap_frame.h) on the current stack and
// calls the C++ handler. For a kernel fault inside a catch_unwind region the
// handler returns 1: we then "return" into fault_trampoline with SP pointing
// at the saved frame. The trampoline calls arch_throw_fault(frame), and its
// CFI describes the frame as a signal frame: the unwinder sees the faulting
// instruction as the caller, with every register as it was, so the exception
// unwinds through the faulting function itself.
//
// Kernel stack overflow. An exception taken at EL1 stays on the interrupted
// stack, so a fault caused by running off a stack would push its frame into
// the guard below it, fault again, and recurse in the vector forever. Every
// vector for the kernel therefore checks, before it stores anything, that
// the frame it allocated lies on a kernel stack: stacks are the top 16 KiB
// of 64 KiB-aligned slots (mm/kernel_stack.h; the boot and overflow stacks
// in boot.S have the same shape), so a valid frame address has bits 14 and
// 15 set, and one in the 48 KiB guard below a stack does not. If the check
// fails the vector moves to this CPU's overflow stack and halts with a
// "kernel stack overflow" panic (stack_overflow.cpp). (Linux's arm64
// kernel_ventry does the same with one bit and twice-aligned stacks.)

#define FRAME_SIZE 288
// sizeof(UserFrame): a TrapFrame and 16 bytes of padding.
#define USER_FRAME_SIZE 304
// A kernel stack pointer has both bits set (mm/kernel_stack.h).
#define STACK_BIT_LOW 14
#define STACK_BIT_HIGH 15
// offsetof(core::CpuLocal, overflow_stack_top) (checked in stack_overflow.cpp).
#define CPU_LOCAL_OVERFLOW_STACK_TOP 32

// Registers of a frame at SP (the layout of trap_frame.h), in runs: a system
// call saves and restores only part of them (see "User mode" below).
.macro STORE_GPRS_X2_X19
  stp x2, x3, [sp, #16]
  stp x4, x5, [sp, #32]
  stp x6, x7, [sp, #48]
  stp x8, x9, [sp, #64]
  stp x10, x11, [sp, #80]
  stp x12, x13, [sp, #96]
  stp x14, x15, [sp, #112]
  stp x16, x17, [sp, #128]
  stp x18, x19, [sp, #144]
.endm

.macro STORE_GPRS_X2_X29
  STORE_GPRS_X2_X19
  stp x20, x21, [sp, #160]
  stp x22, x23, [sp, #176]
  stp x24, x25, [sp, #192]
  stp x26, x27, [sp, #208]
  stp x28, x29, [sp, #224]
.endm

.macro STORE_GPRS_X0_X29
  stp x0, x1, [sp, #0]
  STORE_GPRS_X2_X29
.endm

.macro LOAD_GPRS_X0_X17
  ldp x0, x1, [sp, #0]
  ldp x2, x3, [sp, #16]
  ldp x4, x5, [sp, #32]
  ldp x6, x7, [sp, #48]
  ldp x8, x9, [sp, #64]
  ldp x10, x11, [sp, #80]
  ldp x12, x13, [sp, #96]
  ldp x14, x15, [sp, #112]
  ldp x16, x17, [sp, #128]
.endm

// x0-x30.
.macro LOAD_GPRS
  LOAD_GPRS_X0_X17
  ldp x18, x19, [sp, #144]
  ldp x20, x21, [sp, #160]
  ldp x22, x23, [sp, #176]
  ldp x24, x25, [sp, #192]
  ldp x26, x27, [sp, #208]
  ldp x28, x29, [sp, #224]
  ldr x30, [sp, #240]
.endm

// The exception's return address and state (x1 and x2 are already saved),
// and back into the system registers (before x1 and x2 are restored).
.macro SAVE_RETURN_STATE
  mrs x1, elr_el1
  mrs x2, spsr_el1
  stp x1, x2, [sp, #256]
.endm

.macro LOAD_RETURN_STATE
  ldp x1, x2, [sp, #256]
  msr elr_el1, x1
  msr spsr_el1, x2
.endm

// The return address and state, syndrome and faulting address.
.macro SAVE_EXCEPTION_STATE
  SAVE_RETURN_STATE
  mrs x1, esr_el1
  mrs x2, far_el1
  stp x1, x2, [sp, #272]
.endm

// Fills the frame the vector allocated at SP (the interrupted SP is
// SP + FRAME_SIZE).
.macro SAVE_FRAME
  STORE_GPRS_X0_X29
  add x0, sp, #FRAME_SIZE
  stp x30, x0, [sp, #240]
  SAVE_EXCEPTION_STATE
.endm

.macro RESTORE_FRAME
  LOAD_RETURN_STATE
  LOAD_GPRS
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

// Every vector allocates the trap frame, then goes to its handler.
.macro VECTOR handler
  .balign 0x80
  sub sp, sp, #FRAME_SIZE
  b \handler
.endm

// A vector for exceptions taken from user mode. SP_EL1 is the top of the
// running thread's kernel stack (enter_user and every return to user mode
// leave it there), so the frame always fits: no stack check.
.macro USER_VECTOR handler
  .balign 0x80
  sub sp, sp, #USER_FRAME_SIZE
  b \handler
.endm

// A vector for exceptions taken from the kernel, on SP_EL1: checks that the
// frame is on a kernel stack (see the top of this file). With no register
// free, SP and x0 trade places through their sum: after the add and the
// sub, x0 = the frame's address and SP = frame + x0; the two subs at the
// end undo it. Flags are untouched (tbz).
.macro KERNEL_VECTOR handler
  .balign 0x80
  sub sp, sp, #FRAME_SIZE
  add sp, sp, x0
  sub x0, sp, x0
  tbz x0, #STACK_BIT_LOW, stack_overflow_entry
  tbz x0, #STACK_BIT_HIGH, stack_overflow_entry
  sub x0, sp, x0
  sub sp, sp, x0
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
  KERNEL_VECTOR el1_sync        // current EL, SP_ELx: sync
  KERNEL_VECTOR el1_irq         //   irq
  KERNEL_VECTOR unexpected_exception  // fiq
  KERNEL_VECTOR unexpected_exception  // serror
  USER_VECTOR el0_sync          // lower EL (user mode), aarch64: sync
  USER_VECTOR el0_irq           //   irq
  USER_VECTOR el0_fiq           //   fiq
  USER_VECTOR el0_serror        //   serror
  VECTOR unexpected_exception   // lower EL, aarch32: never (no 32-bit user code)
  VECTOR unexpected_exception
  VECTOR unexpected_exception
  VECTOR unexpected_exception

// The frame would not be on a kernel stack: x0 = its address F, SP = F + the
// interrupted x0. The interrupted code cannot continue, so SP_EL0 (no user
// mode runs after this) is free to hold F while SP, then x0, carry the
// interrupted x0 across the switch to the overflow stack.
  .type stack_overflow_entry, %function
stack_overflow_entry:
  .cfi_startproc simple
  .cfi_return_column 96
  FRAME_CFI
  msr sp_el0, x0              // F
  sub x0, sp, x0              // x0 = the interrupted x0 ...
  mov sp, x0                  // ... parked in SP
  mrs x0, tpidr_el1           // this CPU's CpuLocal
  ldr x0, [x0, #CPU_LOCAL_OVERFLOW_STACK_TOP]
  add sp, sp, x0              // trade places again: SP = top, x0 = interrupted x0
  sub x0, sp, x0
  sub sp, sp, x0
  sub sp, sp, #FRAME_SIZE
  SAVE_FRAME
  mrs x0, sp_el0              // the interrupted SP is F + FRAME_SIZE
  add x0, x0, #FRAME_SIZE
  str x0, [sp, #248]
  mov x0, sp
  bl aarch64_stack_overflow   // never returns
  brk #0
  .cfi_endproc

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

// ---- User mode (EL0) ------------------------------------------------------
//
// An entry from user mode saves the user context in a UserFrame at the top
// of the thread's kernel stack (trap_frame.h): x0-x30, SP_EL0 (for fault
// reports), ELR, SPSR, ESR and FAR. The C++ handler may switch threads;
// this thread comes back to the same frame later and returns to user mode
// through it. The kernel runs with interrupts masked (the exception masked
// them; SPSR has them enabled for the return).
//
// SP_EL0 and TPIDR_EL0 (the user's stack and thread pointers) are not
// restored from the frame: the kernel never uses them, and the context
// switch saves and restores them per thread (context.S), so on the way back
// they hold this thread's values already.
//
// A system call (SVC64) takes a shorter path: it saves the registers the
// C++ code may clobber (x0-x18, x28-x30 -- x28 rides along in a pair) and
// the exception state, but not x19-x27 beyond x19's pair slot: those are
// callee-saved, so every function the call runs -- and a context switch --
// gives them back, and nothing reads them from the frame of a system call
// (a fault report uses PC and FAR; a killed thread never returns). The
// frame's x20-x27, SP, ESR and FAR slots are left as they were. Every other entry saves
// the whole frame, since the code it runs may inspect it.
//
// Unwinding: the frame holds user registers, which no kernel unwind may
// restore, so the entry is the outermost kernel frame (x30 undefined): a
// backtrace taken in a system call ends here, and an exception that nothing
// caught ends at std::terminate instead of walking into user code.

#define ESR_EC_SHIFT 26
#define ESR_EC_SVC64 0x15
// REBOUND_SYS_IPC_CALL; it and REBOUND_SYS_IPC_REPLY_RECEIVE, the next,
// enter through functions of their own (static_asserts in user_mode.cpp).
#define SYS_IPC_CALL 23

// The rest of a full frame once x0 and x1 are saved.
.macro SAVE_USER_FRAME_FROM_X2
  STORE_GPRS_X2_X29
  mrs x0, sp_el0
  stp x30, x0, [sp, #240]
  SAVE_EXCEPTION_STATE
  mov x29, xzr                // no frame-pointer chain into user code
.endm

.macro SAVE_USER_FRAME
  stp x0, x1, [sp, #0]
  SAVE_USER_FRAME_FROM_X2
.endm

// CFI of the user entry code, with SP at the UserFrame (the stack's top is
// SP + USER_FRAME_SIZE): the outermost frame.
.macro USER_FRAME_CFI
  .cfi_def_cfa sp, USER_FRAME_SIZE
  .cfi_undefined x30
.endm

  .type el0_sync, %function
el0_sync:
  .cfi_startproc simple
  USER_FRAME_CFI
  stp x0, x1, [sp, #0]
  mrs x0, esr_el1
  lsr x1, x0, #ESR_EC_SHIFT
  cmp x1, #ESR_EC_SVC64
  b.ne 1f
  // A system call. (ESR and FAR are not stored: nothing reads them.)
  STORE_GPRS_X2_X19
  stp x28, x29, [sp, #224]
  str x30, [sp, #240]
  SAVE_RETURN_STATE
  mov x29, xzr
  mov x0, sp
  // IPC_CALL and IPC_REPLY_RECEIVE have an entry of their own, with the
  // IPC fast path inline (x1 is free: saved in the frame).
  sub x1, x8, #SYS_IPC_CALL
  cmp x1, #1
  b.ls 2f
  bl aarch64_trap_user_svc    // the system call (user_mode.cpp)
3:LOAD_RETURN_STATE
  LOAD_GPRS_X0_X17
  ldr x18, [sp, #144]
  ldp x28, x29, [sp, #224]
  ldr x30, [sp, #240]
  add sp, sp, #USER_FRAME_SIZE
  eret
1:SAVE_USER_FRAME_FROM_X2
  mov x0, sp
  bl aarch64_trap_user_sync   // a user fault, or a trapped WFI/WFE (user_mode.cpp)
  b aarch64_return_to_user
2:cbnz x1, 4f                // the two IPC calls (user_mode.cpp)
  bl aarch64_trap_user_ipc_call
  b 3b
4:bl aarch64_trap_user_ipc_reply_receive
  b 3b
  .cfi_endproc
  .size el0_sync, . - el0_sync

  .type el0_irq, %function
el0_irq:
  .cfi_startproc simple
  USER_FRAME_CFI
  SAVE_USER_FRAME
  mov x0, sp
  bl aarch64_trap_user_irq    // interrupts.cpp's handler, then a preemption point
  b aarch64_return_to_user
  .cfi_endproc
  .size el0_irq, . - el0_irq

// FIQs (nothing is configured as one) and SErrors: halt.
  .type el0_fiq, %function
el0_fiq:
  .cfi_startproc simple
  USER_FRAME_CFI
  SAVE_USER_FRAME
  mov x0, sp
  mov x1, #0
  bl aarch64_trap_user_unexpected  // never returns
  brk #0
  .cfi_endproc
  .size el0_fiq, . - el0_fiq

  .type el0_serror, %function
el0_serror:
  .cfi_startproc simple
  USER_FRAME_CFI
  SAVE_USER_FRAME
  mov x0, sp
  mov x1, #1
  bl aarch64_trap_user_unexpected  // never returns
  brk #0
  .cfi_endproc
  .size el0_serror, . - el0_serror

// Returns to user mode through the full UserFrame at SP (interrupts
// masked). SP ends at the stack's top, which is SP_EL1 for the next entry.
  .global aarch64_return_to_user
  .type aarch64_return_to_user, %function
aarch64_return_to_user:
  .cfi_startproc simple
  USER_FRAME_CFI
  LOAD_RETURN_STATE
  LOAD_GPRS
  add sp, sp, #USER_FRAME_SIZE
  eret
  .cfi_endproc
  .size aarch64_return_to_user, . - aarch64_return_to_user

// enter_user (user_mode.cpp): x0 = the kernel stack's top, x1 = pc, x2 = sp,
// x3-x6 = the first four arguments. Builds the first UserFrame of the thread
// (EL0t with interrupts enabled, every other register zero), sets SP_EL0 and
// clears the thread pointers, and returns to user mode through it. The
// callers' frames on this stack are abandoned.
  .global aarch64_enter_user
  .type aarch64_enter_user, %function
aarch64_enter_user:
  .cfi_startproc
  .cfi_undefined x30
  msr daifset, #0xf           // (kernel code runs masked anyway)
  sub sp, x0, #USER_FRAME_SIZE
  .cfi_def_cfa sp, USER_FRAME_SIZE
  mov x7, sp
  .rept USER_FRAME_SIZE / 16
  stp xzr, xzr, [x7], #16
  .endr
  stp x3, x4, [sp, #0]        // x0, x1
  stp x5, x6, [sp, #16]       // x2, x3
  str x2, [sp, #248]          // SP_EL0 (for the record)
  str x1, [sp, #256]          // ELR; SPSR stays 0: EL0t, DAIF clear
  msr sp_el0, x2
  msr tpidr_el0, xzr
  msr tpidrro_el0, xzr        // nothing of the kernel's reaches user mode
  b aarch64_return_to_user
  .cfi_endproc
  .size aarch64_enter_user, . - aarch64_enter_user
