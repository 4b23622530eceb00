/* Executes a breakpoint instruction (int3, brk): killed with an undefined
   instruction fault, as there is no debugger. */
#include "rebound_sys.h"

int main(void) {
#if defined(__aarch64__)
  __asm__ volatile("brk #0");
#else
  __asm__ volatile("int3");
#endif
  return 0;
}
