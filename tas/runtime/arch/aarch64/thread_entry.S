// A new TAS thread starts here (THREAD_CREATE), x0 = its start record: no
// frame record and no return address, so that backtraces and unwinding end
// in tas_thread_main.
  .text
  .global tas_thread_entry
  .type tas_thread_entry, %function
tas_thread_entry:
  mov x29, xzr
  mov x30, xzr
  b tas_thread_main
  .size tas_thread_entry, . - tas_thread_entry
