// A new TAS thread starts here (THREAD_CREATE), rdi = its start record, RSP
// 16-aligned: push a zero return address so that tas_thread_main sees the
// stack of a call (RSP+8 aligned) and unwinding ends in it.
  .text
  .global tas_thread_entry
  .type tas_thread_entry, @function
tas_thread_entry:
  xor %ebp, %ebp
  pushq $0
  jmp tas_thread_main
  .size tas_thread_entry, . - tas_thread_entry
