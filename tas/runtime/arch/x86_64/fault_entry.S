// Where the kernel delivers a TAS thread's CPU faults (FAULT_HANDLER_SET,
// abi/rebound/fault_frame.h): rsp = rdi = the frame it wrote below the
// faulting rsp and its red zone, 16-byte aligned, with no return address.
// The CFI describes that frame as a signal frame, as the kernel's
// fault_trampoline does its trap frame: the unwinder sees the faulting
// instruction as this entry's caller, with every register as it was, so
// tas_fault's throw unwinds through the faulting function itself. The call
// gives tas_fault the usual stack alignment.
#include "rebound/fault_frame.h"

  .text
  .global tas_fault_entry
  .type tas_fault_entry, @function
tas_fault_entry:
  .cfi_startproc simple
  .cfi_signal_frame
  .cfi_def_cfa %rsp, 0
  // DWARF register n is at n * 8 (rax rdx rcx rbx rsi rdi rbp rsp r8-r15),
  // the return address (rip, column 16) after them.
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  .cfi_offset \n, \n * 8
  .endr
  .cfi_offset 16, REBOUND_FAULT_FRAME_RIP
  call tas_fault              // (rdi = frame) never returns
  ud2
  .cfi_endproc
  .size tas_fault_entry, . - tas_fault_entry
