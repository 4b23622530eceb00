// Where the kernel delivers a TAS thread's CPU faults (FAULT_HANDLER_SET,
// abi/rebound/fault_frame.h): sp = x0 = the frame it wrote below the
// faulting sp. The CFI describes that frame as a signal frame, as the
// kernel's fault_trampoline does its trap frame: the unwinder sees the
// faulting instruction as this entry's caller, with every register as it
// was, so tas_fault's throw unwinds through the faulting function itself.
#include "rebound/fault_frame.h"

  .text
  .global tas_fault_entry
  .type tas_fault_entry, %function
  .balign REBOUND_FAULT_HANDLER_ALIGN
tas_fault_entry:
  .cfi_startproc simple
  .cfi_signal_frame
  // GCC's alternate return column: x30 keeps its own value (a leaf function
  // that faulted has its return address there).
  .cfi_return_column 96
  .cfi_def_cfa sp, 0
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
  .cfi_offset \n, REBOUND_FAULT_FRAME_X(\n)
  .endr
  .cfi_offset 31, REBOUND_FAULT_FRAME_SP
  .cfi_offset 96, REBOUND_FAULT_FRAME_PC
  bl tas_fault                // (x0 = frame) never returns
  udf #0
  .cfi_endproc
  .size tas_fault_entry, . - tas_fault_entry
